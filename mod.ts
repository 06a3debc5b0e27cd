/**
 * dltx as a library, the way dlt is used from Python: a pipeline runs a source built from a
 * dlt `RESTAPIConfig` into DuckDB, PostgreSQL or files, and its dataset reads the data back.
 *
 * `pipeline.run(source)` does what `dlt.pipeline(...).run(source)` does: the source's config
 * fields are resolved from dlt's providers (env vars such as `SOURCES__SHOP__API_KEY`, then
 * `.dlt/secrets.toml` and `.dlt/config.toml` in the working directory, then in `~/.dlt/`), its
 * incremental cursors start from the pipeline's committed state, and its secrets are masked in
 * the trace and in the errors `run()` throws. A library pipeline reads `Deno.env` and
 * `Deno.cwd()` unless given `env` and `projectDir`.
 *
 * @example Usage
 * ```ts ignore
 * import { duckdb, formatLoadInfo, pipeline, restApiSource } from "dltx";
 * import type { Connector } from "dltx";
 *
 * const shop = {
 *   name: "shop",
 *   config: { api_key: { secret: true } },
 *   client: {
 *     base_url: "https://shop.example.com/api/",
 *     auth: { type: "bearer", token: "{api_key}" },
 *   },
 *   resources: [{
 *     name: "orders",
 *     primary_key: "id",
 *     endpoint: { path: "orders", incremental: { cursor_path: "updated_at", start_param: "since" } },
 *   }],
 * } satisfies Connector;
 *
 * await using p = pipeline({
 *   pipelineName: "shop_pipeline",
 *   destination: duckdb("shop_pipeline.duckdb"),
 * });
 * console.log(formatLoadInfo(await p.run(restApiSource(shop))));
 * console.log(await p.dataset().rowCounts());
 * ```
 *
 * @module
 */

export { defineConnector } from "./core/source/define_connector.ts";
export {
  fileInput,
  jsonlSource,
  loadConnectorFile,
  requestSettings,
  resolveConnectorConfig,
  restApiSource,
  singerSource,
  streamInput,
  validateConnector,
} from "./core/source/mod.ts";
export type {
  JsonlInput,
  JsonlSourceOptions,
  LoadConnectorOptions,
  LoadHints,
  RequestSettings,
  ResolveConnectorConfigOptions,
  RestApiSourceOptions,
  SingerSourceOptions,
} from "./core/source/mod.ts";
export type * from "./core/source/types.ts";
export type * from "./core/http/types.ts";
export type * from "./core/schema/types.ts";
export type { LogSink } from "./core/sandbox/mod.ts";
export { Dataset, formatLoadInfo, Pipeline, pipeline, Relation } from "./core/pipeline/mod.ts";
export type {
  DatasetOptions,
  Destination,
  DropRequest,
  LoadInfo,
  LoadJob,
  LoadPackageInfo,
  LoadRequest,
  LoadSession,
  PipelineOptions,
  PipelineState,
  PipelineStateRow,
  PrepareOptions,
  RowCountsOptions,
  RunOptions,
  StoredPipeline,
} from "./core/pipeline/mod.ts";
export { WorkingDir } from "./core/pipeline/mod.ts";
export { ConfigResolver, loadConfig, SecretMasker } from "./core/config/mod.ts";
export type {
  ConfigProvider,
  ConfigSourceOptions,
  FieldOrigin,
  FieldSpec,
  LookupOptions,
  ProviderValue,
  ResolvedFields,
  ResolvedValue,
  ResolveFieldsOptions,
  ValueType,
} from "./core/config/mod.ts";
export { ConfigError, DataError, HttpError, LoaderError, UserError } from "./core/errors.ts";
export type { Deps } from "./core/deps.ts";
export type { DltxEvent, EventSink } from "./core/events.ts";
export type { Logger } from "./core/log.ts";
export { duckdb, DuckDbDestination } from "./destinations/duckdb/mod.ts";
export type { DuckDbOptions, QueryParam } from "./destinations/duckdb/mod.ts";
export { filesystem, FilesystemDestination } from "./destinations/filesystem/mod.ts";
export type { FileFormat, FilesystemOptions } from "./destinations/filesystem/mod.ts";
export { postgres, PostgresDestination } from "./destinations/postgres/mod.ts";
export type {
  PostgresCredentials,
  PostgresOptions,
  ReplaceStrategy,
} from "./destinations/postgres/mod.ts";
