/**
 * The package's entry points that fall back on the process, as dlt reads `os.environ` and the
 * current directory: `pipeline()`, `loadConfig()` and `restApiSource()` of `mod.ts`. Library
 * code under `core/` never reads `Deno.env` or `Deno.cwd()`; it takes both from options, which
 * the CLI fills from its own context and these functions from the process.
 *
 * @module
 */

import {
  type ConfigResolver,
  type ConfigSourceOptions,
  loadConfig as loadConfigFrom,
} from "./core/config/mod.ts";
import { Pipeline, type PipelineOptions } from "./core/pipeline/mod.ts";
import {
  type Connector,
  restApiSource as restApiSourceWith,
  type RestApiSourceOptions,
  type Source,
} from "./core/source/mod.ts";

/**
 * Makes a pipeline, as `dlt.pipeline()`: nothing is read or written until it runs. Without
 * `env` it sees the process's environment (config env vars, `DLTX_PIPELINES_DIR`, `HOME`);
 * without `projectDir`, the working directory's `.dlt/` files. Each is read only when the
 * pipeline needs it (not at all with `config` and `pipelinesDir` given).
 *
 * @example Usage
 * ```ts ignore
 * import { duckdb, pipeline } from "dltx";
 * await using p = pipeline({ pipelineName: "shop", destination: duckdb("shop.duckdb") });
 * ```
 *
 * @param options The pipeline's name, destination and the rest of {@linkcode PipelineOptions}.
 * @returns The pipeline.
 */
export function pipeline(options: PipelineOptions): Pipeline {
  const needsConfig = options.config === undefined;
  const env = options.env ??
    (needsConfig || options.pipelinesDir === undefined ? Deno.env.toObject() : undefined);
  const projectDir = options.projectDir ?? (needsConfig ? Deno.cwd() : undefined);
  return new Pipeline({ ...options, env, projectDir });
}

/**
 * Reads dlt's config providers: env vars, then `secrets.toml`, then `config.toml` of the
 * project's and the home folder's `.dlt/`. Without `env` the process's environment is read,
 * without `projectDir` the working directory is the project.
 *
 * @example Usage
 * ```ts ignore
 * import { loadConfig } from "dltx";
 * const config = await loadConfig();
 * const { values } = config.resolveFields(["sources", "shop"], [{ name: "api_key", secret: true }]);
 * ```
 *
 * @param options Env, project and home folders, logger.
 * @returns A resolver over `Environment Variables`, `secrets.toml`, `config.toml`.
 * @throws {ConfigError} A TOML file has a syntax error (names file and line) or is unreadable.
 */
export function loadConfig(options: ConfigSourceOptions = {}): Promise<ConfigResolver> {
  return loadConfigFrom({
    ...options,
    env: options.env ?? Deno.env.toObject(),
    projectDir: options.projectDir ?? Deno.cwd(),
  });
}

/**
 * A source built from a dlt `RESTAPIConfig`, as core's `restApiSource()`; when no pipeline
 * completes it, its first `extract()` resolves the config fields from the process's env vars
 * and the working directory's `.dlt/` files (see {@linkcode loadConfig}).
 *
 * @param connector The connector (validated again here, so plain objects are safe).
 * @param options Config values, state, I/O, logging, masking and HTTP limits.
 * @returns The source.
 * @throws {ConfigError} for an invalid connector, an unknown placeholder or parent, an
 *   incremental range that does not hold together, or a `for_each` list that is not one.
 */
export function restApiSource(connector: Connector, options: RestApiSourceOptions = {}): Source {
  return restApiSourceWith(connector, {
    ...options,
    configProviders: options.configProviders ?? (() => loadConfig()),
  });
}
