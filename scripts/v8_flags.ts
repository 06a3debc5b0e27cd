/**
 * The V8 flags dltx runs with: baked into the compiled binary by `scripts/build.ts`, passed by
 * `deno task dltx` and by the benchmark, so all three measure and ship the same runtime.
 *
 * Why: by default V8 grows the young generation to 16 MB semi-spaces and lets the old
 * generation grow by large factors before collecting it, so a 200,000-record load kept
 * ~60-100 MB of dead objects resident. A slower-growing old generation keeps the heap near its
 * live set (about 60 MB less peak RSS). The semi-spaces stay large enough (8 MB) for a parsed
 * page (a 1,000-record page of the bench is ~4 MB of objects) to die young: with 4 MB, every
 * page outlived two scavenges into the old generation and the bench spent ~11% more time
 * (`deno task bench`, 8 MB vs 4 MB: ~8 MB more peak RSS).
 *
 * @module
 */

/** Flags as `deno run`/`deno compile` take them: `--v8-flags=<comma-separated>`. */
export const DLTX_V8_FLAGS = [
  "--max-semi-space-size=8",
  "--heap-growing-percent=50",
] as const;

/** The `--v8-flags=...` argument. */
export function v8FlagsArg(): string {
  return `--v8-flags=${DLTX_V8_FLAGS.join(",")}`;
}
