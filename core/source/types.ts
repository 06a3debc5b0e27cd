/**
 * The connector model: dlt's `RESTAPIConfig`, key for key, plus connector metadata, and the
 * stream of record pages a source produces.
 *
 * @module
 */

import type { AuthConfig, PaginatorConfig, ResponseAction } from "../http/types.ts";
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
  doc?: string;
}

/** `client` block: shared by all resources. */
export interface ClientConfig {
  base_url: string;
  headers?: Record<string, string>;
  auth?: AuthConfig;
  /**
   * More origins that get `auth`'s credentials besides `base_url`'s (a dltx addition):
   * `https://api2.example.com` or `host[:port]` (the scheme of `base_url`).
   */
  auth_hosts?: string[];
  paginator?: PaginatorConfig | PaginatorConfig["type"];
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
  type: "resolve";
  resource: string;
  field: string;
}

/** `endpoint` block of a resource. */
export interface EndpointConfig {
  /** @default the resource name */
  path?: string;
  /** @default "GET" */
  method?: "GET" | "POST";
  params?: Record<string, string | number | boolean | ResolveParam | IncrementalParam | null>;
  json?: unknown;
  data?: Record<string, string>;
  headers?: Record<string, string>;
  auth?: AuthConfig;
  paginator?: PaginatorConfig | PaginatorConfig["type"];
  /** JSONPath (`$.data[*]`) or dotted path (`data.items`). */
  data_selector?: string;
  response_actions?: ResponseAction[];
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
  /** @default "max" */
  last_value_func?: "max" | "min";
  /** Re-fetch this much behind the last value (seconds for timestamps, units for numbers). */
  lag?: number;
  /** Records arrive sorted: stop at the first one out of range. */
  row_order?: "asc" | "desc";
  /** @default "raise" */
  on_cursor_value_missing?: "raise" | "include" | "exclude";
  /** Endpoint incremental only: the query param that receives the start value. */
  start_param?: string;
  /** Endpoint incremental only: the query param that receives the end value. */
  end_param?: string;
}

/** A param bound to the incremental cursor (dlt's `{type: incremental, cursor_path, ...}`). */
export interface IncrementalParam extends Omit<IncrementalConfig, "start_param" | "end_param"> {
  type: "incremental";
}

/** A schema contract as written in a connector: one mode, or one per entity. */
export type SchemaContract = ContractMode | Partial<SchemaContractSettings>;

/** A column hint of a resource (`columns: {<name>: {...}}`), dlt's keys. */
export interface ColumnHint {
  data_type?: DataType;
  nullable?: boolean;
  primary_key?: boolean;
  merge_key?: boolean;
  unique?: boolean;
  hard_delete?: boolean;
  dedup_sort?: "asc" | "desc";
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
  name: string;
  /** One resource per item of a list config field (not in `resource_defaults`). */
  for_each?: ForEachConfig;
  endpoint?: string | EndpointConfig;
  primary_key?: string | string[];
  merge_key?: string | string[];
  write_disposition?:
    | WriteDisposition
    | { disposition: WriteDisposition; strategy?: MergeStrategy };
  table_name?: string;
  max_table_nesting?: number;
  /** `false` makes the resource a parent only: fetched for its children, not loaded. */
  selected?: boolean;
  include_from_parent?: string[];
  processing_steps?: ProcessingStep[];
  columns?: Record<string, ColumnHint>;
  schema_contract?: SchemaContract;
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
  name: string;
  version?: string;
  description?: string;
  docs_url?: string;
  /** Fields resolved from env / secrets.toml / config.toml; `{field}` placeholders use them. */
  config?: Record<string, ConfigField>;
  client: ClientConfig;
  resource_defaults?: ResourceDefaults;
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
  name: string;
  /** Root table name before naming normalization. @default the resource name */
  tableName: string;
  writeDisposition: WriteDisposition;
  /** For `merge`. @default "delete-insert" */
  mergeStrategy?: MergeStrategy;
  primaryKey: string[];
  mergeKey: string[];
  /** Column hints by (not yet normalized) column name. */
  columns?: Record<string, ColumnHint>;
  /** The resolved contract. @default every entity "evolve" */
  schemaContract?: SchemaContractSettings;
  maxTableNesting?: number;
  /** Loaded (true) or only fetched to feed children (false). */
  selected: boolean;
  /** Name of the parent resource, for child resources. */
  parent?: string;
}

/** One page of records of one resource, after selection and processing steps. */
export interface ResourcePage {
  resource: string;
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
  signal?: AbortSignal;
}

/** A source ready to extract: its resources and the page stream. */
export interface Source {
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
}

/** What one resource did during an extraction (`Source.stats()`, the trace). */
export interface SourceResourceStats {
  requests: number;
  pages: number;
  records: number;
  retries?: number;
  wait_seconds?: number;
  seconds?: number;
}
