/**
 * Reading a pipeline's newest state and schemas back from dlt's system tables, to restore it
 * on a machine without its working folder.
 *
 * @module
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import type { StoredPipeline } from "../../core/pipeline/destination.ts";
import {
  decompressState,
  NEWEST_STATE_FIRST,
  parseNewestSchemas,
  stateSchemaNames,
} from "../../core/pipeline/mod.ts";
import { type Schema, STATE_TABLE, VERSION_TABLE } from "../../core/schema/types.ts";
import { qualifiedTable } from "./sql.ts";

/**
 * The newest `_dlt_pipeline_state` row of `pipelineName` and the newest `_dlt_version` row of
 * each schema the state names (`schema_names`; every schema when it names none). Both are
 * read in one read-only transaction, so they belong together.
 *
 * @returns `undefined` when the dataset, the state table or a state row of the pipeline is
 *   missing
 * @throws {DataError} when a stored state or schema cannot be decoded
 */
export async function readStoredPipeline(
  con: DuckDBConnection,
  dataset: string,
  pipelineName: string,
): Promise<StoredPipeline | undefined> {
  await con.run("BEGIN TRANSACTION READ ONLY");
  try {
    const tables = await systemTables(con, dataset);
    if (!tables.has(STATE_TABLE)) return undefined;
    const stateRows = await con.runAndReadAll(
      `SELECT state FROM ${qualifiedTable(dataset, STATE_TABLE)} WHERE pipeline_name = $1 ` +
        `ORDER BY ${NEWEST_STATE_FIRST} LIMIT 1`,
      [pipelineName],
    );
    if (stateRows.currentRowCount === 0) return undefined;
    const state = decompressState(stateRows.getRowsJS()[0][0] as string);
    const schemas = tables.has(VERSION_TABLE)
      ? await newestSchemas(con, dataset, stateSchemaNames(state))
      : [];
    return { state, schemas };
  } finally {
    await con.run("ROLLBACK").catch(() => {});
  }
}

async function systemTables(con: DuckDBConnection, dataset: string): Promise<Set<string>> {
  const reader = await con.runAndReadAll(
    "SELECT table_name FROM information_schema.tables " +
      "WHERE table_catalog = current_database() AND table_schema = $1 AND table_name IN ($2, $3)",
    [dataset, STATE_TABLE, VERSION_TABLE],
  );
  return new Set(reader.getRowsJS().map((row) => row[0] as string));
}

async function newestSchemas(
  con: DuckDBConnection,
  dataset: string,
  names: string[] | undefined,
): Promise<Schema[]> {
  const reader = await con.runAndReadAll(
    "SELECT schema_name, schema FROM (SELECT schema_name, schema, row_number() OVER " +
      "(PARTITION BY schema_name ORDER BY inserted_at DESC, version DESC) AS rn " +
      `FROM ${qualifiedTable(dataset, VERSION_TABLE)}) WHERE rn = 1 ORDER BY schema_name`,
  );
  const newest = new Map(reader.getRowsJS() as [string, string][]);
  return parseNewestSchemas(newest, names, `${dataset}.${VERSION_TABLE}`);
}
