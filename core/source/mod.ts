/**
 * Connectors and the REST resource engine: validating and loading connector files, merging
 * `resource_defaults`, `{placeholder}` templates, record selection, incremental cursors, and
 * `restApiSource()`, which streams pages of records (parents and their children, requested
 * concurrently under one limit) as dlt's `rest_api` does; `jsonlSource()` and `singerSource()` read JSON lines and Singer messages.
 *
 * @example Usage
 * ```ts
 * import { restApiSource } from "./mod.ts";
 * const source = restApiSource({
 *   name: "demo",
 *   client: { base_url: "https://api.example.com/" },
 *   resources: ["users"],
 * }, { config: {} });
 * source.resources[0].tableName; // "users"
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./define_connector.ts";
export * from "./validate.ts";
export * from "./load.ts";
export * from "./defaults.ts";
export * from "./for_each.ts";
export * from "./placeholders.ts";
export * from "./selector.ts";
export * from "./incremental.ts";
export * from "./rest_source.ts";
export * from "./jsonl_source.ts";
export * from "./singer.ts";
export * from "./connector_config.ts";
