/**
 * Dropping a pipeline's tables together with the schema and state that no longer mention
 * them (`dltx pipeline <name> drop`), in one PostgreSQL transaction.
 *
 * @module
 */

import type { Logger } from "../../core/log.ts";
import type { DropRequest } from "../../core/pipeline/destination.ts";
import { SYSTEM_TABLES } from "../../core/pipeline/mod.ts";
import type { PgClient } from "./_connect.ts";
import { planDdl } from "./_ddl.ts";
import { postgresError } from "./errors.ts";
import { qualifiedTable } from "./sql.ts";
import { writeSchemaVersion, writeStateRow } from "./_system_rows.ts";
import { ensureSchema, existingColumns, stagingDatasetName } from "./_transaction.ts";

/**
 * Drops `request.tables` from the dataset and the staging dataset, and stores the new schema
 * version and state row (no `_dlt_loads` row: nothing was loaded).
 *
 * @throws {UserError} naming the dataset when PostgreSQL fails; nothing is changed then
 */
export async function dropTables(
  client: PgClient,
  request: DropRequest,
  options: { now: Date; logger: Logger; where: string },
): Promise<void> {
  const { datasetName: ds, tables, schema, state } = request;
  const { now, logger, where } = options;
  const staging = stagingDatasetName(ds);
  await client.query("BEGIN");
  try {
    await ensureSchema(client, ds, where);
    for (const sql of planDdl(ds, SYSTEM_TABLES, await existingColumns(client, ds))) {
      await client.query(sql);
    }
    const stagingTables = await existingColumns(client, staging);
    for (const table of tables) {
      logger.debug(`Dropping table ${ds}.${table}`);
      await client.query(`DROP TABLE IF EXISTS ${qualifiedTable(ds, table)}`);
      if (stagingTables.has(table)) {
        await client.query(`DROP TABLE ${qualifiedTable(staging, table)}`);
      }
    }
    await writeSchemaVersion(client, ds, schema, now);
    await writeStateRow(client, ds, state, { loadId: String(now.getTime() / 1000), now });
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw postgresError(err, `Cannot drop tables ${tables.join(", ")} from dataset ${ds}`);
  }
}
