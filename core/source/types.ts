/**
 * The connector model: dlt's `RESTAPIConfig`, key for key, plus connector metadata, and the
 * stream of record pages a source produces.
 *
 * @module
 */

import type { AuthConfig, PaginatorConfig, ResponseAction } from "../http/types.ts";
import type { WriteDisposition } from "../schema/types.ts";

/** A config field a connector reads (`sources.<connector>.<field>`). */
export interface ConfigField {
  /** Secret values go to `secrets.toml` and are masked in all output. */
  secret?: boolean;
  default?: unknown;
  doc?: string;
}

/** `client` block: shared by all resources. */
export interface ClientConfig {
  base_url: string;
  headers?: Record<string, string>;
  auth?: AuthConfig;
  paginator?: PaginatorConfig | PaginatorConfig["type"];
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
  params?: Record<string, string | number | boolean | ResolveParam | null>;
  json?: unknown;
  data?: Record<string, string>;
  headers?: Record<string, string>;
  auth?: AuthConfig;
  paginator?: PaginatorConfig | PaginatorConfig["type"];
  /** JSONPath (`$.data[*]`) or dotted path (`data.items`). */
  data_selector?: string;
  response_actions?: ResponseAction[];
}

/** A processing step (TS connectors): keep records (`filter`) or transform them (`map`). */
export type ProcessingStep =
  | { filter: (record: Record<string, unknown>) => boolean }
  | { map: (record: Record<string, unknown>) => Record<string, unknown> };

/** One resource: an endpoint whose records land in one root table. */
export interface ResourceConfig {
  name: string;
  endpoint?: string | EndpointConfig;
  primary_key?: string | string[];
  merge_key?: string | string[];
  write_disposition?: WriteDisposition | { disposition: WriteDisposition; strategy?: string };
  table_name?: string;
  max_table_nesting?: number;
  /** `false` makes the resource a parent only: fetched for its children, not loaded. */
  selected?: boolean;
  include_from_parent?: string[];
  processing_steps?: ProcessingStep[];
  columns?: Record<string, unknown>;
}

/** `resource_defaults`: every resource key but `name`. */
export type ResourceDefaults = Omit<ResourceConfig, "name">;

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
}

/** What the normalizer and loader need to know of a resource. */
export interface ResourceInfo {
  name: string;
  /** Root table name before naming normalization. @default the resource name */
  tableName: string;
  writeDisposition: WriteDisposition;
  primaryKey: string[];
  mergeKey: string[];
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
  resources: ResourceInfo[];
  /** Pages of the selected resources, streamed as they arrive. */
  extract(options?: ExtractOptions): AsyncIterable<ResourcePage>;
}
