/**
 * Retry timing: exponential backoff (dlt: 1, 2, 4, 8 s ... capped at 300 s) and parsing of
 * `Retry-After` (delay-seconds or an HTTP date).
 *
 * @module
 */

/**
 * Wait before retry number `attempt` (1 = the wait after the first failed attempt).
 *
 * @param attempt the attempt that just failed, from 1.
 * @param baseMs the first wait.
 * @param maxMs the longest wait.
 * @returns milliseconds to wait: `baseMs * 2^(attempt-1)`, at most `maxMs`.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Reads a `Retry-After` header value.
 *
 * @param value the header (`"120"` or `"Wed, 21 Oct 2015 07:28:00 GMT"`), or null.
 * @param now the current time, to turn a date into a delay.
 * @returns milliseconds to wait (0 for a date in the past), or `undefined` when absent or
 *   unreadable.
 */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
