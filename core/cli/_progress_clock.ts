/**
 * The clock and timers progress rendering runs on, injectable so tests drive time by hand.
 *
 * @module
 */

/** Monotonic time and repeating timers. */
export interface ProgressClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Calls `fn` every `ms` milliseconds until cleared; must not keep the process alive. */
  setInterval(fn: () => void, ms: number): unknown;
  /** Clears what `setInterval` returned. */
  clearInterval(handle: unknown): void;
}

/** `performance.now()` and unref'd `setInterval`: a pending redraw never delays the exit. */
export const realClock: ProgressClock = {
  now: () => performance.now(),
  setInterval(fn, ms) {
    const id = setInterval(fn, ms);
    Deno.unrefTimer(id);
    return id;
  },
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};
