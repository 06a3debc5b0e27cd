/**
 * The rows a load writes to dlt's system tables: `_dlt_version`, `_dlt_pipeline_state` and
 * `_dlt_loads`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { LoadRequest, PipelineStateRow } from "../../core/pipeline/destination.ts";
import { toStoredSchema } from "../../core/schema/mod.ts";
import { LOADS_TABLE, type Schema, STATE_TABLE, VERSION_TABLE } from "../../core/schema/types.ts";
import { qualifiedTable } from "./sql.ts";
import { compressState } from "./state_codec.ts";

/** dlt's pipeline state engine version, stored in `_dlt_pipeline_state.engine_version`. */
const PIPELINE_STATE_ENGINE_VERSION = 4;

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
  await con.run(
    `INSERT INTO ${qualifiedTable(ds, LOADS_TABLE)} ` +
      "(load_id, schema_name, status, inserted_at, schema_version_hash) " +
      "VALUES ($1, $2, 0, $3::TIMESTAMPTZ, $4)",
    [loadId, schema.name, now.toISOString(), schema.version_hash],
  );
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
  await con.run(
    `INSERT INTO ${qualifiedTable(dataset, VERSION_TABLE)} ` +
      "(version, engine_version, inserted_at, schema_name, version_hash, schema) " +
      "VALUES ($1, $2, $3::TIMESTAMPTZ, $4, $5, $6)",
    [
      BigInt(schema.version),
      BigInt(schema.engine_version),
      now.toISOString(),
      schema.name,
      schema.version_hash,
      JSON.stringify(toStoredSchema(schema)),
    ],
  );
}

/**
 * The newest rows of `_dlt_pipeline_state` come first in this order (`created_at`, then the
 * load id for rows written within one clock tick).
 */
export const NEWEST_STATE_FIRST = "created_at DESC, _dlt_load_id DESC";

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
  await con.run(
    `INSERT INTO ${qualifiedTable(dataset, STATE_TABLE)} ` +
      "(version, engine_version, pipeline_name, state, created_at, version_hash, " +
      "_dlt_load_id, _dlt_id) VALUES ($1, $2, $3, $4, $5::TIMESTAMPTZ, $6, $7, $8)",
    [
      BigInt(state.version),
      BigInt(PIPELINE_STATE_ENGINE_VERSION),
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
