/**
 * glibc's allocator, told to give freed memory back: the CLI's memory stays flat with the
 * number of rows instead of creeping up.
 *
 * glibc raises its mmap threshold the first time a large block is freed, and the trim
 * threshold with it to twice that (up to 64 MiB): from then on each thread's arena keeps up to
 * that much freed memory instead of returning it. Deno's and DuckDB's threads free large
 * buffers all the time (response bodies, file reads), so a 1,000,000-record run crept from
 * ~200 to ~255 MB peak RSS. Fixed thresholds (large blocks from the heap up to 32 MiB, glibc's
 * own ceiling; free memory above 1 MiB at an arena's top returned) took that peak to ~233 MB
 * and the 200,000-record one from ~229 to ~219 MB, at the same speed (a little more system
 * time for the returns, within the noise of the wall time). `MALLOC_ARENA_MAX` would help too, but glibc
 * reads that only once, before any of Deno's threads exist.
 *
 * @module
 */

/** `mallopt` parameters (malloc.h). */
const M_TRIM_THRESHOLD = -1;
const M_MMAP_THRESHOLD = -3;

/** Blocks up to this size come from the heap, where freed ones are reused. */
export const MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024;
/** Free memory above this at the top of an arena goes back to the system. */
export const TRIM_THRESHOLD_BYTES = 1024 * 1024;

/**
 * Sets glibc's mmap and trim thresholds for this process. Does nothing, and never prompts,
 * where that cannot apply: not Linux, no glibc (musl), or no FFI permission.
 *
 * glibc documents `mallopt` as not safe to call while other threads allocate; the two
 * thresholds are plain integers that the allocator reads, so a thread that reads the old value
 * once merely keeps or trims a block as before.
 *
 * @returns whether glibc took both settings.
 */
export function tuneMalloc(): boolean {
  if (Deno.build.os !== "linux") return false;
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return false;
  let libc: Deno.DynamicLibrary<{ mallopt: { parameters: ["i32", "i32"]; result: "i32" } }>;
  try {
    libc = Deno.dlopen("libc.so.6", {
      mallopt: { parameters: ["i32", "i32"], result: "i32" },
    });
  } catch {
    return false; // not glibc
  }
  try {
    // mallopt returns 1 on success.
    return libc.symbols.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) === 1 &&
      libc.symbols.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) === 1;
  } finally {
    libc.close();
  }
}
