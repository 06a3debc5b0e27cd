/**
 * One load transaction on a DuckDB connection: DDL from the schema, job files through
 * `read_json`, replace deletes, merges through the staging dataset and dlt's system rows.
 * Shared by whole-package loads and by load sessions that take job files while they are
 * written.
 *
 * @module
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import type { Logger } from "../../core/log.ts";
import type { LoadJob, LoadRequest } from "../../core/pipeline/destination.ts";
import { rootTableOf, tableChain } from "../../core/schema/mod.ts";
import type { Schema, Table } from "../../core/schema/types.ts";
import { LOADS_TABLE } from "../../core/schema/types.ts";
import { duckDbError, duckDbJobError } from "./errors.ts";
import { SYSTEM_TABLES } from "../../core/pipeline/mod.ts";
import { type ExistingColumns, planDdl } from "./_ddl.ts";
import { isMergeTable, mergeSql } from "./_merge.ts";
import { insertFromJsonSql, qualifiedTable, quoteIdent } from "./sql.ts";
import { maximumObjectSizeFor } from "./read_limits.ts";
import { isLoaded, writeSystemRows } from "./_system_rows.ts";

/**
 * An open transaction; every method throws a `UserError` naming what failed, or an
 * `InternalError` for a failure of SQL dltx wrote (see `duckDbError`).
 */
export class LoadTransaction {
  readonly #con: DuckDBConnection;
  readonly #dataset: string;
  readonly #logger: Logger;
  #existing: ExistingColumns;
  /** `<dataset>_staging`, where merge tables' rows wait for the merge at commit. */
  readonly #staging: string;
  /** Columns of the staging dataset, read on first use. */
  #stagingExisting?: ExistingColumns;
  /** Staging tables (lower case) emptied in this transaction: rows of earlier loads are gone. */
  readonly #emptied = new Set<string>();
  /** Merge root tables with staged rows, merged at commit. */
  readonly #mergeRoots = new Set<string>();
  /** Job files already inserted, by path. */
  readonly loaded = new Set<string>();
  /** Set when `_dlt_loads` already records the load id: every step becomes a no-op. */
  readonly alreadyLoaded: boolean;

  private constructor(
    con: DuckDBConnection,
    dataset: string,
    logger: Logger,
    existing: ExistingColumns,
    alreadyLoaded: boolean,
  ) {
    this.#con = con;
    this.#dataset = dataset;
    this.#logger = logger;
    this.#existing = existing;
    this.#staging = stagingDatasetName(dataset);
    this.alreadyLoaded = alreadyLoaded;
  }

  /** Starts a transaction and makes sure the dataset and the system tables exist. */
  static async begin(
    con: DuckDBConnection,
    options: { dataset: string; loadId: string; logger: Logger },
  ): Promise<LoadTransaction> {
    const { dataset, loadId, logger } = options;
    await con.run("BEGIN TRANSACTION");
    try {
      await con.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(dataset)}`);
      let existing = await existingColumns(con, dataset);
      const ddl = planDdl(dataset, SYSTEM_TABLES, existing);
      for (const sql of ddl) await con.run(sql);
      if (ddl.length) existing = await existingColumns(con, dataset);
      const loaded = await isLoaded(con, dataset, loadId);
      if (loaded) {
        // The previous run committed this package but died before marking it loaded.
        logger.info(
          `Load package ${loadId} is already in ${dataset}.${LOADS_TABLE}; not loading it again`,
        );
      }
      return new LoadTransaction(con, dataset, logger, existing, loaded);
    } catch (err) {
      await con.run("ROLLBACK").catch(() => {});
      throw duckDbError(err, `Cannot start a load into dataset ${dataset}`);
    }
  }

  /** Creates missing tables and adds missing columns. */
  async ensureTables(tables: Iterable<Table>): Promise<void> {
    if (this.alreadyLoaded) return;
    const ddl = planDdl(this.#dataset, tables, this.#existing);
    for (const sql of ddl) {
      this.#logger.debug(sql);
      await this.#con.run(sql);
    }
    if (ddl.length) this.#existing = await existingColumns(this.#con, this.#dataset);
  }

  /** Empties tables (write disposition `replace`) that exist. */
  async deleteRows(tables: string[]): Promise<void> {
    if (this.alreadyLoaded) return;
    for (const table of tables) {
      if (this.#existing.has(table.toLowerCase())) {
        await this.#con.run(`DELETE FROM ${qualifiedTable(this.#dataset, table)}`);
      }
    }
  }

  /**
   * Inserts one job file; its table must exist with every column of the schema's table.
   * Tables of a `merge` root go to the staging dataset instead, merged at `commit()`.
   */
  async loadJob(schema: Schema, job: LoadJob): Promise<void> {
    if (this.alreadyLoaded || this.loaded.has(job.path)) return;
    const columns = Object.values(schema.tables[job.table].columns);
    if (columns.length > 0) {
      let dataset = this.#dataset;
      if (isMergeTable(schema, job.table)) {
        const root = rootTableOf(schema, job.table).name;
        await this.#prepareStaging(schema, root);
        this.#mergeRoots.add(root);
        dataset = this.#staging;
      }
      const sql = insertFromJsonSql(
        dataset,
        job.table,
        columns,
        job.path,
        await maximumObjectSizeFor([job.path]),
      );
      try {
        const result = await this.#con.run(sql);
        this.#logger.debug(`Loaded ${result.rowsChanged} rows into ${job.table} from ${job.path}`);
      } catch (err) {
        throw duckDbJobError(err, `Cannot load table "${job.table}" from ${job.path}`);
      }
    }
    this.loaded.add(job.path);
  }

  /** Merges the staged tables, writes dlt's system rows for the load and commits. */
  async commit(request: LoadRequest, now: Date): Promise<void> {
    if (!this.alreadyLoaded) {
      for (const root of this.#mergeRoots) await this.#merge(request.schema, root);
      await writeSystemRows(this.#con, request, now);
    }
    await this.#con.run("COMMIT");
  }

  /**
   * Creates the staging dataset and the chain's staging tables (as the target's, without NOT
   * NULL: a hard-delete row may carry only its key) and empties the ones this load has not
   * emptied yet, so rows of an earlier load never merge again.
   */
  async #prepareStaging(schema: Schema, root: string): Promise<void> {
    const chain = tableChain(schema, root);
    if (!this.#stagingExisting) {
      await this.#con.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.#staging)}`);
      this.#stagingExisting = await existingColumns(this.#con, this.#staging);
    }
    for (const sql of planDdl(this.#staging, chain, this.#stagingExisting, { notNull: false })) {
      this.#logger.debug(sql);
      await this.#con.run(sql);
    }
    for (const table of chain) {
      const key = table.name.toLowerCase();
      if (this.#emptied.has(key)) continue;
      await this.#con.run(`DELETE FROM ${qualifiedTable(this.#staging, table.name)}`);
      this.#emptied.add(key);
    }
  }

  /** Merges the staged rows of `root` and its child tables into the dataset. */
  async #merge(schema: Schema, root: string): Promise<void> {
    await this.#prepareStaging(schema, root);
    const chain = tableChain(schema, root);
    await this.ensureTables(chain);
    const statements = mergeSql(chain, { dataset: this.#dataset, staging: this.#staging });
    for (const sql of statements) {
      this.#logger.debug(sql);
      try {
        await this.#con.run(sql);
      } catch (err) {
        throw duckDbError(
          err,
          `Cannot merge table "${root}" from ${this.#staging} into ${this.#dataset}`,
        );
      }
    }
  }

  /** Rolls back; safe to call after a failed statement (the transaction is aborted then). */
  async rollback(): Promise<void> {
    await this.#con.run("ROLLBACK").catch(() => {});
  }
}

/** The staging dataset of `dataset`, as dlt names it. */
export function stagingDatasetName(dataset: string): string {
  return `${dataset}_staging`;
}

/** Tables and columns of `dataset` in the open database. */
export async function existingColumns(
  con: DuckDBConnection,
  dataset: string,
): Promise<ExistingColumns> {
  const reader = await con.runAndReadAll(
    "SELECT table_name, column_name FROM information_schema.columns " +
      "WHERE table_catalog = current_database() AND table_schema = $1",
    [dataset],
  );
  const existing: ExistingColumns = new Map();
  for (const [table, column] of reader.getRowsJS() as [string, string][]) {
    const key = table.toLowerCase();
    let columns = existing.get(key);
    if (!columns) existing.set(key, columns = new Set());
    columns.add(column.toLowerCase());
  }
  return existing;
}
