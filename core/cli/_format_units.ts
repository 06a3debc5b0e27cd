/**
 * The small unit formatters (bytes, seconds, load-id times) the inspection reports share.
 *
 * @module
 */

/** `186B`, `12.3kB`, `4.5MB`, as dlt prints job sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes}B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)}${units[unit]}`;
}

/** Seconds with two decimals (`1.08`), as dlt's load info prints durations. */
export function formatSeconds(seconds: number): string {
  return seconds.toFixed(2);
}

/** The time a load id (seconds since the epoch) stands for, as ISO 8601; `""` if not one. */
export function loadIdTime(loadId: string): string {
  const seconds = Number(loadId);
  return Number.isFinite(seconds) ? new Date(Math.floor(seconds * 1000)).toISOString() : "";
}
