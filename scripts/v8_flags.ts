/**
 * The V8 flags dltx runs with: baked into the compiled binary by `scripts/build.ts`, passed by
 * `deno task dltx` and by the benchmark, so all three measure and ship the same runtime.
 *
 * Why: by default V8 grows the young generation to 3 x 16 MB semi-spaces and promotes each
 * page of parsed records before it dies, so a load of 200,000 records held ~100 MB of dead
 * objects. Small semi-spaces and size-optimized heap growth keep the heap near the live set
 * (about 120 MB less peak RSS) for about 20% more extract time.
 *
 * @module
 */

/** Flags as `deno run`/`deno compile` take them: `--v8-flags=<comma-separated>`. */
export const DLTX_V8_FLAGS = [
  "--min-semi-space-size=1",
  "--max-semi-space-size=2",
  "--optimize-for-size",
] as const;

/** The `--v8-flags=...` argument. */
export function v8FlagsArg(): string {
  return `--v8-flags=${DLTX_V8_FLAGS.join(",")}`;
}
