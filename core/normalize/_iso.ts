/**
 * ISO 8601 recognition for type inference: which strings are datetimes (-> `timestamp`) and
 * which are dates. Accepts the extended forms dlt's `iso_timestamp` detection accepts through
 * pendulum's parser: `YYYY-MM-DD`, `T` or space, `HH:MM`, optional `:SS`, optional `.` or `,`
 * fraction (1-9 digits), optional zone `Z`, `±HH`, `±HHMM` or `±HH:MM`. Scanned by hand, with no
 * regex or allocation, because it runs for every string value of a timestamp column.
 *
 * @module
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= DAYS_IN_MONTH[month - 1];
}

/** Value of the decimal digits at `from..from+count`, or -1 when one is not a digit. */
function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function scanDate(s: string): boolean {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  return year >= 0 && validDate(year, month, day);
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

/**
 * Whether `s` is a full ISO 8601 datetime (`2024-01-02T03:04:05Z`,
 * `2024-01-02T03:04:05.123+02:00`, `2024-01-02 03:04`) with valid calendar and clock values.
 * Date-only strings are not datetimes.
 */
export function isIsoDatetime(s: string): boolean {
  return scanDatetime(s) >= 0;
}

/** Whether `s` is an ISO 8601 calendar date `YYYY-MM-DD` with valid values. */
export function isIsoDate(s: string): boolean {
  return s.length === 10 && scanDate(s);
}

/**
 * The UTC calendar date (`YYYY-MM-DD`) of an ISO datetime; a datetime without zone counts as
 * UTC, as dlt treats naive datetimes. Returns `undefined` when `s` is not an ISO datetime.
 */
export function isoDatetimeUtcDate(s: string): string | undefined {
  const zone = scanDatetime(s);
  if (zone < 0) return undefined;
  let offsetMinutes = 0;
  if (zone < s.length && s.charCodeAt(zone) !== 90) {
    const sign = s.charCodeAt(zone) === 45 ? -1 : 1;
    const rest = s.slice(zone + 1).replace(":", "");
    offsetMinutes = sign * (digits(rest, 0, 2) * 60 + (rest.length > 2 ? digits(rest, 2, 2) : 0));
  }
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(digits(s, 0, 4), digits(s, 5, 2) - 1, digits(s, 8, 2));
  date.setUTCHours(digits(s, 11, 2), digits(s, 14, 2) - offsetMinutes);
  return date.toISOString().slice(0, 10);
}
