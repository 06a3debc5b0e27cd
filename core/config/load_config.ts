/**
 * Builds dlt's standard provider chain: env vars, then `secrets.toml`, then `config.toml`,
 * each TOML file read from `<project>/.dlt/` over `~/.dlt/`.
 *
 * @module
 */

import { join } from "node:path";
import { type Logger, silentLogger } from "../log.ts";
import { EnvironmentProvider } from "./env_provider.ts";
import { ConfigResolver } from "./resolver.ts";
import { loadTomlProvider } from "./toml_provider.ts";

/** Where config is read from. */
export interface ConfigSourceOptions {
  /**
   * The environment. Library code never reads the process's itself: the CLI passes its own,
   * and the package's `loadConfig()` (in `mod.ts`) passes `Deno.env.toObject()`.
   * @default {{}}
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Folder whose `.dlt/` holds the project's TOML files; without one only the home folder's
   * are read. The package's `loadConfig()` (in `mod.ts`) passes `Deno.cwd()`.
   */
  projectDir?: string;
  /**
   * Folder whose `.dlt/` holds the user's TOML files; `null` skips it.
   * @default {env.HOME ?? env.USERPROFILE}
   */
  homeDir?: string | null;
  /**
   * Told which files were loaded, and where each resolved field came from.
   * @default {silentLogger}
   */
  logger?: Logger;
}

/**
 * Reads the environment and the TOML files into a resolver.
 *
 * @example Usage
 * ```ts
 * import { loadConfig } from "./load_config.ts";
 * import { equal } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const config = await loadConfig({
 *   env: { SOURCES__DEMO__API_KEY: "k" },
 *   projectDir: dir,
 *   homeDir: null,
 * });
 * equal(config.lookup(["sources", "demo"], "api_key")?.key, "SOURCES__DEMO__API_KEY");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param options Env, project and home folders, logger.
 * @returns A resolver over `Environment Variables`, `secrets.toml`, `config.toml`.
 * @throws {ConfigError} A TOML file has a syntax error (names file and line) or is unreadable.
 */
export async function loadConfig(options: ConfigSourceOptions = {}): Promise<ConfigResolver> {
  const env = options.env ?? {};
  const homeDir = options.homeDir === undefined
    ? env.HOME ?? env.USERPROFILE
    : options.homeDir ?? undefined;
  const dirs: string[] = [];
  if (options.projectDir !== undefined) dirs.push(join(options.projectDir, ".dlt"));
  if (homeDir) dirs.push(join(homeDir, ".dlt"));
  const logger = options.logger ?? silentLogger;

  const providers = [
    new EnvironmentProvider(env),
    await loadTomlProvider("secrets.toml", dirs),
    // As in dlt, config.toml may not hold secrets: they belong in secrets.toml or env vars.
    await loadTomlProvider("config.toml", dirs, { supportsSecrets: false }),
  ];
  for (const provider of providers) {
    for (const path of provider.loaded) logger.debug(`config: loaded ${path}`);
  }
  return new ConfigResolver(providers, { logger });
}
