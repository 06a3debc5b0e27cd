/**
 * Writing dlt's system rows (`_dlt_version`, `_dlt_pipeline_state`, `_dlt_loads`) into
 * PostgreSQL; the rows themselves come from `core/pipeline/system_rows.ts`, shared by every
 * destination.
 *
 * @module
 */

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
import type { PgClient } from "./_connect.ts";
import { qualifiedTable, quoteIdent } from "./sql.ts";

/** Whether `_dlt_loads` already records `loadId`. */
export async function isLoaded(client: PgClient, dataset: string, loadId: string) {
  const found = await client.query(
    `SELECT 1 FROM ${qualifiedTable(dataset, LOADS_TABLE)} WHERE load_id = $1 LIMIT 1`,
    [loadId],
  );
  return (found.rowCount ?? 0) > 0;
}

/** `_dlt_version` (when the schema version is new), `_dlt_pipeline_state` (when changed), `_dlt_loads`. */
export async function writeSystemRows(
  client: PgClient,
  request: LoadRequest,
  now: Date,
): Promise<void> {
  const ds = request.datasetName;
  const { schema, loadId } = request;
  await writeSchemaVersion(client, ds, schema, now);
  await writeStateRow(client, ds, request.state, { loadId, now });
  await insertRow(client, qualifiedTable(ds, LOADS_TABLE), loadRow(schema, { loadId, now }));
}

/** Adds `schema` to `_dlt_version` unless a row has its version hash already. */
export async function writeSchemaVersion(
  client: PgClient,
  dataset: string,
  schema: Schema,
  now: Date,
): Promise<void> {
  const known = await client.query(
    `SELECT 1 FROM ${qualifiedTable(dataset, VERSION_TABLE)} WHERE version_hash = $1 LIMIT 1`,
    [schema.version_hash],
  );
  if ((known.rowCount ?? 0) > 0) return;
  await insertRow(client, qualifiedTable(dataset, VERSION_TABLE), versionRow(schema, now));
}

/** Adds the state row of `state` to `_dlt_pipeline_state` unless the newest one has its hash. */
export async function writeStateRow(
  client: PgClient,
  dataset: string,
  state: PipelineStateRow,
  options: { loadId: string; now: Date },
): Promise<void> {
  // dlt writes a state row only when the state changed since the last one.
  const latest = await client.query(
    `SELECT version_hash FROM ${qualifiedTable(dataset, STATE_TABLE)} WHERE pipeline_name = $1 ` +
      `ORDER BY ${NEWEST_STATE_FIRST} LIMIT 1`,
    [state.pipelineName],
  );
  if (latest.rows[0]?.version_hash === state.versionHash) return;
  await insertRow(client, qualifiedTable(dataset, STATE_TABLE), stateRow(state, options));
}

/** Inserts one system row as parameters, in the row's column order (times as UTC instants). */
async function insertRow(
  client: PgClient,
  table: string,
  row: LoadRow | VersionRow | StateRow,
): Promise<void> {
  const entries = Object.entries(row);
  const names = entries.map(([name]) => quoteIdent(name)).join(", ");
  const params = entries.map((_, i) => `$${i + 1}`).join(", ");
  const values = entries.map(([, value]) => value instanceof Date ? value.toISOString() : value);
  await client.query(`INSERT INTO ${table} (${names}) VALUES (${params})`, values);
}
