/**
 * Retry timing: exponential backoff (dlt: 1, 2, 4, 8 s ...), parsing of `Retry-After`
 * (delay-seconds or an HTTP date), and the retry budget: the total time one request may spend
 * waiting between its attempts (`request_max_retry_delay`).
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

/** The setting of the retry budget, as messages name it (dlt's key). */
const BUDGET_SETTING = "runtime.request_max_retry_delay";

/** What to do after a failed attempt: wait, or give up and say why. */
export type RetryWait = { waitMs: number } | { giveUp: string };

/** Inputs of {@linkcode retryWait}. */
export interface RetryWaitOptions {
  /** The attempt that just failed, from 1. */
  attempt: number;
  /** The server's `Retry-After` (or rate-limit reset), in ms, when it sent one. */
  retryAfterMs: number | undefined;
  /** What asked for `retryAfterMs`, for messages. @default "Retry-After" */
  hint?: string;
  /** Time this request has already waited between its attempts, in ms. */
  waitedMs: number;
  /** The first backoff wait, in ms. */
  baseMs: number;
  /** The retry budget: the most the request may wait in total, in ms. */
  budgetMs: number;
}

/**
 * The next wait within the retry budget. A backoff wait is shortened to what is left of the
 * budget (a shorter wait still gives the request one more chance); a `Retry-After` longer than
 * what is left gives up at once, since the server said it will refuse an earlier retry.
 *
 * @example Usage
 * ```ts
 * import { retryWait } from "./_backoff.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const options = { attempt: 3, baseMs: 1000, budgetMs: 5000 };
 * deepStrictEqual(retryWait({ ...options, retryAfterMs: undefined, waitedMs: 3000 }), {
 *   waitMs: 2000,
 * });
 * ```
 * @param options the failed attempt, the server's wish, what was waited and the budget.
 * @returns the wait, or why the request gives up.
 */
export function retryWait(options: RetryWaitOptions): RetryWait {
  const { attempt, retryAfterMs, waitedMs, baseMs, budgetMs, hint = "Retry-After" } = options;
  const leftMs = Math.max(0, budgetMs - waitedMs);
  const budget = `the retry budget of ${seconds(budgetMs)} (${BUDGET_SETTING})`;
  if (retryAfterMs !== undefined) {
    if (retryAfterMs <= leftMs) return { waitMs: retryAfterMs };
    const left = waitedMs > 0 ? `the ${seconds(leftMs)} left of ` : "";
    return {
      giveUp: `the server asked to wait ${
        seconds(retryAfterMs)
      } (${hint}), more than ${left}${budget}`,
    };
  }
  if (leftMs <= 0) return { giveUp: `${budget} is used up` };
  return { waitMs: backoffMs(attempt, baseMs, leftMs) };
}

/** `1.5s`, `300s`, `0.01s`: durations in messages. */
export function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(s < 1 ? 3 : 1).replace(/\.?0+$/, "")}s`;
}
