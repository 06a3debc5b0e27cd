/**
 * Reading a pipeline's newest state and schemas back from dlt's system tables in PostgreSQL,
 * to restore it on a machine without its working folder.
 *
 * @module
 */

import type { StoredPipeline } from "../../core/pipeline/destination.ts";
import { type Schema, STATE_TABLE, VERSION_TABLE } from "../../core/schema/types.ts";
import {
  decompressState,
  NEWEST_STATE_FIRST,
  parseNewestSchemas,
  stateSchemaNames,
} from "../../core/pipeline/mod.ts";
import type { PgClient } from "./_connect.ts";
import { qualifiedTable } from "./sql.ts";

/**
 * The newest `_dlt_pipeline_state` row of `pipelineName` and the newest `_dlt_version` row of
 * each schema the state names (every schema when it names none), read in one read-only
 * transaction.
 *
 * @returns `undefined` when the dataset, the state table or a state row of the pipeline is
 *   missing
 * @throws {DataError} when a stored state or schema cannot be decoded
 */
export async function readStoredPipeline(
  client: PgClient,
  dataset: string,
  pipelineName: string,
): Promise<StoredPipeline | undefined> {
  await client.query("BEGIN TRANSACTION READ ONLY");
  try {
    const found = await client.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND " +
        "table_name IN ($2, $3)",
      [dataset, STATE_TABLE, VERSION_TABLE],
    );
    const tables = new Set(found.rows.map((r) => (r as { table_name: string }).table_name));
    if (!tables.has(STATE_TABLE)) return undefined;
    const stateRows = await client.query(
      `SELECT state FROM ${qualifiedTable(dataset, STATE_TABLE)} WHERE pipeline_name = $1 ` +
        `ORDER BY ${NEWEST_STATE_FIRST} LIMIT 1`,
      [pipelineName],
    );
    if (stateRows.rows.length === 0) return undefined;
    const state = decompressState(String((stateRows.rows[0] as { state: unknown }).state));
    const schemas = tables.has(VERSION_TABLE)
      ? await newestSchemas(client, dataset, stateSchemaNames(state))
      : [];
    return { state, schemas };
  } finally {
    await client.query("ROLLBACK").catch(() => {});
  }
}

async function newestSchemas(
  client: PgClient,
  dataset: string,
  names: string[] | undefined,
): Promise<Schema[]> {
  const result = await client.query(
    "SELECT schema_name, schema FROM (SELECT schema_name, schema, row_number() OVER " +
      "(PARTITION BY schema_name ORDER BY inserted_at DESC, version DESC) AS rn " +
      `FROM ${qualifiedTable(dataset, VERSION_TABLE)}) AS v WHERE rn = 1 ORDER BY schema_name`,
  );
  const rows = result.rows as { schema_name: string; schema: string }[];
  const newest = new Map(rows.map((row) => [row.schema_name, row.schema]));
  return parseNewestSchemas(newest, names, `${dataset}.${VERSION_TABLE}`);
}
