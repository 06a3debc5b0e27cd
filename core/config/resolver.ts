/**
 * Config resolution as dlt does it: providers in order (env, `secrets.toml`, `config.toml`),
 * keys walking up from the most specific section, pipeline-prefixed keys first, and one
 * error listing every field that is missing.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { type Logger, silentLogger } from "../log.ts";
import { coerceValue, typeOfDefault } from "./_coerce.ts";
import { envKey } from "./env_provider.ts";
import { formatMissingFields, type MissingField } from "./_missing_error.ts";
import type { SecretMasker } from "./secret_masker.ts";
import type {
  ConfigProvider,
  FieldOrigin,
  FieldSpec,
  LookupOptions,
  LookupTrace,
  ResolvedFields,
  ResolvedValue,
  ValueType,
} from "./types.ts";

/** Options of {@linkcode ConfigResolver.resolveFields}. */
export interface ResolveFieldsOptions {
  /** When set, `<pipeline>.`-prefixed keys are tried first. */
  pipelineName?: string;
  /** Name shown in the missing-fields error (dlt shows the config spec's name). */
  configName?: string;
  /** Secret values found are added to it, so later output masks them. */
  masker?: SecretMasker;
}

/** Options of {@linkcode ConfigResolver}. */
export interface ConfigResolverOptions {
  /**
   * Told where each field came from (never its value), at debug level.
   * @default {silentLogger}
   */
  logger?: Logger;
}

/** Answers config lookups against an ordered list of providers. */
export class ConfigResolver {
  /** The providers, highest precedence first. */
  readonly providers: readonly ConfigProvider[];
  readonly #logger: Logger;

  /**
   * Makes a resolver over `providers`.
   *
   * @param providers Highest precedence first.
   * @param options Logger.
   */
  constructor(providers: readonly ConfigProvider[], options: ConfigResolverOptions = {}) {
    this.providers = providers;
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * The value at exactly this path from the first provider that has it (no walking up).
   *
   * @example Usage
   * ```ts
   * import { ConfigResolver, EnvironmentProvider } from "./mod.ts";
   * import { equal } from "node:assert/strict";
   *
   * const config = new ConfigResolver([
   *   new EnvironmentProvider({ DESTINATION__DUCKDB__CREDENTIALS: "x.duckdb" }),
   * ]);
   * equal(config.get("destination.duckdb.credentials")?.value, "x.duckdb");
   * ```
   *
   * @param path Dotted string (`"runtime.log_level"`) or key path.
   * @param options `expect` coerces the value (env strings parsed as literals).
   * @returns The value and its origin, or `undefined`.
   * @throws {ConfigError} The value cannot be coerced to `options.expect`.
   */
  get(path: string | readonly string[], options: { expect?: ValueType } = {}):
    | ResolvedValue
    | undefined {
    const parts = typeof path === "string" ? path.split(".") : path;
    for (const provider of this.providers) {
      if (provider.isEmpty) continue;
      const found = provider.get(parts);
      if (found === undefined) continue;
      const resolved = { ...found, provider: provider.name, key: provider.keyOf(parts) };
      return this.#coerce(resolved, options.expect, parts[parts.length - 1], false);
    }
    return undefined;
  }

  /**
   * Looks `key` up under `sections`, walking up: for `["sources", "demo", "issues"]` it tries
   * `sources.demo.issues.<key>`, `sources.demo.<key>`, `sources.<key>`, `<key>` in each
   * provider before the next one. With a pipeline name, the same walk prefixed by
   * `<pipeline>.` runs first through every provider.
   *
   * @param sections Sections, outermost first.
   * @param key Field name.
   * @param options Pipeline name, secret, expected type.
   * @returns The first value found and its origin, or `undefined`.
   * @throws {ConfigError} A secret was found in `config.toml`, or the value cannot be coerced.
   */
  lookup(
    sections: readonly string[],
    key: string,
    options: LookupOptions = {},
  ): ResolvedValue | undefined {
    return this.#find(sections, key, options, []);
  }

  /**
   * Resolves every field under `sections`; fields with a default never fail.
   *
   * @param sections Sections, outermost first, e.g. `["sources", "demo"]`.
   * @param fields The fields to resolve.
   * @param options Pipeline name, config name for the error, masker for secrets.
   * @returns Values and where each came from.
   * @throws {ConfigError} One error in dlt's format listing every missing field, the keys tried
   * and the files read; or a value that cannot be coerced.
   */
  resolveFields(
    sections: readonly string[],
    fields: readonly FieldSpec[],
    options: ResolveFieldsOptions = {},
  ): ResolvedFields {
    const values: Record<string, unknown> = {};
    const origins: Record<string, FieldOrigin> = {};
    const missing: MissingField[] = [];
    for (const field of fields) {
      const secret = field.secret ?? false;
      const traces: LookupTrace[] = [];
      const found = this.#find(sections, field.name, {
        pipelineName: options.pipelineName,
        secret,
        expect: field.type ?? typeOfDefault(field.default),
        fieldName: field.name,
      }, traces);
      if (found) {
        values[field.name] = found.value;
        origins[field.name] = originOf(found);
        if (secret) options.masker?.add(found.value);
        this.#logger.debug(`config: \`${field.name}\` from (${found.provider}, ${found.key})`);
      } else if (field.default !== undefined) {
        values[field.name] = field.default;
        origins[field.name] = "default";
        if (secret) options.masker?.add(field.default);
        this.#logger.debug(`config: \`${field.name}\` from its default`);
      } else {
        missing.push({ name: field.name, secret, sections, traces });
      }
    }
    if (missing.length > 0) {
      throw new ConfigError(formatMissingFields(missing, this.providers, options.configName));
    }
    return { values, origins };
  }

  /** dlt's lookup order; appends every `(provider, key)` tried to `traces`. */
  #find(
    sections: readonly string[],
    key: string,
    options: LookupOptions,
    traces: LookupTrace[],
  ): ResolvedValue | undefined {
    const prefixes = options.pipelineName ? [[options.pipelineName], []] : [[]];
    for (const prefix of prefixes) {
      for (const provider of this.providers) {
        // As in dlt: empty providers are not queried, and secrets skip providers that cannot
        // hold them (unless found there, which is an error below).
        if (provider.isEmpty) continue;
        const cannotHold = options.secret === true && !provider.supportsSecrets;
        for (let depth = sections.length; depth >= 0; depth--) {
          const path = [...prefix, ...sections.slice(0, depth), key];
          const providerKey = provider.keyOf(path);
          const found = provider.get(path);
          if (cannotHold) {
            if (found !== undefined) throw secretInNonSecretProvider(provider, path, found);
            continue;
          }
          traces.push({ provider: provider.name, key: providerKey });
          if (found === undefined) continue;
          const resolved = { ...found, provider: provider.name, key: providerKey };
          const fieldName = options.fieldName ?? key;
          return this.#coerce(resolved, options.expect, fieldName, options.secret ?? false);
        }
      }
    }
    return undefined;
  }

  #coerce(
    resolved: ResolvedValue,
    expect: ValueType | undefined,
    fieldName: string,
    secret: boolean,
  ): ResolvedValue {
    if (expect === undefined) return resolved;
    const coerced = coerceValue(resolved.value, expect);
    if (coerced.ok) {
      resolved.value = coerced.value;
      return resolved;
    }
    // Only non-secret values are quoted; a secret stays out of every message.
    const got = secret ? "a value of another type (not shown: secret)" : describe(resolved.value);
    throw new ConfigError(
      `Configured value for field \`${fieldName}\` at (${resolved.provider}, ${resolved.key}) ` +
        `cannot be coerced into ${expect}: got ${got}`,
    );
  }
}

function originOf(found: ResolvedValue): FieldOrigin {
  return found.location === undefined
    ? { provider: found.provider, key: found.key }
    : { provider: found.provider, key: found.key, location: found.location };
}

function secretInNonSecretProvider(
  provider: ConfigProvider,
  path: readonly string[],
  found: { location?: string },
): ConfigError {
  const where = found.location ? ` in ${found.location}` : "";
  return new ConfigError(
    `Provider \`${provider.name}\` cannot hold secret values but key ` +
      `\`${provider.keyOf(path)}\` with secret value is present${where}; move it to ` +
      `.dlt/secrets.toml or set env var ${envKey(path)}`,
  );
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object" && value !== null) return "a table";
  return `${typeof value} ${String(value)}`;
}
