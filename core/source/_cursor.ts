/**
 * Incremental cursor values as typed values: ISO 8601 timestamps compare as instants (to the
 * nanosecond, whatever their offset), numbers as numbers (integers past 2^53 as exact
 * bigints, see `parseJson`), other strings as strings. Mixing kinds is an error rather than a
 * silent string comparison. Lag keeps a value's shape, so a lagged
 * `"2024-05-01T10:00:00+02:00"` is sent back to the API in the same format.
 *
 * @module
 */

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
  /** `T`, `t` or a space. */
  sep: string;
  seconds: boolean;
  /** Fraction digits as written (0 = none) and the separator before them. */
  fracDigits: number;
  fracSep: string;
  /** The zone as written (`Z`, `+02:00`, `+0200`, or `""` for a naive timestamp). */
  zone: string;
  offsetMinutes: number;
}

interface ParsedTimestamp {
  ms: number;
  sub: number;
  shape: TimestampShape;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:([Tt ])(\d{2}):(\d{2})(?::(\d{2})(?:([.,])(\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
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
    // Cheap test first: only strings that start like `dddd-dd-dd` go through the regex.
    if (value.length >= 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45) {
      const fast = scanTimestamp(value);
      if (fast) return fast;
      const parsed = parseTimestamp(value);
      if (parsed) return { kind: "timestamp", n: parsed.ms, sub: parsed.sub, s: "" };
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
  const parsed = parseTimestamp(value);
  if (!parsed) return undefined;
  if (parsed.shape.dateOnly) {
    // Python's `date + timedelta(days=x)` uses whole days, rounding down.
    return formatTimestamp(parsed.ms + Math.floor(sign * lag) * MS_PER_DAY, 0, parsed.shape);
  }
  const shiftNs = Math.round(sign * lag * 1e9);
  const total = BigInt(parsed.ms) * 1_000_000n + BigInt(parsed.sub) + BigInt(shiftNs);
  const ms = Number(floorDiv(total, 1_000_000n));
  const sub = Number(total - BigInt(ms) * 1_000_000n);
  return formatTimestamp(ms, sub, parsed.shape);
}

/** A cursor value as it goes into a URL or body: dates as ISO 8601 text. */
export function cursorParam(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

function parseTimestamp(text: string): ParsedTimestamp | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [, ys, mos, ds, sep, hs, mis, ss, fracSep, frac, zone] = m;
  const month = Number(mos);
  const day = Number(ds);
  const hour = hs === undefined ? 0 : Number(hs);
  const minute = mis === undefined ? 0 : Number(mis);
  const second = ss === undefined ? 0 : Number(ss);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const offsetMinutes = zone === undefined || zone === "Z" || zone === "z" ? 0 : zoneOffset(zone);
  const nanos = frac === undefined ? 0 : Number(frac.padEnd(9, "0"));
  const ms = daysFromCivil(Number(ys), month, day) * MS_PER_DAY +
    ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + Math.floor(nanos / 1e6);
  return {
    ms,
    sub: nanos % 1e6,
    shape: {
      dateOnly: sep === undefined,
      sep: sep ?? "T",
      seconds: ss !== undefined,
      fracDigits: frac?.length ?? 0,
      fracSep: fracSep ?? ".",
      zone: zone ?? "",
      offsetMinutes,
    },
  };
}

/**
 * The hot path of `readCursor`: the usual shapes (`2024-05-01T10:00:00.123Z`, `+02:00`
 * offsets, naive, date-only) read char by char, without a regex or substrings. Anything else
 * returns `undefined` and goes to `parseTimestamp`.
 */
function scanTimestamp(t: string): Cursor | undefined {
  const len = t.length;
  const year = digits(t, 0, 4);
  const month = digits(t, 5, 2);
  const day = digits(t, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (len === 10) return { kind: "timestamp", n: ms, sub: 0, s: "" };
  const sep = t.charCodeAt(10);
  if ((sep !== 84 && sep !== 116 && sep !== 32) || len < 16 || t.charCodeAt(13) !== 58) {
    return undefined; // T, t or space; then :
  }
  const hour = digits(t, 11, 2);
  const minute = digits(t, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  let i = 16;
  let second = 0;
  let nanos = 0;
  if (i < len && t.charCodeAt(i) === 58) {
    second = digits(t, i + 1, 2);
    if (second < 0 || second > 59) return undefined;
    i += 3;
    const dot = t.charCodeAt(i);
    if (i < len && (dot === 46 || dot === 44)) {
      let count = 0;
      for (i++; i < len && count < 9; i++, count++) {
        const c = t.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        nanos = nanos * 10 + c;
      }
      if (count === 0) return undefined;
      for (let k = count; k < 9; k++) nanos *= 10;
    }
  }
  let offset = 0;
  if (i < len) {
    const z = t.charCodeAt(i);
    if ((z === 90 || z === 122) && i + 1 === len) offset = 0; // Z
    else if (z === 43 || z === 45) {
      const rest = len - i - 1; // +HH, +HHMM or +HH:MM
      const oh = digits(t, i + 1, 2);
      const om = rest === 2
        ? 0
        : rest === 4
        ? digits(t, i + 3, 2)
        : rest === 5 && t.charCodeAt(i + 3) === 58
        ? digits(t, i + 4, 2)
        : -1;
      if (oh < 0 || om < 0) return undefined;
      offset = (z === 45 ? -1 : 1) * (oh * 60 + om);
    } else return undefined;
  }
  ms += ((hour * 60 + minute - offset) * 60 + second) * 1000 + Math.floor(nanos / 1e6);
  return { kind: "timestamp", n: ms, sub: nanos % 1e6, s: "" };
}

/** The number in `count` decimal digits at `at`, or -1. */
function digits(t: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const c = t.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    n = n * 10 + c;
  }
  return n;
}

function zoneOffset(zone: string): number {
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0"));
}

/** Days since 1970-01-01 of a proleptic Gregorian date (any year, unlike `Date.UTC`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
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
