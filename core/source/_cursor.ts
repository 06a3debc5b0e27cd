/**
 * Incremental cursor values as typed values: ISO 8601 timestamps (dlt's forms, see
 * `core/iso_timestamp.ts`) compare as instants (to the nanosecond, whatever their offset), numbers as numbers (integers past 2^53 as exact
 * bigints, see `parseJson`), other strings as strings. Mixing kinds is an error rather than a
 * silent string comparison. Lag keeps a value's shape, so a lagged
 * `"2024-05-01T10:00:00+02:00"` is sent back to the API in the same format.
 *
 * @module
 */

import { type IsoInstant, readIsoInstant } from "../iso_timestamp.ts";
import { stringifyJson } from "../json/mod.ts";

/** How a cursor value compares. */
export type CursorKind = "number" | "timestamp" | "string";

/** A cursor value read for comparison. */
export interface Cursor {
  kind: CursorKind;
  /** The number (a bigint past 2^53), or the instant in epoch milliseconds. */
  n: number | bigint;
  /** Instants: nanoseconds past `n` (0..999999), so microsecond cursors stay exact. */
  sub: number;
  /** Strings that are no timestamp. */
  s: string;
}

/** The shape of a timestamp string, to write a lagged instant back the same way. */
interface TimestampShape {
  dateOnly: boolean;
  /** `T` or a space. */
  sep: string;
  seconds: boolean;
  /** Fraction digits as written (0 = none) and the separator before them. */
  fracDigits: number;
  fracSep: string;
  /** The zone as written (`Z`, `+02:00`, `+0200`, or `""` for a naive timestamp). */
  zone: string;
  offsetMinutes: number;
}

const MS_PER_DAY = 86_400_000;

/**
 * Reads a cursor value, or returns `undefined` for a value that cannot be a cursor
 * (booleans, objects, lists, non-finite numbers).
 */
export function readCursor(value: unknown): Cursor | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) ? { kind: "number", n: value, sub: 0, s: "" } : undefined;
  }
  if (typeof value === "bigint") return { kind: "number", n: value, sub: 0, s: "" };
  if (typeof value === "string") {
    // Cheap test first: only strings that start like `dddd-dd-dd` are scanned.
    if (value.length >= 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45) {
      const instant = readIsoInstant(value);
      if (instant) return { kind: "timestamp", n: instant.ms, sub: instant.sub, s: "" };
    }
    return { kind: "string", n: 0, s: value, sub: 0 };
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? undefined : { kind: "timestamp", n: ms, sub: 0, s: "" };
  }
  return undefined;
}

/** Compares two cursors of the same kind: negative, 0 or positive. */
export function compareCursors(a: Cursor, b: Cursor): number {
  if (a.kind === "string") return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
  // `<` and `>` compare a bigint with a number exactly (`!==` would tell 5n from 5).
  if (a.n < b.n) return -1;
  if (a.n > b.n) return 1;
  return a.sub - b.sub;
}

/** What a value is, for error messages: `"2024-01-01" (a timestamp)`. */
export function describeCursor(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = value instanceof Date ? value.toISOString() : stringifyJson(value) ?? String(value);
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  const cursor = readCursor(value);
  const kind = cursor
    ? `a ${cursor.kind}`
    : Array.isArray(value)
    ? "a list"
    : value === null
    ? "null"
    : typeof value === "object"
    ? "an object"
    : `a ${typeof value}`;
  return `${shown} (${kind})`;
}

/**
 * Moves a cursor value back by `lag` (forward for `min`), keeping its representation:
 * seconds for timestamps (days for a date-only string, as dlt), units for numbers. An exact
 * integer (bigint) moves by whole units, a fractional lag rounded up, so it never lags less.
 *
 * @returns the lagged value, or `undefined` when the value cannot be lagged (other strings).
 */
export function lagValue(value: unknown, lag: number, func: "max" | "min"): unknown {
  const sign = func === "max" ? -1 : 1;
  if (typeof value === "bigint") return value + BigInt(sign * Math.ceil(lag));
  if (typeof value === "number") {
    const lagged = value + sign * lag;
    return Number.isInteger(value) ? Math.trunc(lagged) : lagged;
  }
  if (value instanceof Date) return new Date(value.getTime() + sign * lag * 1000);
  if (typeof value !== "string") return undefined;
  const parsed = readIsoInstant(value);
  if (!parsed) return undefined;
  const shape = shapeOf(value, parsed);
  if (shape.dateOnly) {
    // Python's `date + timedelta(days=x)` uses whole days, rounding down.
    return formatTimestamp(parsed.ms + Math.floor(sign * lag) * MS_PER_DAY, 0, shape);
  }
  const shiftNs = Math.round(sign * lag * 1e9);
  const total = BigInt(parsed.ms) * 1_000_000n + BigInt(parsed.sub) + BigInt(shiftNs);
  const ms = Number(floorDiv(total, 1_000_000n));
  const sub = Number(total - BigInt(ms) * 1_000_000n);
  return formatTimestamp(ms, sub, shape);
}

/** A cursor value as it goes into a URL or body: dates as ISO 8601 text. */
export function cursorParam(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/** How `text` (read as `instant`) is written, from where its parts sit. */
function shapeOf(text: string, instant: IsoInstant): TimestampShape {
  const seconds = instant.zone > 16 && text.charCodeAt(16) === 58;
  return {
    dateOnly: text.length === 10,
    sep: text.length === 10 ? "T" : text[10],
    seconds,
    fracDigits: instant.zone > 20 ? instant.zone - 20 : 0,
    fracSep: instant.zone > 20 ? text[19] : ".",
    zone: text.slice(instant.zone),
    offsetMinutes: instant.offsetMinutes,
  };
}

function formatTimestamp(ms: number, sub: number, shape: TimestampShape): string {
  // Written in the original offset, so the wall clock reads as the API wrote it.
  const local = new Date(ms + shape.offsetMinutes * 60_000);
  const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1, 2)}-${
    pad(local.getUTCDate(), 2)
  }`;
  if (shape.dateOnly) return date;
  let time = `${pad(local.getUTCHours(), 2)}:${pad(local.getUTCMinutes(), 2)}`;
  if (shape.seconds) time += `:${pad(local.getUTCSeconds(), 2)}`;
  if (shape.fracDigits > 0) {
    const nanos = local.getUTCMilliseconds() * 1e6 + sub;
    time += shape.fracSep + pad(nanos, 9).slice(0, shape.fracDigits);
  }
  return `${date}${shape.sep}${time}${shape.zone}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}
