/**
 * Load ids: the name of a load package and the `_dlt_load_id` of every row it loads.
 *
 * @module
 */

let lastMicros = 0;

/**
 * A new load id in dlt's format: seconds since the epoch with 6 decimals
 * (`1749667187.541553`). `Date` has millisecond precision, so the microseconds come from
 * `performance.now()`'s fraction; ids are unique and strictly increasing within a process even
 * when the clock stands still or goes back (a later call then gets the previous id + 1 µs).
 *
 * @param now the current time (inject a fixed clock in tests)
 * @returns the load id
 * @example Usage
 * ```ts
 * import { newLoadId } from "./load_id.ts";
 * const id = newLoadId(new Date(1749667187541));
 * if (!/^1749667187\.541\d{3}$/.test(id)) throw new Error(id);
 * ```
 */
export function newLoadId(now: Date): string {
  const subMillis = Math.floor((performance.now() % 1) * 1000);
  let micros = now.getTime() * 1000 + subMillis;
  if (micros <= lastMicros) micros = lastMicros + 1;
  lastMicros = micros;
  const seconds = Math.floor(micros / 1e6);
  return `${seconds}.${String(micros - seconds * 1e6).padStart(6, "0")}`;
}

/**
 * Orders two load ids by time (numerically, without the precision loss of `parseFloat`).
 *
 * @returns a negative number when `a` is older than `b`, positive when newer, 0 when equal
 */
export function compareLoadIds(a: string, b: string): number {
  const [ai, af = ""] = a.split(".");
  const [bi, bf = ""] = b.split(".");
  if (ai.length !== bi.length) return ai.length - bi.length;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const fa = af.padEnd(width, "0");
  const fb = bf.padEnd(width, "0");
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}
