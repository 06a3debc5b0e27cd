/**
 * Injectable I/O: the network and the clock. Library code reads `options.deps ?? defaultDeps`
 * so tests can pass a fake `fetch` and a fake clock instead of patching globals.
 *
 * @module
 */

/** The I/O a dltx component may use. */
export interface Deps {
  /** Sends HTTP requests. */
  fetch: typeof fetch;
  /** The current time. */
  now: () => Date;
  /** Waits `ms` milliseconds; rejects when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Sleeps `ms` milliseconds; rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The real network and clock. */
export const defaultDeps: Deps = {
  fetch: (input, init) => fetch(input, init),
  now: () => new Date(),
  sleep,
};
