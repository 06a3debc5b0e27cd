/**
 * The V8 flags dltx runs with: baked into the compiled binary by `scripts/build.ts`, passed by
 * `deno task dltx` and by the benchmark, so all three measure and ship the same runtime.
 *
 * Why: by default V8 grows the young generation to 16 MB semi-spaces and lets the old
 * generation grow by large factors before collecting it; a page of parsed records outlives a
 * few scavenges, so a 200,000-record load kept ~60-100 MB of dead objects resident. Small
 * semi-spaces and a slower-growing old generation keep the heap near its live set (about
 * 60 MB less peak RSS) for a few percent more GC time.
 *
 * @module
 */

/** Flags as `deno run`/`deno compile` take them: `--v8-flags=<comma-separated>`. */
export const DLTX_V8_FLAGS = [
  "--max-semi-space-size=4",
  "--heap-growing-percent=50",
] as const;

/** The `--v8-flags=...` argument. */
export function v8FlagsArg(): string {
  return `--v8-flags=${DLTX_V8_FLAGS.join(",")}`;
}
