/**
 * dlt's system rows in PostgreSQL: `_dlt_version`, `_dlt_pipeline_state` and `_dlt_loads`,
 * with the same columns, values and encodings as the DuckDB destination writes (the state is
 * base64(zlib(JSON)), {@linkcode compressState}).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { LoadRequest, PipelineStateRow } from "../../core/pipeline/destination.ts";
import { LOADS_TABLE, type Schema, STATE_TABLE, VERSION_TABLE } from "../../core/schema/types.ts";
// TODO(lead): destination-neutral homes for these; the DuckDB destination's for now.
import { NEWEST_STATE_FIRST } from "../duckdb/_system_rows.ts";
import { compressState } from "../duckdb/state_codec.ts";
import type { PgClient } from "./_connect.ts";
import { qualifiedTable } from "./sql.ts";

/** dlt's pipeline state engine version, stored in `_dlt_pipeline_state.engine_version`. */
const PIPELINE_STATE_ENGINE_VERSION = 4;

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
  await client.query(
    `INSERT INTO ${qualifiedTable(ds, LOADS_TABLE)} ` +
      "(load_id, schema_name, status, inserted_at, schema_version_hash) " +
      "VALUES ($1, $2, 0, $3, $4)",
    [loadId, schema.name, now.toISOString(), schema.version_hash],
  );
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
  await client.query(
    `INSERT INTO ${qualifiedTable(dataset, VERSION_TABLE)} ` +
      "(version, engine_version, inserted_at, schema_name, version_hash, schema) " +
      "VALUES ($1, $2, $3, $4, $5, $6)",
    [
      schema.version,
      schema.engine_version,
      now.toISOString(),
      schema.name,
      schema.version_hash,
      JSON.stringify(schema),
    ],
  );
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
  await client.query(
    `INSERT INTO ${qualifiedTable(dataset, STATE_TABLE)} ` +
      "(version, engine_version, pipeline_name, state, created_at, version_hash, " +
      "_dlt_load_id, _dlt_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    [
      state.version,
      PIPELINE_STATE_ENGINE_VERSION,
      state.pipelineName,
      compressState(state.state),
      options.now.toISOString(),
      state.versionHash,
      options.loadId,
      newRowId(),
    ],
  );
}

/** A random `_dlt_id`: 10 random bytes, base64 without padding, as dlt generates them. */
function newRowId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(10))).toString("base64")
    .replace(/=+$/, "");
}
