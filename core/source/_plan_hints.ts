/**
 * The resource hints a plan carries: the one incremental cursor of a resource (on the
 * resource, its endpoint, or a param) and the `ResourceInfo` the normalizer and loader read.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import type { SchemaContractSettings } from "../schema/types.ts";
import type { ExpandedResource } from "./defaults.ts";
import type { IncrementalSettings } from "./incremental.ts";
import type { IncrementalParam, ResourceInfo, SchemaContract } from "./types.ts";

/** Where a resource's incremental is configured and which params it fills. */
export interface FoundIncremental {
  settings: IncrementalSettings;
  /** Key path of the config, for messages: `incremental`, `endpoint.params.since`. */
  where: string;
  /** Receives the start value: an incremental param's own name, or `start_param`. */
  startParam?: string;
  /** Receives the end value (`end_param`). */
  endParam?: string;
}

/**
 * The incremental of a resource after `resource_defaults` are merged in.
 *
 * @throws {ConfigError} when the resource has more than one.
 */
export function findIncremental(resource: ExpandedResource): FoundIncremental | undefined {
  const found: FoundIncremental[] = [];
  if (resource.incremental) {
    const { start_param: _s, end_param: _e, ...settings } = resource.incremental;
    found.push({ settings, where: "incremental" });
  }
  const own = resource.endpoint.incremental;
  if (own) {
    const { start_param, end_param, ...settings } = own;
    found.push({
      settings,
      where: "endpoint.incremental",
      startParam: start_param,
      endParam: end_param,
    });
  }
  for (const [key, value] of Object.entries(resource.endpoint.params ?? {})) {
    if (isIncrementalParam(value)) {
      const { type: _type, ...settings } = value;
      found.push({ settings, where: `endpoint.params.${key}`, startParam: key });
    }
  }
  if (found.length > 1) {
    throw new ConfigError(
      `Resource "${resource.name}" has more than one incremental (${
        found.map((f) => f.where).join(", ")
      }, counting resource_defaults); a resource tracks one cursor, keep one`,
    );
  }
  return found[0];
}

/** Whether a param value is `{type: "incremental", ...}`. */
export function isIncrementalParam(value: unknown): value is IncrementalParam {
  return value !== null && typeof value === "object" &&
    (value as IncrementalParam).type === "incremental";
}

/** What the normalizer and loader need to know of a resource. */
export function resourceInfo(resource: ExpandedResource, parent: string | undefined): ResourceInfo {
  const wd = resource.write_disposition;
  const writeDisposition = typeof wd === "string" ? wd : wd?.disposition ?? "append";
  const info: ResourceInfo = {
    name: resource.name,
    tableName: resource.table_name ?? resource.name,
    writeDisposition,
    primaryKey: toList(resource.primary_key),
    mergeKey: toList(resource.merge_key),
    selected: resource.selected ?? true,
  };
  // Only a strategy the config names: dlt stores none otherwise (delete-insert applies).
  if (writeDisposition === "merge" && typeof wd === "object" && wd.strategy !== undefined) {
    info.mergeStrategy = wd.strategy;
  }
  if (resource.columns !== undefined) info.columns = resource.columns;
  if (resource.schema_contract !== undefined) {
    info.schemaContract = resolveContract(resource.schema_contract);
  }
  if (resource.max_table_nesting !== undefined) info.maxTableNesting = resource.max_table_nesting;
  if (parent !== undefined) info.parent = parent;
  // dlt's `extract_simple_field_name`: a cursor path of one plain key names a column.
  const cursor = findIncremental(resource)?.settings.cursor_path;
  if (typeof cursor === "string" && /^[^.$[\]*'"@()?,:\s]+$/.test(cursor)) {
    info.incrementalCursor = cursor;
  }
  return info;
}

/** dlt's contract resolution: a bare mode applies to all entities; missing ones evolve. */
export function resolveContract(contract: SchemaContract): SchemaContractSettings {
  if (typeof contract === "string") {
    return { tables: contract, columns: contract, data_type: contract };
  }
  return {
    tables: contract.tables ?? "evolve",
    columns: contract.columns ?? "evolve",
    data_type: contract.data_type ?? "evolve",
  };
}

function toList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : typeof value === "string" ? [value] : [...value];
}
