/**
 * dltx as a library: build a source from a dlt-style REST API config and run it through a
 * pipeline into DuckDB (or files, or PostgreSQL).
 *
 * @example Usage
 * ```ts ignore
 * import { defineConnector, duckdb, pipeline, restApiSource } from "./mod.ts";
 *
 * const connector = defineConnector({
 *   name: "shop",
 *   client: { base_url: "http://127.0.0.1:8080/" },
 *   resources: ["customers", "orders"],
 * });
 * const p = pipeline({ pipelineName: "shop_pipeline", destination: duckdb("shop.duckdb") });
 * const info = await p.run(restApiSource(connector, { config: {} }));
 * ```
 *
 * @module
 */

export { defineConnector } from "./core/source/define_connector.ts";
export {
  fileInput,
  jsonlSource,
  loadConnectorFile,
  restApiSource,
  singerSource,
  streamInput,
  validateConnector,
} from "./core/source/mod.ts";
export type {
  JsonlInput,
  JsonlSourceOptions,
  RestApiSourceOptions,
  SingerSourceOptions,
} from "./core/source/mod.ts";
export type * from "./core/source/types.ts";
export type * from "./core/http/types.ts";
export type * from "./core/schema/types.ts";
export { formatLoadInfo, Pipeline, pipeline } from "./core/pipeline/mod.ts";
export type { Destination, LoadInfo, PipelineOptions, RunOptions } from "./core/pipeline/mod.ts";
export { loadConfig } from "./core/config/mod.ts";
export { ConfigError, DataError, HttpError, LoaderError, UserError } from "./core/errors.ts";
export { duckdb } from "./destinations/duckdb/mod.ts";
export { filesystem } from "./destinations/filesystem/mod.ts";
export { postgres } from "./destinations/postgres/mod.ts";
