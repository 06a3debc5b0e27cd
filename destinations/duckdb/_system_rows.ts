/**
 * The rows a load writes to dlt's system tables: `_dlt_version`, `_dlt_pipeline_state` and
 * `_dlt_loads`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { LoadRequest } from "../../core/pipeline/destination.ts";
import { LOADS_TABLE, STATE_TABLE, VERSION_TABLE } from "../../core/schema/types.ts";
import { qualifiedTable } from "./_sql.ts";
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
  const { schema, state, loadId } = request;
  const nowIso = now.toISOString();

  const known = await con.runAndReadAll(
    `SELECT 1 FROM ${qualifiedTable(ds, VERSION_TABLE)} WHERE version_hash = $1 LIMIT 1`,
    [schema.version_hash],
  );
  if (known.currentRowCount === 0) {
    await con.run(
      `INSERT INTO ${qualifiedTable(ds, VERSION_TABLE)} ` +
        "(version, engine_version, inserted_at, schema_name, version_hash, schema) " +
        "VALUES ($1, $2, $3::TIMESTAMPTZ, $4, $5, $6)",
      [
        BigInt(schema.version),
        BigInt(schema.engine_version),
        nowIso,
        schema.name,
        schema.version_hash,
        JSON.stringify(schema),
      ],
    );
  }

  // dlt writes a state row only when the state changed since the last one.
  const latest = await con.runAndReadAll(
    `SELECT version_hash FROM ${qualifiedTable(ds, STATE_TABLE)} WHERE pipeline_name = $1 ` +
      "ORDER BY created_at DESC, _dlt_load_id DESC LIMIT 1",
    [state.pipelineName],
  );
  const latestHash = latest.currentRowCount > 0 ? latest.getRowsJS()[0][0] : undefined;
  if (latestHash !== state.versionHash) {
    await con.run(
      `INSERT INTO ${qualifiedTable(ds, STATE_TABLE)} ` +
        "(version, engine_version, pipeline_name, state, created_at, version_hash, " +
        "_dlt_load_id, _dlt_id) VALUES ($1, $2, $3, $4, $5::TIMESTAMPTZ, $6, $7, $8)",
      [
        BigInt(state.version),
        BigInt(PIPELINE_STATE_ENGINE_VERSION),
        state.pipelineName,
        compressState(state.state),
        nowIso,
        state.versionHash,
        loadId,
        newRowId(),
      ],
    );
  }

  await con.run(
    `INSERT INTO ${qualifiedTable(ds, LOADS_TABLE)} ` +
      "(load_id, schema_name, status, inserted_at, schema_version_hash) " +
      "VALUES ($1, $2, 0, $3::TIMESTAMPTZ, $4)",
    [loadId, schema.name, nowIso, schema.version_hash],
  );
}

/** A random `_dlt_id`: 10 random bytes, base64 without padding, as dlt generates them. */
function newRowId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(10))).toString("base64")
    .replace(/=+$/, "");
}
