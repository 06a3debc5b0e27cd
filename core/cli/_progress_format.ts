/**
 * Text of progress output: durations, rates, retry-wait notes, verbose request lines and
 * JSON event lines.
 *
 * @module
 */

import type { DltxEvent } from "../events.ts";
import type { ProgressCounters } from "./_progress_counters.ts";

/** `3s`, `1.5s`: whole seconds bare, else one decimal. */
export function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${seconds.toFixed(1)}s`;
}

/** Records per second, rounded; 0 until some time has passed. */
export function ratePerSecond(records: number, ms: number): number {
  return ms > 0 ? Math.round((records * 1000) / ms) : 0;
}

/**
 * Why a request waits: a rate limit (429, or a 403 the client took for one: it only waits on a
 * 403 that said so), a server error, or no response at all.
 */
export function waitReason(status: number): string {
  if (status === 429 || status === 403) return "rate limit";
  return status === 0 ? "no response" : `status ${status}`;
}

/** `--verbose` line of a `request` event: method, masked URL, status and timing. */
export function requestLine(event: Extract<DltxEvent, { type: "request" }>): string {
  const status = event.status === 0 ? "no response" : String(event.status);
  const retry = event.attempt > 1 ? `, attempt ${event.attempt}` : "";
  const resource = event.resource === undefined ? "" : ` [${event.resource}]`;
  return `debug: ${event.method} ${event.url} -> ${status} in ${event.ms} ms${retry}${resource}`;
}

/**
 * One event as a JSON line (`{"ts", "event", ...fields}`), its text fields masked.
 * URLs come masked from the HTTP client; masking again catches secrets found since.
 */
export function jsonEventLine(event: DltxEvent, ts: Date, mask: (text: string) => string): string {
  const { type, ...fields } = event;
  const out: Record<string, unknown> = { ts: ts.toISOString(), event: type };
  for (const [key, value] of Object.entries(fields)) {
    out[key] = typeof value === "string" ? mask(value) : value;
  }
  return JSON.stringify(out);
}

/**
 * `requests: 7 in flight (limit 8), https://api.github.com paused 37s (403 Forbidden, ...)`:
 * requests in flight as the latest answer saw them and the hosts paused now; `undefined`
 * before the first answer that told.
 */
export function httpLine(counters: ProgressCounters, now: number): string | undefined {
  const { http } = counters;
  if (http === undefined) return undefined;
  let line = `requests: ${http.requests} done, ${http.inFlight} in flight (limit ${http.limit})`;
  for (const pause of counters.pauses.values()) {
    if (pause.untilMs <= now) continue;
    line += `, ${pause.host} paused ${Math.ceil((pause.untilMs - now) / 1000)}s (${pause.reason})`;
  }
  return line;
}
