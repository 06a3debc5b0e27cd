/**
 * How durations are written in dltx's output, each way once: dlt's two-decimal seconds for
 * load info and traces, and a short `1.5s` for waits and elapsed times in messages.
 *
 * @module
 */

/**
 * Seconds with two decimals (`1.08`), as dlt prints durations (`{elapsed:.2f}`) in load info,
 * traces and its log collector.
 *
 * @example Usage
 * ```ts
 * import { formatSeconds } from "./duration.ts";
 * import { equal } from "node:assert/strict";
 *
 * equal(formatSeconds(1.076), "1.08");
 * ```
 *
 * @param seconds A duration in seconds.
 * @returns The number with two decimals, no unit.
 */
export function formatSeconds(seconds: number): string {
  return seconds.toFixed(2);
}

/**
 * A duration in messages: `3s`, `1.5s`, `300s`; under a second to the millisecond (`0.25s`),
 * else to a tenth; trailing zeros dropped.
 *
 * @example Usage
 * ```ts
 * import { formatDuration } from "./duration.ts";
 * import { equal } from "node:assert/strict";
 *
 * equal(formatDuration(1.5), "1.5s");
 * equal(formatDuration(0.01), "0.01s");
 * ```
 *
 * @param seconds A duration in seconds.
 * @returns The duration with an `s` unit.
 */
export function formatDuration(seconds: number): string {
  if (Number.isInteger(seconds)) return `${seconds}s`;
  return `${seconds.toFixed(seconds < 1 ? 3 : 1).replace(/\.?0+$/, "")}s`;
}
