/**
 * What a connector reads from config besides its definition: its config fields
 * (`sources.<connector>.<field>`) and dlt's HTTP settings (`runtime.request_timeout`, ...).
 * The CLI and `Pipeline.run()` resolve them the same way.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import type { Connector, SourceConfig, SourceMasker } from "./types.ts";

/** Options of {@linkcode resolveConnectorConfig}. */
export interface ResolveConnectorConfigOptions {
  /** `<pipeline>.sources...` keys are tried first, as dlt does. */
  pipelineName?: string;
  /** Learns the values of secret fields. */
  masker?: SourceMasker;
}

/**
 * Resolves every config field of a connector at once, so a missing secret fails before any
 * request, in one error naming every key tried.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ConfigResolver, EnvironmentProvider } from "../config/mod.ts";
 * import { resolveConnectorConfig } from "./connector_config.ts";
 * const config = new ConfigResolver([new EnvironmentProvider({ SOURCES__SHOP__TOKEN: "t0k3n" })]);
 * const values = resolveConnectorConfig({
 *   name: "shop",
 *   config: { token: { secret: true }, page_size: { default: 50 } },
 *   client: { base_url: "https://shop.example.com/" },
 *   resources: ["orders"],
 * }, config);
 * equal(values.token, "t0k3n");
 * equal(values.page_size, 50);
 * ```
 * @param connector the connector whose `config` fields to resolve.
 * @param config the providers.
 * @param options pipeline name and masker.
 * @returns the values by field name (defaults filled in).
 * @throws {ConfigError} dlt's missing-fields error, or a value of the wrong type.
 */
export function resolveConnectorConfig(
  connector: Connector,
  config: SourceConfig,
  options: ResolveConnectorConfigOptions = {},
): Record<string, unknown> {
  const fields = Object.entries(connector.config ?? {}).map(([name, field]) => ({
    name,
    secret: field.secret,
    default: field.default,
  }));
  const { values } = config.resolveFields(["sources", connector.name], fields, {
    pipelineName: options.pipelineName,
  });
  for (const [name, field] of Object.entries(connector.config ?? {})) {
    const value = values[name];
    if (field.secret && options.masker && value !== undefined && value !== null) {
      options.masker.add(typeof value === "string" ? value : String(value));
    }
  }
  return values;
}

/** dlt's HTTP settings, as {@linkcode restApiSource} takes them. */
export interface RequestSettings {
  /** `runtime.request_timeout` (seconds per attempt, default 60), in ms. */
  timeoutMs: number;
  /** `runtime.request_max_attempts` (default 5). */
  maxAttempts: number;
  /**
   * `runtime.request_max_retry_delay` (default 300 seconds), in ms: dltx reads it as the total
   * time one request may wait between attempts.
   */
  maxRetryDelayMs: number;
}

/**
 * Reads dlt's `runtime.request_*` settings.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ConfigResolver, EnvironmentProvider } from "../config/mod.ts";
 * import { requestSettings } from "./connector_config.ts";
 * const env = new EnvironmentProvider({ RUNTIME__REQUEST_TIMEOUT: "5" });
 * equal(requestSettings(new ConfigResolver([env])).timeoutMs, 5000);
 * ```
 * @param config the providers.
 * @returns the settings, defaults filled in.
 * @throws {ConfigError} for a value that is not a (positive) number.
 */
export function requestSettings(config: SourceConfig): RequestSettings {
  return {
    timeoutMs: numberSetting(config, "runtime.request_timeout", 60) * 1000,
    maxAttempts: numberSetting(config, "runtime.request_max_attempts", 5),
    maxRetryDelayMs:
      numberSetting(config, "runtime.request_max_retry_delay", 300, { zeroAllowed: true }) * 1000,
  };
}

/**
 * `sources.<source>.concurrency` (`SOURCES__<SOURCE>__CONCURRENCY`), when set.
 *
 * @throws {ConfigError} for a value that is not a positive integer.
 */
export function concurrencySetting(config: SourceConfig, source: string): number | undefined {
  const found = config.get(["sources", source, "concurrency"]);
  if (found === undefined) return undefined;
  const n = typeof found.value === "boolean" ? NaN : Number(found.value);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ConfigError(
      `sources.${source}.concurrency must be a positive integer (got ${
        JSON.stringify(found.value)
      })`,
    );
  }
  return n;
}

function numberSetting(
  config: SourceConfig,
  key: string,
  fallback: number,
  options: { zeroAllowed?: boolean } = {},
): number {
  const value = config.get(key)?.value;
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !options.zeroAllowed)) {
    const what = options.zeroAllowed ? "0 or a positive number" : "a positive number";
    throw new ConfigError(`${key} must be ${what} (got ${JSON.stringify(value)})`);
  }
  return n;
}
