/**
 * What an answer says about the API's rate limit: `Retry-After`, the IETF draft's
 * `RateLimit-Remaining`/`RateLimit-Reset` (and its later single `RateLimit` header), and the
 * `X-RateLimit-*` headers GitHub and many others send. A 429, or GitHub's 403 with
 * `x-ratelimit-remaining: 0` (or with `Retry-After`, its secondary limit), is a rate limit, not
 * an error; any answer whose remaining count is 0 says the next request would be one.
 *
 * @module
 */

import { parseRetryAfter, seconds } from "./_backoff.ts";
import { statusText } from "./_status_text.ts";

/** The rate-limit headers of one answer. */
export interface RateLimitHeaders {
  /** `Retry-After`, in ms. */
  retryAfterMs?: number;
  /** Requests left in the current window. */
  remaining?: number;
  /** Time until the window resets, in ms (0 when the reset lies in the past). */
  resetMs?: number;
  /** The header names the values came from, for messages (`x-ratelimit-remaining`, ...). */
  remainingHeader?: string;
  resetHeader?: string;
}

/** What to do about an answer's rate limit. */
export interface RateLimitVerdict {
  /** The answer is a rate limit: retry it after `waitMs`, pausing the host. */
  limited: boolean;
  /**
   * The wait the API asks for (`Retry-After`, else the reset of an exhausted window), in ms;
   * `undefined` when it names none (or a reset in the past, a skewed clock).
   */
  waitMs?: number;
  /** The header `waitMs` comes from (`Retry-After`, `x-ratelimit-reset`), for messages. */
  waitHeader?: string;
  /** Requests left is 0 and the reset is known: the host pauses until then, whatever the status. */
  exhaustedForMs?: number;
  /** Why, for messages: `429 with Retry-After: 30s`, `x-ratelimit-remaining: 0, resets in 37s`. */
  reason: string;
}

/** A Unix time in seconds: GitHub's `x-ratelimit-reset`; smaller numbers are delta seconds. */
const EPOCH_SECONDS = 1_000_000_000;
/** A Unix time in ms (a few APIs send those). */
const EPOCH_MS = 1_000_000_000_000;

/**
 * Reads the rate-limit headers of an answer.
 *
 * @example Usage
 * ```ts
 * import { readRateLimitHeaders } from "./_rate_limit.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const now = new Date("2024-01-01T00:00:00Z");
 * const headers = new Headers({
 *   "x-ratelimit-remaining": "0",
 *   "x-ratelimit-reset": String(now.getTime() / 1000 + 37),
 * });
 * deepStrictEqual(readRateLimitHeaders(headers, now), {
 *   remaining: 0,
 *   remainingHeader: "x-ratelimit-remaining",
 *   resetMs: 37_000,
 *   resetHeader: "x-ratelimit-reset",
 * });
 * ```
 * @param headers the answer's headers.
 * @param now the current time, to turn reset times into waits.
 * @returns what the headers say; empty when they say nothing.
 */
export function readRateLimitHeaders(headers: Headers, now: Date): RateLimitHeaders {
  const out: RateLimitHeaders = {};
  const retryAfterMs = parseRetryAfter(headers.get("retry-after"), now);
  if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
  for (const prefix of ["x-ratelimit", "ratelimit", "x-rate-limit"]) {
    const remaining = firstNumber(headers.get(`${prefix}-remaining`));
    if (remaining === undefined) continue;
    out.remaining = remaining;
    out.remainingHeader = `${prefix}-remaining`;
    const reset = firstNumber(headers.get(`${prefix}-reset`));
    if (reset !== undefined) {
      out.resetMs = resetWait(reset, now);
      out.resetHeader = `${prefix}-reset`;
    }
    return out;
  }
  const structured = headers.get("ratelimit");
  if (structured !== null) Object.assign(out, readStructured(structured));
  return out;
}

/**
 * Decides whether an answer is a rate limit and how long its host should pause.
 *
 * @param status the answer's status.
 * @param headers what its rate-limit headers say.
 * @returns the verdict.
 */
export function rateLimitVerdict(status: number, headers: RateLimitHeaders): RateLimitVerdict {
  const { retryAfterMs, remaining, resetMs } = headers;
  const exhausted = remaining === 0 && resetMs !== undefined && resetMs > 0;
  const limited = status === 429 ||
    (status === 403 && (remaining === 0 || retryAfterMs !== undefined));
  const waitMs = retryAfterMs ?? (remaining === 0 && resetMs ? resetMs : undefined);
  const reasons: string[] = [];
  if (limited) reasons.push(`${status} ${statusText(status, "")}`.trim());
  if (retryAfterMs !== undefined) reasons.push(`Retry-After: ${seconds(retryAfterMs)}`);
  if (remaining === 0) {
    reasons.push(
      `${headers.remainingHeader}: 0` +
        (resetMs !== undefined ? `, ${headers.resetHeader} in ${seconds(resetMs)}` : ""),
    );
  }
  const verdict: RateLimitVerdict = { limited, reason: reasons.join(", ") };
  if (waitMs !== undefined) {
    verdict.waitMs = waitMs;
    verdict.waitHeader = retryAfterMs !== undefined ? "Retry-After" : headers.resetHeader;
  }
  if (exhausted) verdict.exhaustedForMs = resetMs;
  return verdict;
}

/** The first number of a header value (`"0"`, `"0, 10"`); `undefined` when there is none. */
function firstNumber(value: string | null): number | undefined {
  if (value === null) return undefined;
  const text = value.split(",")[0].trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** A reset as a wait: Unix seconds (or ms) when it is that large, else delta seconds. */
function resetWait(reset: number, now: Date): number {
  if (reset >= EPOCH_MS) return Math.max(0, Math.round(reset - now.getTime()));
  if (reset >= EPOCH_SECONDS) return Math.max(0, Math.round(reset * 1000 - now.getTime()));
  return Math.round(reset * 1000);
}

/**
 * The single `RateLimit` header of later drafts: `"default";r=0;t=30` (draft 7 on), or
 * `limit=100, remaining=0, reset=30` (earlier). Of several policies, the most exhausted one.
 */
function readStructured(value: string): RateLimitHeaders {
  let best: RateLimitHeaders | undefined;
  // Policies of later drafts are list items with `;` params; earlier drafts use one item.
  const items = value.includes(";") ? value.split(",") : [value];
  for (const item of items) {
    const remaining = paramOf(item, ["r", "remaining"]);
    if (remaining === undefined) continue;
    const reset = paramOf(item, ["t", "reset"]);
    const candidate: RateLimitHeaders = { remaining, remainingHeader: "ratelimit" };
    if (reset !== undefined) {
      candidate.resetMs = Math.round(reset * 1000);
      candidate.resetHeader = "ratelimit";
    }
    if (
      best === undefined || remaining < best.remaining! ||
      (remaining === best.remaining && (candidate.resetMs ?? 0) > (best.resetMs ?? 0))
    ) best = candidate;
  }
  return best ?? {};
}

function paramOf(item: string, names: string[]): number | undefined {
  for (const name of names) {
    const match = new RegExp(`(?:^|[;,\\s])${name}=(\\d+)`).exec(item);
    if (match) return Number(match[1]);
  }
  return undefined;
}
