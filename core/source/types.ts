/**
 * The connector model: dlt's `RESTAPIConfig`, key for key, plus connector metadata, and the
 * stream of record pages a source produces.
 *
 * @module
 */

import type { FieldSpec, ResolvedFields, ResolvedValue, ValueType } from "../config/types.ts";
import type { Deps } from "../deps.ts";
import type { EventSink } from "../events.ts";
import type { AuthConfig, PaginatorConfig, ResponseAction } from "../http/types.ts";
import type { Logger } from "../log.ts";
import type {
  ContractMode,
  DataType,
  MergeStrategy,
  SchemaContractSettings,
  WriteDisposition,
} from "../schema/types.ts";

/** A config field a connector reads (`sources.<connector>.<field>`). */
export interface ConfigField {
  /** Secret values go to `secrets.toml` and are masked in all output. */
  secret?: boolean;
  /**
   * Used when no provider has the field; without one the field is required. `null` makes it
   * optional: a param, header, form field or auth value that is `{field}` alone is left out
   * while the field is unset.
   */
  default?: unknown;
  /** What the field is and where to get it; `dltx init` writes it above the field. */
  doc?: string;
}

/**
 * A paginator as a connector gives it: a config, a type name, or `"auto"` / `{type: "auto"}`
 * (dlt's: none set here; detect it from the first response unless the client sets one).
 */
export type PaginatorSetting = PaginatorConfig | PaginatorConfig["type"] | "auto" | {
  type: "auto";
};

/** `client` block: shared by all resources. */
export interface ClientConfig {
  /** The API's root URL; relative endpoint paths are joined to it. */
  base_url: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Authentication of every request (to `base_url`'s origin and `auth_hosts`). */
  auth?: AuthConfig;
  /**
   * More origins that get `auth`'s credentials besides `base_url`'s (a dltx addition):
   * `https://api2.example.com` or `host[:port]` (the scheme of `base_url`).
   */
  auth_hosts?: string[];
  /** The default paginator of every resource. @default detected from the first response */
  paginator?: PaginatorSetting;
  /**
   * The most requests in flight to one host during a run (a dltx addition); `--concurrency`
   * and `SOURCES__<SOURCE>__CONCURRENCY` override it. @default 8
   */
  concurrency?: number;
  /** A declared budget (a dltx addition): requests to one host start at most this often. */
  rate_limit?: RateLimitConfig;
}

/** `client.rate_limit`: what the API allows, when its docs say. */
export interface RateLimitConfig {
  /** Requests per second, spaced evenly (`0.5`: one every 2 seconds). */
  requests_per_second: number;
}

/** Legacy dlt parent/child param: `{type: "resolve", resource, field}`. */
export interface ResolveParam {
  /** Marks the param as resolved from the parent. */
  type: "resolve";
  /** The parent resource. */
  resource: string;
  /** The field of the parent record whose value the param takes. */
  field: string;
}

/** `endpoint` block of a resource. */
export interface EndpointConfig {
  /** Path of the endpoint, relative to `client.base_url`. @default the resource name */
  path?: string;
  /** The HTTP method. @default "GET" */
  method?: "GET" | "POST";
  /** Query params; `{field}` placeholders are filled from config and parent records. */
  params?: Record<string, string | number | boolean | ResolveParam | IncrementalParam | null>;
  /** A JSON body (POST). */
  json?: unknown;
  /** A form body (POST). */
  data?: Record<string, string>;
  /** Headers, merged over `client.headers`. */
  headers?: Record<string, string>;
  /** Authentication for this endpoint only (replaces `client.auth`). */
  auth?: AuthConfig;
  /** The paginator of this endpoint. @default `client.paginator` */
  paginator?: PaginatorSetting;
  /** JSONPath (`$.data[*]`) or dotted path (`data.items`). */
  data_selector?: string;
  /** What to do with some responses (`{status_code: 404, action: "ignore"}`). */
  response_actions?: ResponseAction[];
  /** The endpoint's incremental cursor. */
  incremental?: IncrementalConfig;
}

/** dlt's `incremental`: track a cursor field so each run fetches only what is new. */
export interface IncrementalConfig {
  /** Dotted path (or JSONPath) of the cursor in each record, e.g. `updated_at`, `meta.ts`. */
  cursor_path: string;
  /** Cursor value of the first run. */
  initial_value?: unknown;
  /** Upper bound (exclusive): a backfill between `initial_value` and this; state is not saved. */
  end_value?: unknown;
  /** Which values advance the cursor: the largest (`max`) or the smallest. @default "max" */
  last_value_func?: "max" | "min";
  /** Re-fetch this much behind the last value (seconds for timestamps, units for numbers). */
  lag?: number;
  /** Records arrive sorted: stop at the first one out of range. */
  row_order?: "asc" | "desc";
  /**
   * A record without the cursor field: fail (`raise`), `include` or `exclude` it.
   * @default "raise"
   */
  on_cursor_value_missing?: "raise" | "include" | "exclude";
  /** Endpoint incremental only: the query param that receives the start value. */
  start_param?: string;
  /** Endpoint incremental only: the query param that receives the end value. */
  end_param?: string;
}

/** A param bound to the incremental cursor (dlt's `{type: incremental, cursor_path, ...}`). */
export interface IncrementalParam extends Omit<IncrementalConfig, "start_param" | "end_param"> {
  /** Marks the param as the incremental cursor's. */
  type: "incremental";
}

/** A schema contract as written in a connector: one mode, or one per entity. */
export type SchemaContract = ContractMode | Partial<SchemaContractSettings>;

/** A column hint of a resource (`columns: {<name>: {...}}`), dlt's keys. */
export interface ColumnHint {
  /** The column's data type (instead of the inferred one). */
  data_type?: DataType;
  /** Whether the column may hold null. */
  nullable?: boolean;
  /** Part of the primary key. */
  primary_key?: boolean;
  /** Part of the merge key. */
  merge_key?: boolean;
  /** Unique in the table. */
  unique?: boolean;
  /** Merge: a row whose value here is true (or not null) is deleted. */
  hard_delete?: boolean;
  /** Merge: among rows with the same primary key, keep the first one sorted this way. */
  dedup_sort?: "asc" | "desc";
  /** Set by dltx on the cursor column of a resource's incremental (dlt's hint). */
  incremental?: boolean;
}

/**
 * A processing step (TS connectors): keep records (`filter`) or transform them (`map`). A
 * plugin's steps run in its sandbox: records cross to it as JSON, one page at a time, and its
 * network is the connector's declared hosts (see `allowed_hosts`).
 */
export type ProcessingStep =
  | { filter: (record: Record<string, unknown>) => boolean }
  | { map: (record: Record<string, unknown>) => Record<string, unknown> };

/**
 * Repeats a resource once per item of a list config field (a dltx addition): with
 * `{ field: "tables", as: "table" }` and `tables = ["orders", "items"]`, a resource named
 * `{table}` becomes `orders` and `items`, `{table}` filled in `name`, `table_name` and
 * `endpoint`. The field holds a list, or a string: a JSON list or comma-separated names.
 */
export interface ForEachConfig {
  /** The config field holding the items. */
  field: string;
  /** The placeholder name that takes each item. */
  as: string;
}

/** One resource: an endpoint whose records land in one root table. */
export interface ResourceConfig {
  /** The resource's name: its table's name unless `table_name` says otherwise. */
  name: string;
  /** One resource per item of a list config field (not in `resource_defaults`). */
  for_each?: ForEachConfig;
  /** The endpoint: a path, or the whole request. */
  endpoint?: string | EndpointConfig;
  /** The primary key: merge and incremental dedup use it. */
  primary_key?: string | string[];
  /** The merge key (merge deletes the rows sharing it). */
  merge_key?: string | string[];
  /** How rows are written. @default "append" */
  write_disposition?:
    | WriteDisposition
    | { disposition: WriteDisposition; strategy?: MergeStrategy };
  /** The table the records go to. @default the resource name */
  table_name?: string;
  /** How deep nested lists become child tables; deeper data is stored as json. @default 1000 */
  max_table_nesting?: number;
  /** `false` makes the resource a parent only: fetched for its children, not loaded. */
  selected?: boolean;
  /** Fields of the parent record copied into each child record as `_<parent>_<field>`. */
  include_from_parent?: string[];
  /** `filter` and `map` steps, applied in order to each record (TS connectors). */
  processing_steps?: ProcessingStep[];
  /** Column hints by column name. */
  columns?: Record<string, ColumnHint>;
  /** What happens when data would change the schema. @default "evolve" */
  schema_contract?: SchemaContract;
  /** The resource's incremental cursor. */
  incremental?: IncrementalConfig;
  /**
   * dlt's `parallelized`: `true` (or unset) lets the resource's requests run concurrently
   * (children of different parent records, pages of one endpoint whose paginator knows them);
   * `false` keeps the resource strictly sequential: one series at a time, page after page.
   */
  parallelized?: boolean;
}

/** `resource_defaults`: every resource key but `name` and `for_each`. */
export type ResourceDefaults = Omit<ResourceConfig, "name" | "for_each">;

/** A connector: dlt's RESTAPIConfig plus metadata and the config fields it reads. */
export interface Connector {
  /**
   * The connector's name: its config section (`sources.<name>`), env var part and default pipeline name (`<name>_pipeline`).
   */
  name: string;
  /** The connector's version (semver). */
  version?: string;
  /** What the connector loads, one line. */
  description?: string;
  /** Where its documentation is. */
  docs_url?: string;
  /** Fields resolved from env / secrets.toml / config.toml; `{field}` placeholders use them. */
  config?: Record<string, ConfigField>;
  /** The HTTP client: base URL, headers, auth, paginator. */
  client: ClientConfig;
  /** Keys every resource gets unless it sets its own. */
  resource_defaults?: ResourceDefaults;
  /** The resources: names (`"users"`) or resource configs. */
  resources: (string | ResourceConfig)[];
  /**
   * More hosts a plugin's own code (its processing steps) may connect to, besides the hosts
   * of `client.base_url` and of an OAuth token URL: `"api.example.com"` (any port),
   * `"api.example.com:8443"` or a URL (its host and port). `{field}` placeholders are filled
   * from config. The requests dltx makes itself do not need them.
   */
  allowed_hosts?: string[];
}

/** What the normalizer and loader need to know of a resource. */
export interface ResourceInfo {
  /** The resource's name. */
  name: string;
  /** Root table name before naming normalization. @default the resource name */
  tableName: string;
  /** How rows are written. */
  writeDisposition: WriteDisposition;
  /** For `merge`, when the config names one. @default "delete-insert" */
  mergeStrategy?: MergeStrategy;
  /** The primary key columns (not yet normalized). */
  primaryKey: string[];
  /** The merge key columns (not yet normalized). */
  mergeKey: string[];
  /** Column hints by (not yet normalized) column name. */
  columns?: Record<string, ColumnHint>;
  /** The resolved contract. @default every entity "evolve" */
  schemaContract?: SchemaContractSettings;
  /**
   * The column the resource's incremental cursor reads, when its `cursor_path` is a plain key
   * (dlt marks that column with the `incremental` hint).
   */
  incrementalCursor?: string;
  /** How deep nested lists become child tables. */
  maxTableNesting?: number;
  /** Loaded (true) or only fetched to feed children (false). */
  selected: boolean;
  /** Name of the parent resource, for child resources. */
  parent?: string;
}

/** One page of records of one resource, after selection and processing steps. */
export interface ResourcePage {
  /** The resource the records belong to. */
  resource: string;
  /** The records, after selection and processing steps. */
  records: unknown[];
  /**
   * The resource as it is for these records, from sources that learn their resources while
   * reading (Singer streams); takes precedence over the source's `resources` entry.
   */
  info?: ResourceInfo;
}

/** Options of one extraction. */
export interface ExtractOptions {
  /** Only these resources (and the parents they need). @default every selected resource */
  resources?: string[];
  /** Stops the extraction. */
  signal?: AbortSignal;
}

/** A source ready to extract: its resources and the page stream. */
export interface Source {
  /** The source's name: its schema's name and its state's key. */
  name: string;
  /**
   * The resources. A source that learns its resources while reading (Singer streams) adds
   * them during `extract()`, before their first page.
   */
  resources: ResourceInfo[];
  /** Pages of the selected resources, streamed as they arrive. */
  extract(options?: ExtractOptions): AsyncIterable<ResourcePage>;
  /**
   * The source's state after `extract()` finished (dlt's `sources.<source>`: incremental
   * cursors under `resources.<resource>.incremental.<cursor_path>`). The pipeline commits it
   * with the load; it must not be taken as committed before that.
   */
  state?(): Record<string, unknown>;
  /**
   * What extraction did so far, for the trace: HTTP requests, pages and records per resource;
   * REST sources add retries, the seconds their requests waited (retries and rate-limit
   * pauses) and the seconds from their first request to their last page.
   */
  stats?(): Record<string, SourceResourceStats>;
  /**
   * Completes the source for a pipeline run, as dlt injects config and state into a source:
   * `Pipeline.run()` calls it before extracting, and extracts the source it returns. Values
   * the source was given explicitly win over the context's.
   *
   * @throws {ConfigError} when a config field the source needs is missing (dlt's error, every
   *   key tried)
   */
  bind?(context: SourceContext): Source;
}

/** Hides secret values in text; learns them as they are found (as `SecretMasker`). */
export interface SourceMasker {
  /** Learns a secret value (and the spellings an API may echo it in). */
  add(secret: string): void;
  /** `text` with every known secret replaced by `***`. */
  mask(text: string): string;
}

/**
 * How a source reads config: dlt's providers in order, as a `ConfigResolver` does (it is one).
 * Only leaf type modules are imported here, so this file can be type-checked by path, without
 * dltx's npm dependencies.
 */
export interface SourceConfig {
  /** The value at exactly this path (`"runtime.request_timeout"`), from the first provider. */
  get(
    path: string | readonly string[],
    options?: { expect?: ValueType },
  ): ResolvedValue | undefined;
  /**
   * Resolves fields under `sections` (`["sources", "shop"]`), walking up as dlt does.
   *
   * @throws {ConfigError} dlt's missing-fields error, listing every key tried
   */
  resolveFields(
    sections: readonly string[],
    fields: readonly FieldSpec[],
    options?: { pipelineName?: string },
  ): ResolvedFields;
}

/** What a pipeline gives a source before extracting it (see {@linkcode Source.bind}). */
export interface SourceContext {
  /**
   * The pipeline's config providers (dlt's: env vars, then `.dlt/secrets.toml` and
   * `.dlt/config.toml` of the project and of `~/.dlt/`): the source's config fields
   * (`sources.<source>.<field>`) and HTTP settings (`runtime.request_timeout`, ...) are read
   * from them.
   */
  config: SourceConfig;
  /** The pipeline's name: `<pipeline>.sources...` keys are tried first, as in dlt. */
  pipelineName?: string;
  /**
   * The source's state as last committed (`state.sources.<source name>`): incremental cursors
   * start from it. `undefined` before the first load.
   */
  state?: Record<string, unknown>;
  /** Learns the source's secrets; the pipeline masks them in its trace and errors. */
  masker: SourceMasker;
  /** Where the source reports what it does. */
  logger: Logger;
  /** Network, clock and sleep. */
  deps: Deps;
  /** Receives the source's `page`, `request` and `rate_limit_wait` events. */
  onEvent: EventSink;
}

/** What one resource did during an extraction (`Source.stats()`, the trace). */
export interface SourceResourceStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Pages received. */
  pages: number;
  /** Records the resource yielded. */
  records: number;
  /** Requests sent again after a failure or a rate limit. */
  retries?: number;
  /** Seconds requests waited: retry back-off and rate-limit pauses. */
  wait_seconds?: number;
  /** Seconds from the resource's first request to its last page. */
  seconds?: number;
}
