/**
 * dlt's `incremental`: the cursor of one resource. It computes the range a run asks for
 * (`[start, end)`, start from the last run's state minus `lag`, or `initial_value`), filters
 * each page to that range, drops the records at the start that the last run already loaded
 * (`unique_hashes`), and produces the cursor's new state. Cursor values compare as typed
 * values (timestamps as instants, numbers as numbers), never as strings.
 *
 * @module
 */

import { ConfigError, DataError } from "../errors.ts";
import { isPlainObject } from "./_check.ts";
import {
  compareCursors,
  type Cursor,
  cursorParam,
  describeCursor,
  lagValue,
  readCursor,
} from "./_cursor.ts";
import { digest128, sortedJson } from "./_dedup_hash.ts";
import { compileGetter } from "./_path.ts";
import type { IncrementalConfig } from "./types.ts";

/** The state of one cursor, as dlt stores it (`resources.<r>.incremental.<cursor_path>`). */
export interface IncrementalState {
  initial_value: unknown;
  last_value: unknown;
  /** Hashes of the records at `last_value`, to drop them when the next run sees them again. */
  unique_hashes: string[];
  /**
   * dlt's `start_value`: the last value the run that wrote this state started from (the
   * `initial_value` on a first run).
   */
  start_value?: unknown;
}

/** The settings of an incremental: an `IncrementalConfig` without the request params. */
export type IncrementalSettings = Omit<IncrementalConfig, "start_param" | "end_param">;

/** Options of {@linkcode Incremental}. */
export interface IncrementalOptions {
  /** The resource's primary key; its values identify a record. @default the whole record */
  primaryKey?: string | string[];
  /** The cursor's state from the last committed load, if any. */
  state?: unknown;
}

/** A page after filtering. */
export interface IncrementalPage {
  records: unknown[];
  /** Records are sorted (`row_order`) and one lay past the range: no further page can match. */
  stop: boolean;
}

/** Values of the `{incremental.*}` placeholders; dates as ISO text, `null` when unset. */
export interface IncrementalValues {
  start_value: unknown;
  initial_value: unknown;
  /** The last value as the run starts (lag applied), which is also the start value. */
  last_value: unknown;
  end_value: unknown;
}

/**
 * The incremental cursor of one resource during one extraction.
 *
 * @example Usage
 * ```ts
 * import { Incremental } from "./incremental.ts";
 * const cursor = new Incremental("issues", {
 *   cursor_path: "updated_at",
 *   initial_value: "2024-01-01T00:00:00Z",
 * }, { primaryKey: "id" });
 * const page = cursor.filter([
 *   { id: 1, updated_at: "2023-12-31T23:00:00Z" }, // before the start: dropped
 *   { id: 2, updated_at: "2024-01-02T00:00:00+02:00" },
 * ]);
 * page.records.length; // 1
 * cursor.state()?.last_value; // "2024-01-02T00:00:00+02:00"
 * ```
 */
export class Incremental {
  /** The resource, for messages. */
  readonly resource: string;
  /** The cursor path as configured; the state key. */
  readonly cursorPath: string;
  /** Where the range starts: the last value of the last run (lag applied) or `initial_value`. */
  readonly startValue: unknown;
  /** `false` with `end_value` (a backfill): the state is neither read nor saved. */
  readonly persistent: boolean;
  readonly #settings: IncrementalSettings;
  readonly #get: (record: unknown) => unknown;
  readonly #dir: number;
  readonly #primaryKey?: string | string[];
  readonly #stored?: IncrementalState;
  readonly #storedLast?: Cursor;
  readonly #start?: Cursor;
  readonly #end?: Cursor;
  readonly #startHashes: Set<string>;
  #last?: Cursor;
  /** Whether any record came in range (dlt then moves `start_value`). */
  #tracked = false;
  #lastRaw: unknown;
  #hashes: Set<string>;
  /** Accepted records at the current last value whose hashes are not computed yet. */
  #pending: unknown[] = [];
  #used = false;

  /**
   * @param resource the resource name, for messages.
   * @param settings the incremental's settings (validated connector values).
   * @param options the primary key used for deduplication, and the stored state.
   * @throws {ConfigError} when `end_value` lacks `initial_value` or is not past it, when
   *   `lag` meets a value that cannot lag, or when configured and stored values do not compare.
   * @throws {DataError} when the stored state is malformed.
   */
  constructor(resource: string, settings: IncrementalSettings, options: IncrementalOptions = {}) {
    this.resource = resource;
    this.cursorPath = settings.cursor_path;
    this.#settings = settings;
    this.#get = compileGetter(settings.cursor_path);
    this.#dir = settings.last_value_func === "min" ? -1 : 1;
    this.#primaryKey = options.primaryKey;
    const initial = settings.initial_value ?? undefined;
    const end = settings.end_value ?? undefined;
    this.persistent = end === undefined;
    let start: unknown;
    if (end !== undefined) {
      // dlt: a backfill ignores the state and starts at initial_value.
      if (initial === undefined) {
        throw this.#configError(
          "has end_value but no initial_value; a backfill loads from initial_value up to end_value",
        );
      }
      this.#end = this.#configCursor(end, "end_value");
      const from = this.#configCursor(initial, "initial_value");
      if (this.#compare(this.#end, from, end, initial, true) <= 0) {
        throw this.#configError(
          `initial_value ${describeCursor(initial)} is not ${
            this.#dir > 0 ? "lower" : "higher"
          } than end_value ${describeCursor(end)}`,
        );
      }
      start = initial;
    } else {
      this.#stored = readStored(resource, settings.cursor_path, options.state);
      const base = this.#stored?.last_value ?? initial;
      if (this.#stored?.last_value != null) {
        this.#storedLast = this.#configCursor(this.#stored.last_value, "the stored last_value");
      }
      start = settings.lag && base !== undefined ? this.#lagged(base, initial) : base;
    }
    this.startValue = start;
    if (start !== undefined) this.#start = this.#configCursor(start, "the start value");
    this.#startHashes = new Set(this.#stored?.unique_hashes ?? []);
    this.#last = this.#start;
    this.#lastRaw = start;
    this.#hashes = new Set(this.#startHashes);
  }

  /** Whether {@linkcode Incremental.filter} ran, i.e. the resource was extracted. */
  get used(): boolean {
    return this.#used;
  }

  /** Values of the `{incremental.*}` placeholders and of the start and end params. */
  values(): IncrementalValues {
    const start = cursorParam(this.startValue ?? null);
    return {
      start_value: start,
      initial_value: cursorParam(this.#settings.initial_value ?? null),
      last_value: start,
      end_value: cursorParam(this.#settings.end_value ?? null),
    };
  }

  /**
   * Keeps the records of one page that are in range and not loaded yet, and advances the
   * last value. Hashes of the records at the last value are taken before this returns, so
   * later changes to the records do not matter.
   *
   * @param records the page's records (after processing steps).
   * @returns the records to load, and whether further pages can be skipped.
   * @throws {DataError} for a missing cursor (with `on_cursor_value_missing: raise`), a value
   *   that cannot be a cursor or does not compare with the others, or a missing primary key.
   */
  filter(records: readonly unknown[]): IncrementalPage {
    this.#used = true;
    const kept: unknown[] = [];
    let startOut = false;
    let endOut = false;
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      const raw = this.#get(record);
      if (raw === undefined || raw === null) {
        const mode = this.#settings.on_cursor_value_missing ?? "raise";
        if (mode === "include") kept.push(record);
        else if (mode === "raise") throw this.#missing(record, raw);
        continue;
      }
      const cursor = readCursor(raw);
      if (cursor === undefined) {
        throw this.#dataError(
          `a record has ${
            describeCursor(raw)
          } at the cursor; a cursor must be a number, a timestamp or a string`,
        );
      }
      if (this.#end && this.#compare(cursor, this.#end, raw, this.#settings.end_value) >= 0) {
        endOut = true;
        continue;
      }
      if (this.#start) {
        const d = this.#compare(cursor, this.#start, raw, this.startValue);
        if (d < 0) {
          startOut = true;
          continue;
        }
        // At the start value: the last run may have loaded this very record.
        if (d === 0 && this.#startHashes.size > 0 && this.#startHashes.has(this.#hash(record))) {
          continue;
        }
      }
      this.#track(cursor, raw, record);
      kept.push(record);
    }
    for (const record of this.#pending) this.#hashes.add(this.#hash(record));
    this.#pending = [];
    const order = this.#settings.row_order;
    return { records: kept, stop: order === "asc" ? endOut : order === "desc" ? startOut : false };
  }

  /**
   * The cursor's new state, or `undefined` for a backfill (`end_value`), whose state is not
   * saved. The last value never moves back behind the stored one (lag re-reads older data).
   */
  state(): IncrementalState | undefined {
    if (!this.persistent) return undefined;
    const stored = this.#stored;
    let last = this.#lastRaw;
    let hashes = [...this.#hashes];
    if (stored && this.#storedLast) {
      const d = this.#last
        ? this.#compare(this.#last, this.#storedLast, last, stored.last_value)
        : -1;
      if (d < 0) {
        last = stored.last_value;
        hashes = stored.unique_hashes;
      } else if (d === 0) hashes = [...new Set([...hashes, ...stored.unique_hashes])];
    }
    const initial = stored ? stored.initial_value : this.#settings.initial_value ?? null;
    // dlt moves start_value to where this run started only when records came in range.
    const start = this.#tracked || stored?.start_value === undefined
      ? stored?.last_value ?? initial
      : stored.start_value;
    return {
      initial_value: initial,
      last_value: last ?? null,
      // Sorted: pages of concurrent series arrive in any order, the state must not differ.
      unique_hashes: [...hashes].sort(),
      start_value: start ?? null,
    };
  }

  #track(cursor: Cursor, raw: unknown, record: unknown): void {
    this.#tracked = true;
    const d = this.#last === undefined ? 1 : this.#compare(cursor, this.#last, raw, this.#lastRaw);
    if (d > 0) {
      this.#last = cursor;
      this.#lastRaw = raw;
      this.#pending = [record];
      this.#hashes.clear();
    } else if (d === 0) this.#pending.push(record);
  }

  /** Applies lag to `base` without crossing `initial_value` (dlt's `apply_lag`). */
  #lagged(base: unknown, initial: unknown): unknown {
    const func = this.#settings.last_value_func ?? "max";
    const lagged = lagValue(base, this.#settings.lag!, func);
    if (lagged === undefined) {
      throw this.#configError(
        `has lag ${this.#settings.lag}, but its value ${
          describeCursor(base)
        } is neither a number nor a timestamp`,
      );
    }
    if (initial === undefined) return lagged;
    const d = this.#compare(
      this.#configCursor(initial, "initial_value"),
      this.#configCursor(lagged, "the lagged last value"),
      initial,
      lagged,
      true,
    );
    return d >= 0 ? initial : lagged;
  }

  /** Compares in the direction of `last_value_func`: positive means further along. */
  #compare(a: Cursor, b: Cursor, aRaw: unknown, bRaw: unknown, inConfig = false): number {
    if (a.kind !== b.kind) {
      const message = `cannot compare ${describeCursor(aRaw)} with ${describeCursor(bRaw)}; ` +
        "initial_value, end_value, the stored state and every record must hold the same " +
        "kind of cursor: numbers, timestamps or other strings";
      throw inConfig
        ? new ConfigError(
          `Resource "${this.resource}", incremental "${this.cursorPath}": ${message}`,
        )
        : this.#dataError(message);
    }
    return compareCursors(a, b) * this.#dir;
  }

  #configCursor(value: unknown, what: string): Cursor {
    const cursor = readCursor(value);
    if (cursor === undefined) {
      throw this.#configError(
        `has ${what} ${describeCursor(value)}; a cursor must be a number, a timestamp or a string`,
      );
    }
    return cursor;
  }

  #hash(record: unknown): string {
    const key = this.#primaryKey;
    if (key === undefined) return digest128(sortedJson(record));
    if (typeof key === "string") return digest128(sortedJson(this.#keyValue(record, key)));
    return digest128(sortedJson(key.map((k) => this.#keyValue(record, k))));
  }

  #keyValue(record: unknown, key: string): unknown {
    if (record !== null && typeof record === "object" && Object.hasOwn(record, key)) {
      return (record as Record<string, unknown>)[key];
    }
    throw this.#dataError(
      `a record at the start value lacks primary key field "${key}", which tells it apart ` +
        `from the records the last run loaded; the record has: ${fieldsOf(record)}`,
    );
  }

  #missing(record: unknown, raw: null | undefined): DataError {
    return this.#dataError(
      `a record ${raw === null ? "has null at" : "lacks"} the cursor; the record has: ${
        fieldsOf(record)
      }. Set incremental.on_cursor_value_missing to "include" or "exclude" to load or skip ` +
        "such records",
    );
  }

  #dataError(message: string): DataError {
    return new DataError(
      `Resource "${this.resource}", incremental "${this.cursorPath}": ${message}`,
    );
  }

  #configError(message: string): ConfigError {
    return new ConfigError(
      `Resource "${this.resource}": incremental "${this.cursorPath}" ${message}`,
    );
  }
}

function fieldsOf(record: unknown): string {
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    return `no fields (it is ${describeCursor(record)})`;
  }
  return Object.keys(record).join(", ") || "no fields";
}

function readStored(
  resource: string,
  cursorPath: string,
  value: unknown,
): IncrementalState | undefined {
  if (value === undefined || value === null) return undefined;
  const hashes = isPlainObject(value) ? value.unique_hashes ?? [] : undefined;
  if (!Array.isArray(hashes) || !hashes.every((h) => typeof h === "string")) {
    throw new DataError(
      `Resource "${resource}": the stored state of incremental "${cursorPath}" is malformed ` +
        `(expected {initial_value, last_value, unique_hashes}); drop the resource's state with ` +
        `\`dltx pipeline <name> drop ${resource} --state-only\``,
    );
  }
  const state = value as Record<string, unknown>;
  const read: IncrementalState = {
    initial_value: state.initial_value ?? null,
    last_value: state.last_value ?? null,
    unique_hashes: hashes,
  };
  if (state.start_value !== undefined) read.start_value = state.start_value;
  return read;
}
