/**
 * Record selection: a `data_selector` (dotted path or JSONPath) picks the records out of each
 * response; without one, the records are found as dlt finds them and the found path is kept
 * for the following pages.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import { type Logger, silentLogger } from "../log.ts";
import { getAt, jsonPathAll, simplePath } from "./_path.ts";

/**
 * Keys whose list holds the records, in dlt's order (dlt's `RECORD_KEY_PATTERNS`): the
 * selector detects the records with them, `dltx init --openapi` the data_selector.
 */
export const RECORD_KEYS: readonly string[] = [
  "data",
  "items",
  "results",
  "entries",
  "records",
  "rows",
  "entities",
  "payload",
  "content",
  "objects",
  "values",
];
const RECORD_KEY_SET: ReadonlySet<string> = new Set(RECORD_KEYS);

/** Where a response came from, for messages. */
export interface ResponseOrigin {
  method: string;
  /** The request URL, secrets already masked. */
  url: string;
}

/** Options of a `RecordSelector`. */
export interface RecordSelectorOptions {
  /** Resource name, for messages. */
  resource: string;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * The resource's primary key, given when no `data_selector` was: a response that is a
   * single scalar (`"hello"`, `42`) then is an error, as it cannot hold the key. dlt loads a
   * scalar as a `value` row, which a `data_selector` pointing at it still does.
   * @default none
   */
  primaryKey?: readonly string[];
}

/** Outcome of applying a path to a response: dlt's `find_values`, before unwrapping. */
interface Matches {
  values: unknown[];
  /** `false` when the path does not exist in the response at all. */
  found: boolean;
}

/**
 * Selects the records of one resource's responses.
 *
 * @example Usage
 * ```ts
 * import { RecordSelector } from "./selector.ts";
 * const selector = new RecordSelector(undefined, { resource: "users" });
 * selector.select({ data: [{ id: 1 }], meta: {} }, { method: "GET", url: "/users" }, true);
 * // [{ id: 1 }], and selector.path is now "data"
 * ```
 */
export class RecordSelector {
  #match: ((body: unknown) => Matches) | undefined;
  #path: string | undefined;
  #configured: boolean;
  #resource: string;
  #logger: Logger;
  #warnedNull = false;
  #primaryKey: readonly string[];

  /**
   * @param dataSelector the endpoint's `data_selector`; `undefined` finds the records.
   * @param options resource name and logger.
   */
  constructor(dataSelector: string | undefined, options: RecordSelectorOptions) {
    this.#resource = options.resource;
    this.#logger = options.logger ?? silentLogger;
    this.#configured = dataSelector !== undefined;
    this.#primaryKey = options.primaryKey ?? [];
    if (dataSelector !== undefined) {
      this.#path = dataSelector;
      this.#match = compileMatcher(dataSelector);
    }
  }

  /** The selector in use: the configured one, the one found, or `undefined` before any page. */
  get path(): string | undefined {
    return this.#path;
  }

  /**
   * Selects the records of a response body.
   *
   * @param body the parsed JSON body.
   * @param origin the request, for messages.
   * @param firstPage whether this is the first page of a request series: a configured
   *   selector that matches nothing there is an error (later pages may just be empty).
   * @returns the records: a list as is, a single object as one record, null as none.
   * @throws {DataError} when a configured selector matches nothing on a first page, or the
   *   body is a scalar while the resource has a primary key (and no `data_selector`).
   */
  select(body: unknown, origin: ResponseOrigin, firstPage: boolean): unknown[] {
    if (this.#primaryKey.length > 0 && isScalar(body)) {
      const shown = JSON.stringify(body);
      throw new DataError(
        `Resource "${this.#resource}" has the primary key ${this.#primaryKey.join(", ")}, but ` +
          `the response of ${origin.method} ${origin.url} is a single ${typeof body} ` +
          `(${shown.length > 60 ? `${shown.slice(0, 60)}...` : shown}), not records; point ` +
          'data_selector at the records, or set data_selector: "$" to load it as a "value" row',
      );
    }
    if (this.#match === undefined) {
      const keys = findRecordsPath(body);
      this.#path = keys.length ? keys.join(".") : "$";
      this.#match = keys.length ? keysMatcher(keys) : rootMatcher;
      // A detail of every run: shown with --verbose (debug), not on every run.
      this.#logger.debug(`Resource "${this.#resource}": records found at ${this.#path}`);
    }
    const { values, found } = this.#match(body);
    if (!found && firstPage && this.#configured) {
      throw new DataError(
        `data_selector ${JSON.stringify(this.#path)} matched nothing in the response of ` +
          `${origin.method} ${origin.url}; ${describeTop(body)}`,
      );
    }
    // dlt: one match is the data itself (a list of records or one record), more are records.
    const data = values.length === 1 ? values[0] : values;
    if (data === null || data === undefined) {
      if (!this.#warnedNull) {
        this.#warnedNull = true;
        this.#logger.warn(
          `Resource "${this.#resource}": ${this.#path} is ${
            data === null ? "null" : "empty"
          } in the response of ${origin.method} ${origin.url}; no records taken`,
        );
      }
      return [];
    }
    return Array.isArray(data) ? data : [data];
  }
}

/**
 * Finds the records in a response as dlt does: a non-object is the data itself; otherwise the
 * first list (depth-first, up to 3 levels) under a record-like key (`data`, `items`,
 * `results`, ...), else the first list, else the whole object.
 *
 * @param body a parsed JSON body.
 * @returns the keys leading to the records; `[]` means the body itself (`$`).
 */
export function findRecordsPath(body: unknown): string[] {
  if (!isObject(body)) return [];
  const lists: string[][] = [];
  collectLists(body, [], lists);
  if (lists.length === 0) return [];
  return lists.find((keys) => RECORD_KEY_SET.has(keys[keys.length - 1])) ?? lists[0];
}

function collectLists(node: Record<string, unknown>, path: string[], out: string[][]): void {
  if (path.length > 2) return;
  for (const key in node) {
    const value = node[key];
    if (Array.isArray(value)) out.push([...path, key]);
    else if (isObject(value)) collectLists(value, [...path, key], out);
  }
}

function compileMatcher(selector: string): (body: unknown) => Matches {
  const keys = simplePath(selector);
  if (keys) return keys.length ? keysMatcher(keys) : rootMatcher;
  // `data.items[*]` / `$.data[*]`: the fast path when the list is there.
  const star = selector.endsWith("[*]") ? simplePath(selector.slice(0, -3)) : undefined;
  if (star) {
    return (body) => {
      const list = getAt(body, star);
      if (Array.isArray(list)) return { values: list, found: true };
      return jsonPathMatcher(selector, body);
    };
  }
  return (body) => jsonPathMatcher(selector, body);
}

function jsonPathMatcher(selector: string, body: unknown): Matches {
  const values = jsonPathAll(body, selector);
  if (values.length > 0) return { values, found: true };
  // `$.data[*]` over an empty list matches nothing, yet the path is there.
  const found = selector.endsWith("[*]") && jsonPathAll(body, selector.slice(0, -3)).length > 0;
  return { values, found };
}

function keysMatcher(keys: string[]): (body: unknown) => Matches {
  return (body) => {
    const value = getAt(body, keys);
    return value === undefined ? { values: [], found: false } : { values: [value], found: true };
  };
}

function rootMatcher(body: unknown): Matches {
  return { values: [body], found: true };
}

function describeTop(body: unknown): string {
  if (Array.isArray(body)) return "the response is a list";
  if (!isObject(body)) return `the response is ${body === null ? "null" : `a ${typeof body}`}`;
  const keys = Object.keys(body);
  const shown = keys.slice(0, 20).join(", ") + (keys.length > 20 ? ", ..." : "");
  return `top-level keys: ${keys.length ? shown : "none"}`;
}

/** A JSON string, number (a bigint too) or boolean; null is no record at all. */
function isScalar(value: unknown): boolean {
  const type = typeof value;
  return type === "string" || type === "number" || type === "bigint" || type === "boolean";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
