/**
 * Contracts of config resolution: providers, lookups, fields and where values came from.
 *
 * @module
 */

/** A value a provider holds, and the file it was read from (TOML providers). */
export interface ProviderValue {
  /** The value as the provider holds it (a string from env vars). */
  value: unknown;
  /** Absolute path of the file holding the value; absent for env vars. */
  location?: string;
}

/** One place config values come from (dlt's config provider). */
export interface ConfigProvider {
  /** dlt's provider name: `Environment Variables`, `secrets.toml`, `config.toml`. */
  readonly name: string;
  /** Whether secret fields may be read from it (`config.toml` may not, as in dlt). */
  readonly supportsSecrets: boolean;
  /** True when it holds no value at all; empty providers are not queried (as in dlt). */
  readonly isEmpty: boolean;
  /** Files the values were loaded from, in precedence order. */
  readonly loaded: readonly string[];
  /** Every file looked for, found or not, in precedence order. */
  readonly probed: readonly string[];
  /** The key this provider uses for a path (`SOURCES__DEMO__API_KEY`, `sources.demo.api_key`). */
  keyOf(path: readonly string[]): string;
  /** The value at exactly this path, or `undefined` when the provider does not have it. */
  get(path: readonly string[]): ProviderValue | undefined;
}

/**
 * The type a field expects. Env values are strings, so when a field expects another type
 * its string is parsed as a literal: number `"5"`, `"1e3"`; boolean (dlt's words, any case)
 * `true yes y t 1` / `false no n f 0`; object (table or array) as JSON `'{"a":1}'` or a TOML
 * inline value `'{ a = 1 }'`. A string field turns a TOML number or boolean into its text.
 * A value that still does not fit is a `ConfigError`.
 */
export type ValueType = "string" | "number" | "boolean" | "object";

/** A value found by a lookup and where it came from. */
export interface ResolvedValue {
  /** The value, coerced to the expected type. */
  value: unknown;
  /** Provider name, e.g. `secrets.toml`. */
  provider: string;
  /** The key as the provider spells it, e.g. `sources.demo.api_key`. */
  key: string;
  /** The file holding it (TOML providers only). */
  location?: string;
}

/** One `(provider, key)` pair a lookup tried, in dlt's trace order. */
export interface LookupTrace {
  provider: string;
  key: string;
}

/** Options of a section-walking lookup. */
export interface LookupOptions {
  /** When set, `<pipeline>.`-prefixed keys are tried first, in every provider. */
  pipelineName?: string;
  /** Secret fields are not read from providers that cannot hold secrets (`config.toml`). */
  secret?: boolean;
  /** Coerce the found value to this type (env strings are parsed as literals). */
  expect?: ValueType;
  /** Field name used in error messages; defaults to the key. */
  fieldName?: string;
}

/** A config field to resolve. */
export interface FieldSpec {
  /** The key looked up, e.g. `api_key`. */
  name: string;
  /** Secret fields skip `config.toml` and are never shown in messages. */
  secret?: boolean;
  /**
   * Used when no provider has the field; a field with a default never fails.
   * `undefined` means "no default" (so `{ default: field.default }` works for optional
   * connector metadata).
   */
  default?: unknown;
  /** Expected type; inferred from `default` when not given. */
  type?: ValueType;
}

/** Where a resolved field's value came from: a provider key, or the field's default. */
export type FieldOrigin = { provider: string; key: string; location?: string } | "default";

/** The outcome of {@linkcode ConfigResolver.resolveFields}. */
export interface ResolvedFields {
  /** Field name -> value. */
  values: Record<string, unknown>;
  /** Field name -> where the value came from (never the value itself). */
  origins: Record<string, FieldOrigin>;
}
