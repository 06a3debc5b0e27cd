/**
 * The `Environment Variables` provider: dlt's env naming, sections upper case joined by `__`.
 *
 * @module
 */

import type { ConfigProvider, ProviderValue } from "./types.ts";

/**
 * The env var name dlt uses for a key path.
 *
 * @example Usage
 * ```ts
 * import { envKey } from "./env_provider.ts";
 * import { equal } from "node:assert/strict";
 *
 * equal(envKey(["sources", "demo", "api_key"]), "SOURCES__DEMO__API_KEY");
 * ```
 *
 * @param path Sections followed by the key.
 * @returns The env var name, e.g. `SOURCES__DEMO__API_KEY`.
 */
export function envKey(path: readonly string[]): string {
  return path.join("__").toUpperCase();
}

/** Reads config values from an env map (never from `Deno.env` directly, so tests stay pure). */
export class EnvironmentProvider implements ConfigProvider {
  readonly name = "Environment Variables";
  readonly supportsSecrets = true;
  // dlt never skips the env provider as empty: any variable may appear.
  readonly isEmpty = false;
  readonly loaded: readonly string[] = [];
  readonly probed: readonly string[] = [];
  readonly #env: Readonly<Record<string, string | undefined>>;

  /** @param env The environment, e.g. `Deno.env.toObject()`. */
  constructor(env: Readonly<Record<string, string | undefined>>) {
    this.#env = env;
  }

  /** The env var name for a path (see {@linkcode envKey}). */
  keyOf(path: readonly string[]): string {
    return envKey(path);
  }

  /** The env var's string value, or `undefined` when it is not set. */
  get(path: readonly string[]): ProviderValue | undefined {
    const key = envKey(path);
    if (!Object.hasOwn(this.#env, key)) return undefined;
    const value = this.#env[key];
    return value === undefined ? undefined : { value };
  }
}
