/**
 * DuckDB's memory limit: parsing it and telling an out-of-memory failure, for the load retry
 * with a larger limit.
 *
 * @module
 */

/** `"64MB"` -> 64, `"2GB"` -> 2048; `undefined` for anything else (then no retry). */
export function parseMegabytes(limit: string): number | undefined {
  const m = limit.trim().match(/^(\d+(?:\.\d+)?)\s*(MB|MiB|GB|GiB)$/i);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (m[2].toUpperCase().startsWith("G") ? 1024 : 1));
}

/** Retries stop at half the machine's memory. */
export function maxMemoryLimitMb(): number {
  try {
    return Math.floor(Deno.systemMemoryInfo().total / 1024 / 1024 / 2);
  } catch {
    return 4096;
  }
}

/** Whether DuckDB failed for lack of memory (the error may be wrapped). */
export function isOutOfMemory(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (/Out of Memory/i.test(e.message)) return true;
  }
  return false;
}
