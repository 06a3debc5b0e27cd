/**
 * Config and secrets, dlt-compatible: env vars, `.dlt/secrets.toml` and `.dlt/config.toml`
 * (project over home), lookups walking up sections, one error listing every missing field,
 * and masking of secrets in text and URLs.
 *
 * @example Usage
 * ```ts
 * import { loadConfig, SecretMasker } from "./mod.ts";
 * import { equal } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const config = await loadConfig({
 *   env: { SOURCES__DEMO__API_KEY: "k-123" },
 *   projectDir: dir,
 *   homeDir: null,
 * });
 * const masker = new SecretMasker();
 * const { values, origins } = config.resolveFields(["sources", "demo"], [
 *   { name: "api_key", secret: true },
 *   { name: "page_size", default: 100 },
 * ], { masker });
 * equal(values.api_key, "k-123");
 * equal(origins.page_size, "default");
 * equal(masker.mask("key=k-123"), "key=***");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./env_provider.ts";
export * from "./toml_provider.ts";
export * from "./resolver.ts";
export * from "./load_config.ts";
export * from "./secret_masker.ts";
export * from "./secret_spellings.ts";
export * from "./mask_url.ts";
