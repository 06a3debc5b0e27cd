/**
 * The PostgreSQL destination: applies a load (DDL, job files through COPY, replace, merges,
 * system tables, state) in one transaction; restores, drops and queries read-only. The dataset
 * is a PostgreSQL schema, as in dlt.
 *
 * @module
 */

import { defaultDeps, type Deps } from "../../core/deps.ts";
import { ConfigError, InternalError } from "../../core/errors.ts";
import { type Logger, silentLogger } from "../../core/log.ts";
import type {
  Destination,
  DropRequest,
  LoadRequest,
  LoadSession,
  StoredPipeline,
} from "../../core/pipeline/destination.ts";
import { connect, type PgClient } from "./_connect.ts";
import {
  checkCredentials,
  credentialsFrom,
  displayLocation,
  type PostgresCredentials,
} from "./credentials.ts";
import { dropTables } from "./_drop.ts";
import { runReadOnly } from "./read_only.ts";
import { readStoredPipeline } from "./_restore.ts";
import { asUserError, LoadTransaction, type ReplaceStrategy } from "./_transaction.ts";

/** The replace strategies dlt's postgres destination has. */
export const REPLACE_STRATEGIES: readonly ReplaceStrategy[] = [
  "truncate-and-insert",
  "insert-from-staging",
  "staging-optimized",
];

/** PostgreSQL's longest identifier (NAMEDATALEN - 1), dlt's `max_identifier_length`. */
export const POSTGRES_MAX_IDENTIFIER_LENGTH = 63;

/** Options of {@linkcode PostgresDestination}. */
export interface PostgresOptions {
  /** Where and as whom to connect. */
  credentials: PostgresCredentials;
  /**
   * UNIQUE constraints on `unique` columns (`_dlt_id`), as dlt's `create_indexes`.
   *
   * @default {true}
   */
  createIndexes?: boolean;
  /**
   * How `replace` empties tables: `truncate-and-insert` (TRUNCATE in the load's transaction,
   * readers of the tables wait for the commit) or `insert-from-staging` (rows go to
   * `<dataset>_staging` first and replace the old ones at commit; `staging-optimized` does
   * the same here).
   *
   * @default {"truncate-and-insert"}
   */
  replaceStrategy?: ReplaceStrategy;
  /** Where load progress is reported. @default {silentLogger} */
  logger?: Logger;
  /** The clock for `inserted_at`/`created_at`. @default {defaultDeps} */
  deps?: Pick<Deps, "now">;
}

/**
 * Loads into a PostgreSQL database. The connection opens on first use and closes with
 * `close()`; each load is one transaction, so a failed or killed load leaves nothing behind.
 *
 * @example Usage
 * ```ts ignore
 * const destination = postgres("postgresql://loader:secret@localhost:5432/dlt_data");
 * try {
 *   await destination.load(request);
 * } finally {
 *   await destination.close();
 * }
 * ```
 */
export class PostgresDestination implements Destination {
  /** Always `postgres`. */
  readonly type = "postgres";
  /** `postgresql://user:***@host:port/database`, as load info prints it. */
  readonly location: string;
  /** Longer table and column names are shortened by the normalizer, as dlt does. */
  readonly maxIdentifierLength: number = POSTGRES_MAX_IDENTIFIER_LENGTH;
  readonly #credentials: PostgresCredentials;
  readonly #createIndexes: boolean;
  readonly #replaceStrategy: ReplaceStrategy;
  readonly #logger: Logger;
  readonly #now: () => Date;
  #client?: Promise<PgClient>;

  /**
   * Checks the options; the connection opens on first use.
   *
   * @throws {ConfigError} for incomplete credentials or an unknown replace strategy
   */
  constructor(options: PostgresOptions) {
    this.#credentials = checkCredentials(options.credentials);
    this.location = displayLocation(this.#credentials);
    this.#createIndexes = options.createIndexes ?? true;
    const strategy = options.replaceStrategy ?? "truncate-and-insert";
    if (!REPLACE_STRATEGIES.includes(strategy)) {
      throw new ConfigError(
        `Unknown replace strategy "${strategy}" for the postgres destination; expected one of ` +
          REPLACE_STRATEGIES.join(", "),
      );
    }
    this.#replaceStrategy = strategy;
    this.#logger = options.logger ?? silentLogger;
    this.#now = (options.deps ?? defaultDeps).now;
  }

  /**
   * Applies `request` in one transaction; on any error nothing of it stays. A load id already
   * in `_dlt_loads` is not loaded again.
   *
   * @throws {UserError} naming the server, table or job file that failed
   * @throws {InternalError} when a job's table is not in the schema
   */
  async load(request: LoadRequest): Promise<void> {
    checkJobTables(request);
    const started = performance.now();
    const tx = await this.#begin(request.datasetName, request.loadId);
    try {
      await tx.ensureTables(Object.values(request.schema.tables));
      await tx.deleteRows(request.replaceTables);
      for (const job of request.jobs) await tx.loadJob(request.schema, job);
      await tx.commit(request, this.#now());
    } catch (err) {
      await this.#abort(tx);
      throw asUserError(err, `Cannot load package ${request.loadId} into ${this.location}`);
    }
    this.#logger.debug(
      `Loaded package ${request.loadId} into dataset ${request.datasetName} in ` +
        `${((performance.now() - started) / 1000).toFixed(2)} s`,
    );
  }

  /** Opens a load transaction that copies job files in while they are written. */
  async begin(datasetName: string, loadId: string): Promise<LoadSession> {
    const tx = await this.#begin(datasetName, loadId);
    let open = true;
    const close = async () => {
      if (open) await this.#abort(tx);
      open = false;
    };
    return {
      addJobs: async (jobs, schema) => {
        if (!open) return;
        await tx.ensureTables(jobs.map((job) => schema.tables[job.table]));
        for (const job of jobs) await tx.loadJob(schema, job);
      },
      commit: async (request) => {
        checkJobTables(request);
        try {
          await tx.ensureTables(Object.values(request.schema.tables));
          await tx.deleteRows(request.replaceTables);
          for (const job of request.jobs) await tx.loadJob(request.schema, job);
          await tx.commit(request, this.#now());
          open = false;
        } catch (err) {
          await close();
          throw asUserError(err, `Cannot load package ${loadId} into ${this.location}`);
        }
      },
      rollback: close,
    };
  }

  async #begin(datasetName: string, loadId: string): Promise<LoadTransaction> {
    const client = await this.#connection();
    return await LoadTransaction.begin(client, {
      dataset: datasetName,
      loadId,
      logger: this.#logger,
      createIndexes: this.#createIndexes,
      replaceStrategy: this.#replaceStrategy,
      where: this.location,
    });
  }

  /**
   * Rolls `tx` back. A connection that broke mid-statement (a COPY cut short) is dropped, so
   * the next load opens a fresh one.
   */
  async #abort(tx: LoadTransaction): Promise<void> {
    await tx.rollback();
    await this.close();
  }

  /**
   * Runs one read-only statement (SELECT, WITH, VALUES, TABLE, SHOW, EXPLAIN of a SELECT) on
   * its own read-only connection, checked by PostgreSQL's parser first.
   *
   * @throws {UserError} when the server cannot be reached, the statement is not a reading one
   *   ("read-only"), calls what a read may not, or PostgreSQL rejects it
   */
  async query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]> {
    const client = await connect(this.#credentials, { applicationName: "dltx query" });
    try {
      return await runReadOnly(client, sql, { where: this.location, params });
    } finally {
      await client.end().catch(() => {});
    }
  }

  /**
   * The newest state of `pipelineName` in `datasetName` and the newest version of each of its
   * schemas, read in a read-only transaction.
   *
   * @returns `undefined` when the dataset or the pipeline's state rows are missing
   * @throws {UserError} when the server cannot be reached or read
   * @throws {DataError} when a stored state or schema cannot be decoded
   */
  async restore(datasetName: string, pipelineName: string): Promise<StoredPipeline | undefined> {
    const client = await this.#connection();
    try {
      return await readStoredPipeline(client, datasetName, pipelineName);
    } catch (err) {
      throw asUserError(
        err,
        `Cannot restore pipeline ${pipelineName} from dataset ${datasetName} at ${this.location}`,
      );
    }
  }

  /**
   * Drops `request.tables` (and their staging copies) and stores `request.schema` and
   * `request.state` as new versions, in one transaction.
   *
   * @throws {UserError} when PostgreSQL fails; nothing changes then
   */
  async dropTables(request: DropRequest): Promise<void> {
    const client = await this.#connection();
    await dropTables(client, request, {
      now: this.#now(),
      logger: this.#logger,
      where: this.location,
    });
  }

  /** Closes the connection. A later `load()` opens a new one. */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    const c = await client?.catch(() => undefined);
    await c?.end().catch(() => {});
  }

  async #connection(): Promise<PgClient> {
    // Kept as a promise so concurrent first calls share one connection.
    this.#client ??= connect(this.#credentials);
    try {
      return await this.#client;
    } catch (err) {
      this.#client = undefined;
      throw err;
    }
  }
}

/**
 * A PostgreSQL destination for a connection string (`postgresql://user:password@host:port/db`)
 * or credentials (dlt's keys `database`, `username`, `password`, `host`, `port`,
 * `connect_timeout`, as a secrets.toml table holds them), as dlt's
 * `dlt.destinations.postgres(credentials)`.
 *
 * @throws {ConfigError} for incomplete or malformed credentials
 *
 * @example Usage
 * ```ts ignore
 * const p = pipeline({
 *   pipelineName: "shop",
 *   destination: postgres(Deno.env.get("DESTINATION__POSTGRES__CREDENTIALS")!),
 * });
 * ```
 */
export function postgres(
  credentials: string | PostgresCredentials | Record<string, unknown>,
  options: Omit<PostgresOptions, "credentials"> = {},
): PostgresDestination {
  return new PostgresDestination({ ...options, credentials: credentialsFrom(credentials) });
}

/** Every job's table must be in the schema; anything else is a bug of the caller. */
function checkJobTables(request: LoadRequest): void {
  for (const job of request.jobs) {
    if (!request.schema.tables[job.table]) {
      throw new InternalError(
        `Job ${job.path} is for table "${job.table}", which is not in schema ` +
          `"${request.schema.name}"`,
      );
    }
  }
}
