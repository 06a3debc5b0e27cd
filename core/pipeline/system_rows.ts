/**
 * The rows a load writes to dlt's system tables, for any destination: `_dlt_loads`,
 * `_dlt_version` and `_dlt_pipeline_state`, with dlt's columns and values (the schema in dlt's
 * stored form, the state in dlt's compressed encoding). A destination only decides how to
 * write them: SQL parameters (DuckDB, PostgreSQL) or JSON lines (filesystem).
 *
 * @module
 */

import { type Schema, systemTables, toStoredSchema } from "../schema/mod.ts";
import type { Table } from "../schema/types.ts";
import type { PipelineStateRow } from "./destination.ts";
import { STATE_ENGINE_VERSION } from "./state.ts";
import { compressState } from "./state_codec.ts";

/** A row of `_dlt_loads`. */
export interface LoadRow {
  load_id: string;
  schema_name: string;
  /** 0: the load completed (dlt writes no other value). */
  status: number;
  inserted_at: Date;
  schema_version_hash: string;
}

/** A row of `_dlt_version`: one per schema version. */
export interface VersionRow {
  version: number;
  engine_version: number;
  inserted_at: Date;
  schema_name: string;
  version_hash: string;
  /** The schema in dlt's stored form, as compact JSON. */
  schema: string;
}

/** A row of `_dlt_pipeline_state`: one per changed state. */
export interface StateRow {
  version: number;
  engine_version: number;
  pipeline_name: string;
  /** base64(zlib(JSON)) of the state without `_local`, as dlt encodes it. */
  state: string;
  created_at: Date;
  version_hash: string;
  _dlt_load_id: string;
  /** A random row id; dlt's filesystem destination leaves it out of its state files. */
  _dlt_id: string;
}

/** The `_dlt_loads` row that marks load `loadId` of `schema` complete. */
export function loadRow(schema: Schema, options: { loadId: string; now: Date }): LoadRow {
  return {
    load_id: options.loadId,
    schema_name: schema.name,
    status: 0,
    inserted_at: options.now,
    schema_version_hash: schema.version_hash,
  };
}

/** The `_dlt_version` row of `schema`'s current version. */
export function versionRow(schema: Schema, now: Date): VersionRow {
  return {
    version: schema.version,
    engine_version: schema.engine_version,
    inserted_at: now,
    schema_name: schema.name,
    version_hash: schema.version_hash,
    schema: JSON.stringify(toStoredSchema(schema)),
  };
}

/** The `_dlt_pipeline_state` row of `state`, written with load `loadId`. */
export function stateRow(
  state: PipelineStateRow,
  options: { loadId: string; now: Date },
): StateRow {
  return {
    version: state.version,
    engine_version: STATE_ENGINE_VERSION,
    pipeline_name: state.pipelineName,
    state: compressState(state.state),
    created_at: options.now,
    version_hash: state.versionHash,
    _dlt_load_id: options.loadId,
    _dlt_id: randomRowId(),
  };
}

/** A random `_dlt_id`: 10 random bytes, base64 without padding, as dlt generates them. */
function randomRowId(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(10))))
    .replace(/=+$/, "");
}

/**
 * A UTC time as dlt writes it into JSON (Python's `isoformat()` of an aware datetime):
 * `2024-03-01T10:00:00+00:00`, with six fraction digits when there are milliseconds.
 *
 * @example Usage
 * ```ts
 * import { isoformatUtc } from "./system_rows.ts";
 * if (isoformatUtc(new Date("2024-03-01T10:00:00.5Z")) !== "2024-03-01T10:00:00.500000+00:00") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function isoformatUtc(date: Date): string {
  const text = date.toISOString(); // 2024-03-01T10:00:00.500Z
  const millis = text.slice(20, 23);
  return `${text.slice(0, 19)}${millis === "000" ? "" : `.${millis}000`}+00:00`;
}

/**
 * dlt's system tables, column for column (dlt schema engine 11): what an SQL destination
 * creates to hold the rows above.
 */
export const SYSTEM_TABLES: readonly Table[] = systemTables();

/**
 * The newest rows of `_dlt_pipeline_state` come first in this order (`created_at`, then the
 * load id for rows written within one clock tick): an SQL `ORDER BY` list.
 */
export const NEWEST_STATE_FIRST = "created_at DESC, _dlt_load_id DESC";
