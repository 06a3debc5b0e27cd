/**
 * ISO 8601 timestamps, recognised by one set of rules for type inference and incremental
 * cursors: the forms dlt accepts through pendulum's ISO 8601 parser. `YYYY-MM-DD`, then
 * optionally `T` or a space, `HH:MM`, optional `:SS`, optional `.` or `,` fraction (1-9
 * digits), optional zone `Z`, `±HH`, `±HHMM` or `±HH:MM`; upper-case `T` and `Z` only, and
 * every value must exist on the calendar and the clock (`2024-02-31`, `24:00` and year 0 do
 * not, as Python's `datetime` refuses them). Scanned by hand, with no regex or allocation,
 * because it runs for every string value of a timestamp column.
 *
 * @module
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MS_PER_DAY = 86_400_000;

function validDate(year: number, month: number, day: number): boolean {
  // Python's datetime starts at year 1 (MINYEAR).
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= DAYS_IN_MONTH[month - 1];
}

/** Value of the decimal digits at `from..from+count`, or -1 when one is not a digit. */
function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

function scanDate(s: string): boolean {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  return validDate(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2));
}

/**
 * Scans a datetime; returns where its zone designator starts (`s.length` when it has none), or
 * -1 when `s` is not an ISO datetime.
 */
function scanDatetime(s: string): number {
  const n = s.length;
  if (n < 16 || n > 40 || !scanDate(s)) return -1;
  const sep = s.charCodeAt(10);
  if ((sep !== 84 && sep !== 32) || s.charCodeAt(13) !== 58) return -1; // `T` or space, `:`
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return -1;
  let i = 16;
  if (i < n && s.charCodeAt(i) === 58) {
    const second = digits(s, i + 1, 2);
    if (i + 3 > n || second < 0 || second > 59) return -1;
    i += 3;
    const c = s.charCodeAt(i);
    if (c === 46 || c === 44) { // fraction after `.` or `,`
      let j = i + 1;
      while (j < n && j - i <= 9 && digits(s, j, 1) >= 0) j++;
      if (j === i + 1) return -1;
      i = j;
    }
  }
  if (i === n) return n;
  const c = s.charCodeAt(i);
  if (c === 90) return i + 1 === n ? i : -1; // `Z`
  if (c !== 43 && c !== 45) return -1; // `+` or `-`
  const offHour = digits(s, i + 1, 2);
  if (i + 3 > n || offHour < 0 || offHour > 23) return -1;
  let j = i + 3;
  if (j === n) return i;
  if (s.charCodeAt(j) === 58) j++;
  const offMinute = digits(s, j, 2);
  return j + 2 === n && offMinute >= 0 && offMinute <= 59 ? i : -1;
}

/** Minutes east of UTC of the zone starting at `zone` (`Z`, `±HH`, `±HHMM`, `±HH:MM`, none). */
function offsetMinutes(s: string, zone: number): number {
  if (zone >= s.length || s.charCodeAt(zone) === 90) return 0;
  const sign = s.charCodeAt(zone) === 45 ? -1 : 1;
  const hours = digits(s, zone + 1, 2);
  const rest = s.length - zone - 3;
  const minutes = rest === 0 ? 0 : digits(s, s.length - 2, 2);
  return sign * (hours * 60 + minutes);
}

/**
 * Whether `s` is a full ISO 8601 datetime (`2024-01-02T03:04:05Z`,
 * `2024-01-02T03:04:05.123+02:00`, `2024-01-02 03:04`) with valid calendar and clock values.
 * Date-only strings are not datetimes.
 *
 * @param s Any string.
 * @returns Whether dlt's `iso_timestamp` detection would take it for a timestamp.
 */
export function isIsoDatetime(s: string): boolean {
  return scanDatetime(s) >= 0;
}

/**
 * Whether `s` is an ISO 8601 calendar date `YYYY-MM-DD` with valid values.
 *
 * @param s Any string.
 * @returns Whether it is a date that exists (`2024-02-29` is, `2023-02-29` is not).
 */
export function isIsoDate(s: string): boolean {
  return s.length === 10 && scanDate(s);
}

/**
 * The UTC calendar date (`YYYY-MM-DD`) of an ISO datetime; a datetime without zone counts as
 * UTC, as dlt treats naive datetimes.
 *
 * @param s Any string.
 * @returns The date, or `undefined` when `s` is not an ISO datetime.
 */
export function isoDatetimeUtcDate(s: string): string | undefined {
  const zone = scanDatetime(s);
  if (zone < 0) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(digits(s, 0, 4), digits(s, 5, 2) - 1, digits(s, 8, 2));
  date.setUTCHours(digits(s, 11, 2), digits(s, 14, 2) - offsetMinutes(s, zone));
  return date.toISOString().slice(0, 10);
}

/** An ISO 8601 date or datetime read as an instant, with where its parts sit in the text. */
export interface IsoInstant {
  /** The instant in epoch milliseconds (a naive or date-only value counts as UTC). */
  ms: number;
  /** Nanoseconds past `ms` (0..999999), so microsecond and nanosecond values stay exact. */
  sub: number;
  /** Where the zone designator starts: the text's length when it has none. */
  zone: number;
  /** The zone's offset east of UTC in minutes (0 for `Z` and naive values). */
  offsetMinutes: number;
}

/**
 * Reads an ISO 8601 date (`2024-05-01`, midnight UTC) or datetime (the forms of
 * {@linkcode isIsoDatetime}) as an instant, to the nanosecond.
 *
 * @example Usage
 * ```ts
 * import { readIsoInstant } from "./iso_timestamp.ts";
 * import { equal } from "node:assert/strict";
 *
 * equal(readIsoInstant("2024-01-01T10:00:00+02:00")?.ms, Date.UTC(2024, 0, 1, 8));
 * equal(readIsoInstant("2024-02-31"), undefined);
 * ```
 *
 * @param s Any string.
 * @returns The instant, or `undefined` when `s` is neither.
 */
export function readIsoInstant(s: string): IsoInstant | undefined {
  let zone: number;
  if (s.length === 10) {
    if (!scanDate(s)) return undefined;
    zone = 10;
  } else {
    zone = scanDatetime(s);
    if (zone < 0) return undefined;
  }
  const days = daysFromCivil(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2));
  if (zone === 10) return { ms: days * MS_PER_DAY, sub: 0, zone, offsetMinutes: 0 };
  const offset = offsetMinutes(s, zone);
  const second = s.charCodeAt(16) === 58 ? digits(s, 17, 2) : 0;
  let nanos = 0;
  if (zone > 20) { // a fraction after `:SS` and `.` or `,`
    for (let i = 20; i < zone; i++) nanos = nanos * 10 + s.charCodeAt(i) - 48;
    for (let k = zone - 20; k < 9; k++) nanos *= 10;
  }
  const minutes = digits(s, 11, 2) * 60 + digits(s, 14, 2) - offset;
  const ms = days * MS_PER_DAY + (minutes * 60 + second) * 1000 + Math.floor(nanos / 1e6);
  return { ms, sub: nanos % 1e6, zone, offsetMinutes: offset };
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
