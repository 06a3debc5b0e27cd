/**
 * One load transaction on a PostgreSQL connection: DDL from the schema, job files through
 * `COPY ... FROM STDIN`, replace (`truncate-and-insert` or `insert-from-staging`), merges
 * through `<dataset>_staging`, and dlt's system rows, all committed together.
 *
 * @module
 */

import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
// @ts-types="@types/pg-copy-streams"
import type { from as CopyFrom } from "pg-copy-streams";
import { ConfigError, LoaderError, UserError } from "../../core/errors.ts";
import type { Logger } from "../../core/log.ts";
import type { LoadJob, LoadRequest } from "../../core/pipeline/destination.ts";
import type { Schema, Table } from "../../core/schema/types.ts";
import { LOADS_TABLE } from "../../core/schema/types.ts";
// TODO(lead): the chain helpers are the DuckDB destination's; a neutral home would suit them.
import { rootTableOf, tableChain } from "../duckdb/_merge.ts";
import { SYSTEM_TABLES } from "../duckdb/_ddl.ts";
import { errorText, type PgClient, sqlState } from "./_connect.ts";
import { CopyTextEncoder } from "./_copy_text.ts";
import { type ExistingColumns, planDdl, planDdlWithConstraints } from "./_ddl.ts";
import { mergeSql, replaceFromStagingSql, STAGE_ORDER, STAGE_ORDER_COLUMN } from "./_merge.ts";
import { qualifiedTable, quoteIdent } from "./sql.ts";
import { isLoaded, writeSystemRows } from "./_system_rows.ts";

/** dlt's replace strategies; `staging-optimized` loads as `insert-from-staging` here. */
export type ReplaceStrategy = "truncate-and-insert" | "insert-from-staging" | "staging-optimized";

/** Options of {@linkcode LoadTransaction.begin}. */
export interface TransactionOptions {
  dataset: string;
  loadId: string;
  logger: Logger;
  /** UNIQUE on `unique` columns (dlt's `create_indexes`). */
  createIndexes: boolean;
  replaceStrategy: ReplaceStrategy;
  /** For messages: the masked location. */
  where: string;
}

/** An open transaction; every method throws a `UserError` naming what failed. */
export class LoadTransaction {
  readonly #client: PgClient;
  readonly #options: TransactionOptions;
  #existing: ExistingColumns;
  /** `<dataset>_staging`: merge (and `insert-from-staging`) rows wait there for the commit. */
  readonly #staging: string;
  #stagingExisting?: ExistingColumns;
  /** Staging tables emptied in this transaction: rows of earlier loads are gone. */
  readonly #emptied = new Set<string>();
  /** Root tables with staged rows, merged or copied over at commit. */
  readonly #stagedRoots = new Set<string>();
  /** UNIQUE constraints of the tables this load created, added at commit. */
  readonly #constraints: string[] = [];
  /** The load's replace tables, once {@linkcode LoadTransaction.deleteRows} named them. */
  #replaceTables?: string[];
  /** Job files already copied, by path. */
  readonly loaded = new Set<string>();
  /** Set when `_dlt_loads` already records the load id: every step becomes a no-op. */
  readonly alreadyLoaded: boolean;

  private constructor(
    client: PgClient,
    options: TransactionOptions,
    existing: ExistingColumns,
    alreadyLoaded: boolean,
  ) {
    this.#client = client;
    this.#options = options;
    this.#existing = existing;
    this.#staging = stagingDatasetName(options.dataset);
    this.alreadyLoaded = alreadyLoaded;
  }

  /** Starts a transaction and makes sure the dataset and the system tables exist. */
  static async begin(client: PgClient, options: TransactionOptions): Promise<LoadTransaction> {
    const { dataset, loadId, logger } = options;
    checkSchemaName(dataset);
    await client.query("BEGIN");
    try {
      await ensureSchema(client, dataset, options.where);
      let existing = await existingColumns(client, dataset);
      const ddl = planDdl(dataset, SYSTEM_TABLES, existing);
      for (const sql of ddl) await client.query(sql);
      if (ddl.length) existing = await existingColumns(client, dataset);
      const loaded = await isLoaded(client, dataset, loadId);
      if (loaded) {
        logger.info(
          `Load package ${loadId} is already in ${dataset}.${LOADS_TABLE}; not loading it again`,
        );
      }
      return new LoadTransaction(client, options, existing, loaded);
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw asUserError(err, `Cannot start a load into dataset ${dataset} at ${options.where}`);
    }
  }

  /**
   * Creates missing tables and adds missing columns. The UNIQUE constraints of tables created
   * now are added at commit, after their rows: one index build instead of one per row.
   */
  async ensureTables(tables: Iterable<Table>): Promise<void> {
    if (this.alreadyLoaded) return;
    const ddl = planDdlWithConstraints(this.#options.dataset, tables, this.#existing, {
      unique: this.#options.createIndexes ? "deferred" : "none",
    });
    this.#constraints.push(...ddl.constraints);
    await this.#run(ddl.statements, "Cannot change the tables of dataset " + this.#options.dataset);
  }

  /**
   * Empties the tables of `replace` resources that exist (`truncate-and-insert`); with
   * `insert-from-staging` they are emptied at commit, right before their staged rows go in.
   */
  async deleteRows(tables: string[]): Promise<void> {
    if (this.alreadyLoaded || this.#replaceTables !== undefined) return;
    this.#replaceTables = tables;
    if (this.#fromStaging()) return;
    const present = tables.filter((t) => this.#existing.has(t));
    if (present.length === 0) return;
    const names = present.map((t) => qualifiedTable(this.#options.dataset, t)).join(", ");
    await this.#run([`TRUNCATE ${names}`], "Cannot empty the tables to replace");
  }

  /**
   * Copies one job file into its table (which must have every column of the schema's table);
   * tables of merge roots (and of replace roots with `insert-from-staging`) go to the staging
   * dataset instead.
   */
  async loadJob(schema: Schema, job: LoadJob): Promise<void> {
    if (this.alreadyLoaded || this.loaded.has(job.path)) return;
    const columns = Object.values(schema.tables[job.table].columns);
    if (columns.length > 0) {
      let dataset = this.#options.dataset;
      const root = rootTableOf(schema, job.table);
      if (this.#staged(root)) {
        await this.#prepareStaging(schema, root.name);
        this.#stagedRoots.add(root.name);
        dataset = this.#staging;
      }
      const names = columns.map((c) => quoteIdent(c.name)).join(", ");
      const sql = `COPY ${qualifiedTable(dataset, job.table)} (${names}) FROM STDIN`;
      const encoder = new CopyTextEncoder(columns);
      const started = performance.now();
      try {
        const bytes = await Deno.readFile(job.path);
        // Loaded on first use, as the driver is (see _connect.ts).
        const { from: copyFrom } = await import("pg-copy-streams") as { from: typeof CopyFrom };
        const stream = this.#client.query(copyFrom(sql));
        await pipeline(Readable.from(encoder.encodeBytes(bytes, job.path)), stream);
        this.#options.logger.debug(
          `Copied ${stream.rowCount} rows into ${dataset}.${job.table} in ` +
            `${((performance.now() - started) / 1000).toFixed(2)} s`,
        );
      } catch (err) {
        throw asUserError(err, `Cannot load table "${job.table}" from ${job.path}`);
      }
      for (const [column, count] of encoder.stats.droppedNul) {
        this.#options.logger.warn(
          `${count} value(s) of column "${column}" of table "${job.table}" held the character ` +
            "U+0000, which PostgreSQL cannot store; it was left out of them",
        );
      }
    }
    this.loaded.add(job.path);
  }

  /** Merges (or replaces from) the staged tables, writes dlt's system rows and commits. */
  async commit(request: LoadRequest, now: Date): Promise<void> {
    if (!this.alreadyLoaded) {
      for (const root of this.#stagedRoots) await this.#fromStagingTables(request.schema, root);
      if (this.#fromStaging()) await this.#emptyUnstagedReplaceTables(request.schema);
      await this.#run(
        this.#constraints,
        "Cannot add the UNIQUE constraints (dlt's create_indexes)",
      );
      try {
        await writeSystemRows(this.#client, request, now);
      } catch (err) {
        throw asUserError(err, `Cannot write the system tables of ${this.#options.dataset}`);
      }
    }
    try {
      await this.#client.query("COMMIT");
    } catch (err) {
      throw asUserError(err, `Cannot commit load package ${request.loadId}`);
    }
  }

  /** Rolls back; safe after a failed statement or a lost connection. */
  async rollback(): Promise<void> {
    await this.#client.query("ROLLBACK").catch(() => {});
  }

  #fromStaging(): boolean {
    return this.#options.replaceStrategy !== "truncate-and-insert";
  }

  /** Whether rows of `root`'s chain load through the staging dataset. */
  #staged(root: Table): boolean {
    if (root.write_disposition === "merge") return true;
    return root.write_disposition === "replace" && this.#fromStaging();
  }

  /**
   * Creates the staging dataset and the chain's staging tables (as the target's, without NOT
   * NULL or UNIQUE: a hard-delete row may carry only its key, and one key may come twice), each
   * with the load-order column, and empties the ones this load has not emptied yet.
   */
  async #prepareStaging(schema: Schema, root: string): Promise<void> {
    const chain = tableChain(schema, root);
    if (!this.#stagingExisting) {
      checkSchemaName(this.#staging);
      await ensureSchema(this.#client, this.#staging, this.#options.where);
      this.#stagingExisting = await existingColumns(this.#client, this.#staging);
    }
    const sql = planDdl(this.#staging, chain, this.#stagingExisting, {
      notNull: false,
      extraColumn: STAGE_ORDER_COLUMN,
    });
    for (const table of chain) {
      const have = this.#stagingExisting.get(table.name)!;
      if (have.has(STAGE_ORDER)) continue;
      // A staging table made by another tool (dlt) has no load order yet.
      if (
        !sql.some((s) => s.startsWith(`CREATE TABLE ${qualifiedTable(this.#staging, table.name)}`))
      ) {
        sql.push(
          `ALTER TABLE ${qualifiedTable(this.#staging, table.name)} ADD COLUMN ` +
            STAGE_ORDER_COLUMN,
        );
      }
      have.add(STAGE_ORDER);
    }
    const empty = chain.filter((t) => !this.#emptied.has(t.name));
    if (empty.length > 0) {
      sql.push(`TRUNCATE ${empty.map((t) => qualifiedTable(this.#staging, t.name)).join(", ")}`);
      for (const t of empty) this.#emptied.add(t.name);
    }
    await this.#run(sql, `Cannot prepare the staging tables of "${root}"`);
  }

  /** `insert-from-staging`: replace tables without rows in this load end up empty. */
  async #emptyUnstagedReplaceTables(schema: Schema): Promise<void> {
    const empty = (this.#replaceTables ?? []).filter((t) =>
      this.#existing.has(t) && schema.tables[t] !== undefined &&
      !this.#stagedRoots.has(rootTableOf(schema, t).name)
    );
    await this.#run(
      empty.map((t) => `DELETE FROM ${qualifiedTable(this.#options.dataset, t)}`),
      "Cannot empty the tables to replace",
    );
  }

  /** Merges the staged rows of `root` and its child tables into the dataset (or replaces). */
  async #fromStagingTables(schema: Schema, root: string): Promise<void> {
    await this.#prepareStaging(schema, root);
    const chain = tableChain(schema, root);
    await this.ensureTables(chain);
    const target = { dataset: this.#options.dataset, staging: this.#staging };
    const merge = chain[0].write_disposition === "merge";
    const statements = merge ? mergeSql(chain, target) : replaceFromStagingSql(chain, target);
    const what = merge ? "merge" : "replace";
    await this.#run(
      statements,
      `Cannot ${what} table "${root}" from ${this.#staging} into ${this.#options.dataset}`,
    );
  }

  async #run(statements: string[], what: string): Promise<void> {
    for (const sql of statements) {
      this.#options.logger.debug(sql);
      try {
        await this.#client.query(sql);
      } catch (err) {
        throw asUserError(err, what);
      }
    }
  }
}

/** PostgreSQL's longest name, in bytes (NAMEDATALEN - 1); longer ones it cuts silently. */
const MAX_NAME_BYTES = 63;

/**
 * Refuses a dataset (schema) name PostgreSQL would cut: the cut name would not match it again.
 *
 * @throws {ConfigError} naming the limit and how to choose another name
 */
export function checkSchemaName(name: string): void {
  const bytes = new TextEncoder().encode(name).length;
  if (bytes <= MAX_NAME_BYTES) return;
  throw new ConfigError(
    `The dataset name "${name}" is ${bytes} bytes long, and PostgreSQL names are at most ` +
      `${MAX_NAME_BYTES} (merges also use "<dataset>_staging"): choose a shorter one with ` +
      "--dataset (or dataset_name)",
  );
}

/** The staging dataset of `dataset`, as dlt names it. */
export function stagingDatasetName(dataset: string): string {
  return `${dataset}_staging`;
}

/**
 * Creates the schema `name` unless it exists. Checked first: `CREATE SCHEMA IF NOT EXISTS`
 * needs the CREATE privilege on the database even when the schema is there.
 *
 * @throws {UserError} naming the privilege to grant when the user may not create it
 */
export async function ensureSchema(client: PgClient, name: string, where: string): Promise<void> {
  // Who and where, read now: after a failed statement the transaction answers nothing more.
  const found = await client.query(
    "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS found, " +
      "current_user AS u, current_database() AS d",
    [name],
  );
  const { found: exists, u, d } = found.rows[0] as { found: boolean; u: string; d: string };
  if (exists) return;
  try {
    await client.query(`CREATE SCHEMA ${quoteIdent(name)}`);
  } catch (err) {
    if (sqlState(err) === "42501") {
      throw new UserError(
        `User "${u}" may not create schema "${name}" in database "${d}" at ${where}: grant it ` +
          `(GRANT CREATE ON DATABASE ${quoteIdent(d)} TO ${quoteIdent(u)}) or create the ` +
          `schema for it (CREATE SCHEMA ${quoteIdent(name)} AUTHORIZATION ${quoteIdent(u)})`,
        { cause: err },
      );
    }
    throw err;
  }
}

/** Wraps a driver error in a `UserError` (first line, SQLSTATE detail); `LoaderError`s pass. */
export function asUserError(err: unknown, what: string): LoaderError {
  if (err instanceof LoaderError) return err;
  const detail = (err as { detail?: unknown })?.detail;
  const where = (err as { where?: unknown })?.where;
  let text = errorText(err);
  if (typeof detail === "string" && detail !== "") text += ` (${detail.split("\n", 1)[0]})`;
  if (typeof where === "string" && /^COPY /.test(where)) text += ` [${where.split("\n", 1)[0]}]`;
  return new UserError(`${what}: ${text}`, { cause: err });
}

/** Tables and columns of schema `dataset`. */
export async function existingColumns(
  client: PgClient,
  dataset: string,
): Promise<ExistingColumns> {
  const result = await client.query(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1",
    [dataset],
  );
  const existing: ExistingColumns = new Map();
  for (const row of result.rows as { table_name: string; column_name: string }[]) {
    let columns = existing.get(row.table_name);
    if (!columns) existing.set(row.table_name, columns = new Set());
    columns.add(row.column_name);
  }
  return existing;
}
