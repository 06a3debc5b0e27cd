/**
 * Dropping a pipeline's tables together with the schema and state that no longer mention
 * them (`dltx pipeline <name> drop`), in one transaction.
 *
 * @module
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import type { Logger } from "../../core/log.ts";
import type { DropRequest } from "../../core/pipeline/destination.ts";
import { SYSTEM_TABLES } from "../../core/pipeline/mod.ts";
import { planDdl } from "./_ddl.ts";
import { qualifiedTable, quoteIdent } from "./sql.ts";
import { writeSchemaVersion, writeStateRow } from "./_system_rows.ts";
import { duckDbError } from "./errors.ts";
import { existingColumns, stagingDatasetName } from "./_transaction.ts";

/**
 * Drops `request.tables` from the dataset and the staging dataset, and stores the new schema
 * version and state row. No `_dlt_loads` row: nothing was loaded. The state row's
 * `_dlt_load_id` is a load id made from the clock (`<unix seconds>.<fraction>`, dlt's form).
 *
 * @throws {UserError} naming the dataset when DuckDB fails; nothing is changed then
 */
export async function dropTables(
  con: DuckDBConnection,
  request: DropRequest,
  options: { now: Date; logger: Logger },
): Promise<void> {
  const { datasetName: ds, tables, schema, state } = request;
  const { now, logger } = options;
  const staging = stagingDatasetName(ds);
  await con.run("BEGIN TRANSACTION");
  try {
    await con.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(ds)}`);
    for (const sql of planDdl(ds, SYSTEM_TABLES, await existingColumns(con, ds))) {
      await con.run(sql);
    }
    const stagingTables = await existingColumns(con, staging);
    for (const table of tables) {
      logger.debug(`Dropping table ${ds}.${table}`);
      await con.run(`DROP TABLE IF EXISTS ${qualifiedTable(ds, table)}`);
      if (stagingTables.has(table.toLowerCase())) {
        await con.run(`DROP TABLE ${qualifiedTable(staging, table)}`);
      }
    }
    await writeSchemaVersion(con, ds, schema, now);
    await writeStateRow(con, ds, state, { loadId: String(now.getTime() / 1000), now });
    await con.run("COMMIT");
  } catch (err) {
    await con.run("ROLLBACK").catch(() => {});
    throw duckDbError(err, `Cannot drop tables ${tables.join(", ")} from dataset ${ds}`);
  }
}
