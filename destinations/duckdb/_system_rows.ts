/**
 * Writing dlt's system rows (`_dlt_version`, `_dlt_pipeline_state`, `_dlt_loads`) into DuckDB;
 * the rows themselves come from `core/pipeline/system_rows.ts`, shared by every destination.
 *
 * @module
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import {
  type LoadRequest,
  type LoadRow,
  loadRow,
  NEWEST_STATE_FIRST,
  type PipelineStateRow,
  type StateRow,
  stateRow,
  type VersionRow,
  versionRow,
} from "../../core/pipeline/mod.ts";
import { LOADS_TABLE, type Schema, STATE_TABLE, VERSION_TABLE } from "../../core/schema/types.ts";
import { qualifiedTable, quoteIdent } from "./sql.ts";

/** Whether `_dlt_loads` already records `loadId`. */
export async function isLoaded(
  con: DuckDBConnection,
  dataset: string,
  loadId: string,
): Promise<boolean> {
  const found = await con.runAndReadAll(
    `SELECT 1 FROM ${qualifiedTable(dataset, LOADS_TABLE)} WHERE load_id = $1 LIMIT 1`,
    [loadId],
  );
  return found.currentRowCount > 0;
}

/** `_dlt_version` (when the schema version is new), `_dlt_pipeline_state` (when changed), `_dlt_loads`. */
export async function writeSystemRows(
  con: DuckDBConnection,
  request: LoadRequest,
  now: Date,
): Promise<void> {
  const ds = request.datasetName;
  const { schema, loadId } = request;
  await writeSchemaVersion(con, ds, schema, now);
  await writeStateRow(con, ds, request.state, { loadId, now });
  await insertRow(con, qualifiedTable(ds, LOADS_TABLE), loadRow(schema, { loadId, now }));
}

/** Adds `schema` to `_dlt_version` unless a row has its version hash already. */
export async function writeSchemaVersion(
  con: DuckDBConnection,
  dataset: string,
  schema: Schema,
  now: Date,
): Promise<void> {
  const known = await con.runAndReadAll(
    `SELECT 1 FROM ${qualifiedTable(dataset, VERSION_TABLE)} WHERE version_hash = $1 LIMIT 1`,
    [schema.version_hash],
  );
  if (known.currentRowCount > 0) return;
  await insertRow(con, qualifiedTable(dataset, VERSION_TABLE), versionRow(schema, now));
}

/** Adds the state row of `state` to `_dlt_pipeline_state` unless the newest one has its hash. */
export async function writeStateRow(
  con: DuckDBConnection,
  dataset: string,
  state: PipelineStateRow,
  options: { loadId: string; now: Date },
): Promise<void> {
  // dlt writes a state row only when the state changed since the last one.
  const latest = await con.runAndReadAll(
    `SELECT version_hash FROM ${qualifiedTable(dataset, STATE_TABLE)} WHERE pipeline_name = $1 ` +
      `ORDER BY ${NEWEST_STATE_FIRST} LIMIT 1`,
    [state.pipelineName],
  );
  const latestHash = latest.currentRowCount > 0 ? latest.getRowsJS()[0][0] : undefined;
  if (latestHash === state.versionHash) return;
  await insertRow(con, qualifiedTable(dataset, STATE_TABLE), stateRow(state, options));
}

/**
 * Inserts one system row: whole numbers as BIGINT, times as TIMESTAMPTZ (UTC), the rest as
 * text, in the row's column order.
 */
async function insertRow(
  con: DuckDBConnection,
  table: string,
  row: LoadRow | VersionRow | StateRow,
): Promise<void> {
  const entries = Object.entries(row);
  const names = entries.map(([name]) => quoteIdent(name)).join(", ");
  const params = entries.map(([, value], i) =>
    value instanceof Date ? `$${i + 1}::TIMESTAMPTZ` : `$${i + 1}`
  );
  const values = entries.map(([, value]) =>
    value instanceof Date
      ? value.toISOString()
      : typeof value === "number"
      ? BigInt(value)
      : value as string
  );
  await con.run(`INSERT INTO ${table} (${names}) VALUES (${params.join(", ")})`, values);
}
