/**
 * The DuckDB destination: applies a load (DDL, job files, merges, system tables, state) in
 * one transaction; restores, drops and queries read-only.
 *
 * @module
 */

import { basename, dirname, resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { defaultDeps, type Deps } from "../../core/deps.ts";
import { ConfigError, InternalError, UserError } from "../../core/errors.ts";
import { exists } from "../../core/exists.ts";
import { type Logger, silentLogger } from "../../core/log.ts";
import type {
  Destination,
  DropRequest,
  LoadRequest,
  LoadSession,
  StoredPipeline,
} from "../../core/pipeline/destination.ts";
import {
  type DuckDbHandle,
  MEMORY_PATH,
  openDuckDbHandle,
  openReadHandle,
  openSealedReadHandle,
} from "./_connect.ts";
import { firstLine } from "./results.ts";
import { loadDuckDb } from "./_module.ts";
import { dropTables } from "./_drop.ts";
import { isOutOfMemory, maxMemoryLimitMb, parseMegabytes } from "./_memory_limit.ts";
import { runReadOnly } from "./read_only.ts";
import { readStoredPipeline } from "./_restore.ts";
import { quoteLiteral } from "./sql.ts";
import { duckDbError } from "./errors.ts";
import { LoadTransaction } from "./_transaction.ts";
import type { QueryParam } from "./open_duckdb.ts";

/** Options of {@linkcode DuckDbDestination}. */
export interface DuckDbOptions {
  /** The database file (created with its folder when missing), or `:memory:`. */
  path: string;
  /**
   * DuckDB worker threads.
   *
   * @default {1}
   */
  threads?: number;
  /**
   * DuckDB's buffer memory limit; above it DuckDB spills to disk.
   *
   * @default {"64MB"}
   */
  memoryLimit?: string;
  /** Where the destination reports what it does. @default {silentLogger} */
  logger?: Logger;
  /** The clock for `inserted_at`/`created_at`. @default {defaultDeps} */
  deps?: Pick<Deps, "now">;
}

/**
 * Loads into a DuckDB database file. The file is opened on the first `load()` (so a run that
 * fails before loading leaves no file behind) and released by `close()`.
 *
 * @example Usage
 * ```ts ignore
 * const destination = new DuckDbDestination({ path: "github.duckdb" });
 * try {
 *   await destination.load(request);
 * } finally {
 *   await destination.close();
 * }
 * ```
 */
export class DuckDbDestination implements Destination {
  /** Always `duckdb`. */
  readonly type = "duckdb";
  /** `duckdb:<absolute path>`, as load info prints it. */
  readonly location: string;
  /** DuckDB's identifiers have no short limit (dlt's duckdb capabilities: 65536). */
  readonly maxIdentifierLength = 65536;
  /** The absolute database path, or `:memory:`. */
  readonly path: string;
  readonly #threads: number;
  readonly #memoryLimit: string;
  readonly #logger: Logger;
  readonly #now: () => Date;
  #handle?: Promise<DuckDbHandle>;
  /** The file did not exist before this destination opened it. */
  #createdFile = false;
  /** A load committed: the file is the user's now, never removed. */
  #committed = false;

  /**
   * Makes the destination; the database opens on the first load or query.
   *
   * @param options the database file and its settings
   * @throws {RangeError} when `threads` is not a positive integer
   */
  constructor(options: DuckDbOptions) {
    const { threads = 1, memoryLimit = "64MB" } = options;
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`threads must be a positive integer, got ${threads}`);
    }
    this.path = options.path === MEMORY_PATH ? MEMORY_PATH : resolve(options.path);
    this.location = `duckdb:${this.path}`;
    this.#threads = threads;
    this.#memoryLimit = memoryLimit;
    this.#logger = options.logger ?? silentLogger;
    this.#now = (options.deps ?? defaultDeps).now;
  }

  /**
   * Applies `request` in one transaction; on any error nothing of it stays. A load id already
   * recorded in `_dlt_loads` is not loaded again, so retrying a package whose load committed
   * (the run died right after) never duplicates rows.
   *
   * @throws {UserError} naming the table and job file that failed, or the database that
   *   cannot be opened (locked by another process)
   * @throws {InternalError} when a job's table is not in the schema
   */
  async load(request: LoadRequest): Promise<void> {
    this.#checkDatasetName(request.datasetName);
    checkJobTables(request);
    const con = await this.#connection();
    const started = performance.now();
    // A small memory limit keeps the peak RSS of ordinary loads low; a load whose rows need
    // more (very wide rows) is rolled back and retried with twice the limit.
    for (let limitMb = parseMegabytes(this.#memoryLimit);;) {
      try {
        await this.#loadOnce(con, request);
        break;
      } catch (err) {
        const next = limitMb === undefined ? undefined : limitMb * 2;
        if (next === undefined || next > maxMemoryLimitMb() || !isOutOfMemory(err)) {
          await this.#forgetCreatedFile();
          throw err;
        }
        this.#logger.info(
          `DuckDB needs more than ${limitMb}MB to load package ${request.loadId}; ` +
            `retrying with a memory limit of ${next}MB`,
        );
        await con.run(`SET memory_limit = '${next}MB'`);
        limitMb = next;
      }
    }
    this.#committed = true;
    this.#logger.debug(
      `Loaded package ${request.loadId} into dataset ${request.datasetName} in ` +
        `${((performance.now() - started) / 1000).toFixed(2)} s`,
    );
  }

  /**
   * Opens a load transaction that inserts job files while they are written. When DuckDB runs
   * out of memory mid-stream the session falls back to a whole-package `load()` at commit.
   */
  async begin(datasetName: string, loadId: string): Promise<LoadSession> {
    this.#checkDatasetName(datasetName);
    const con = await this.#connection();
    const tx = await LoadTransaction.begin(con, {
      dataset: datasetName,
      loadId,
      logger: this.#logger,
    });
    let fallback = false;
    let open = true;
    const close = async () => {
      if (open) await tx.rollback();
      open = false;
    };
    return {
      addJobs: async (jobs, schema) => {
        if (fallback || !open) return;
        try {
          await tx.ensureTables(jobs.map((job) => schema.tables[job.table]));
          for (const job of jobs) await tx.loadJob(schema, job);
        } catch (err) {
          if (!isOutOfMemory(err)) throw err;
          this.#logger.info(
            `DuckDB ran out of memory streaming package ${loadId}; loading it whole instead`,
          );
          fallback = true;
          await close();
        }
      },
      commit: async (request) => {
        checkJobTables(request);
        if (fallback) return await this.load(request);
        try {
          await tx.ensureTables(Object.values(request.schema.tables));
          await tx.deleteRows(request.replaceTables);
          for (const job of request.jobs) await tx.loadJob(request.schema, job);
          await tx.commit(request, this.#now());
          open = false;
          this.#committed = true;
        } catch (err) {
          await close();
          await this.#forgetCreatedFile();
          throw duckDbError(err, `Cannot load package ${loadId} into ${this.location}`);
        }
      },
      rollback: async () => {
        await close();
        await this.#forgetCreatedFile();
      },
    };
  }

  /** One attempt at the load transaction; rolled back entirely on any error. */
  async #loadOnce(con: DuckDBConnection, request: LoadRequest): Promise<void> {
    const tx = await LoadTransaction.begin(con, {
      dataset: request.datasetName,
      loadId: request.loadId,
      logger: this.#logger,
    });
    try {
      await tx.ensureTables(Object.values(request.schema.tables));
      await tx.deleteRows(request.replaceTables);
      for (const job of request.jobs) await tx.loadJob(request.schema, job);
      await tx.commit(request, this.#now());
    } catch (err) {
      await tx.rollback();
      throw duckDbError(err, `Cannot load package ${request.loadId} into ${this.location}`);
    }
  }

  /**
   * A database file this destination created and never committed to is removed again, so a
   * failed first run leaves no empty file behind.
   */
  async #forgetCreatedFile(): Promise<void> {
    if (!this.#createdFile || this.#committed) return;
    await this.close();
    for (const path of [this.path, `${this.path}.wal`]) {
      await Deno.remove(path).catch(() => {});
    }
  }

  /**
   * Runs one read-only statement (SELECT, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) and returns
   * plain rows, as {@linkcode openDuckDb} does. The file is opened read-only with external
   * access disabled and settings locked, so a query reads this database and no other file.
   * While this destination has the database open for loading (or it is `:memory:`), the
   * query runs on that database instead, whose settings the load needs: the statement check
   * and a `READ ONLY` transaction still hold, the file sealing does not.
   *
   * @throws {UserError} when there is no database file, the statement is not a reading one
   *   ("read-only"), it reads another file, or DuckDB rejects it
   */
  async query(sql: string, params?: QueryParam[]): Promise<Record<string, unknown>[]> {
    const run = (con: DuckDBConnection) => runReadOnly(con, sql, { where: this.location, params });
    if (this.#handle || this.path === MEMORY_PATH) return (await this.#read(run))!;
    if (!(await exists(this.path))) {
      throw new UserError(
        `There is no DuckDB database at ${this.path}: nothing has been loaded there yet`,
      );
    }
    const handle = await openSealedReadHandle(this.path);
    try {
      return await run(handle.connection);
    } finally {
      handle.close();
    }
  }

  /**
   * The newest state of `pipelineName` in `datasetName` and the newest version of each of its
   * schemas. Reads the file read-only and never creates it.
   *
   * @returns `undefined` when the file, the dataset or the pipeline's state rows are missing
   * @throws {UserError} when the database cannot be read
   * @throws {DataError} when a stored state or schema cannot be decoded
   */
  async restore(datasetName: string, pipelineName: string): Promise<StoredPipeline | undefined> {
    this.#checkDatasetName(datasetName);
    try {
      return await this.#read((con) => readStoredPipeline(con, datasetName, pipelineName));
    } catch (err) {
      throw duckDbError(
        err,
        `Cannot restore pipeline ${pipelineName} from dataset ${datasetName} at ${this.location}`,
      );
    }
  }

  /**
   * Drops `request.tables` (and their staging copies) and stores `request.schema` and
   * `request.state` as new versions, in one transaction.
   *
   * @throws {UserError} when there is no database file or DuckDB fails; nothing changes then
   */
  async dropTables(request: DropRequest): Promise<void> {
    if (this.path !== MEMORY_PATH && !this.#handle && !(await exists(this.path))) {
      throw new UserError(
        `Cannot drop tables from dataset ${request.datasetName}: there is no DuckDB database ` +
          `at ${this.path}`,
      );
    }
    const con = await this.#connection();
    await dropTables(con, request, { now: this.#now(), logger: this.#logger });
    this.#committed = true;
  }

  /**
   * Runs `fn` on a connection that only reads: a second connection to the database this
   * destination has open (or `:memory:`), else a read-only open of the file, closed again
   * afterwards so a later load can open it for writing.
   *
   * @returns `undefined` when the database file does not exist (it is not created)
   */
  async #read<T>(fn: (con: DuckDBConnection) => Promise<T>): Promise<T | undefined> {
    if (this.#handle || this.path === MEMORY_PATH) {
      const con = await (await this.#openHandle()).connect();
      try {
        await con.run("SET TimeZone = 'UTC'");
        return await fn(con);
      } finally {
        con.closeSync();
      }
    }
    if (!(await exists(this.path))) return undefined;
    const handle = await openReadHandle(this.path);
    try {
      await handle.connection.run("SET TimeZone = 'UTC'");
      return await fn(handle.connection);
    } finally {
      handle.close();
    }
  }

  /**
   * DuckDB names a file's catalog after the file; a schema of the same name makes every
   * `"<dataset>"."<table>"` ambiguous, so such a pair is refused before anything is opened.
   */
  #checkDatasetName(datasetName: string): void {
    if (this.path === MEMORY_PATH) return;
    const catalog = basename(this.path).replace(/\.[^.]*$/, "");
    if (catalog.toLowerCase() === datasetName.toLowerCase()) {
      throw new ConfigError(
        `The dataset "${datasetName}" has the same name as the DuckDB file ${this.path}, ` +
          "which DuckDB cannot tell apart; choose another dataset name (--dataset) or file name",
      );
    }
  }

  /** Imports DuckDB's module in the background; opens nothing. */
  warmUp(): void {
    loadDuckDb().catch(() => {}); // The load imports it again and reports the failure.
  }

  /**
   * A database file that does not exist yet has no reader to lock out: a run may open it and
   * begin its load while it still extracts (a failed run removes the file again).
   */
  async beginsEarly(): Promise<boolean> {
    return this.#handle !== undefined || this.path === MEMORY_PATH || !(await exists(this.path));
  }

  /** Releases the database (file lock and memory). A later `load()` opens it again. */
  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    (await handle?.catch(() => undefined))?.close();
  }

  async #connection(): Promise<DuckDBConnection> {
    return (await this.#openHandle()).connection;
  }

  async #openHandle(): Promise<DuckDbHandle> {
    // Kept as a promise so concurrent first calls share one open.
    this.#handle ??= this.#open();
    try {
      return await this.#handle;
    } catch (err) {
      this.#handle = undefined;
      throw err;
    }
  }

  async #open(): Promise<DuckDbHandle> {
    let existed = true;
    if (this.path !== MEMORY_PATH) {
      await Deno.mkdir(dirname(this.path), { recursive: true });
      existed = await exists(this.path);
    }
    const handle = await openDuckDbHandle(this.path);
    try {
      const con = handle.connection;
      // Created by this open only if it is still empty now that this process holds it: another
      // process may have created and loaded the file since the check above, and a failed run
      // must never remove that.
      this.#createdFile = !existed && await holdsNoTables(con);
      await con.run(`SET threads = ${this.#threads}`);
      await con.run(`SET memory_limit = ${quoteLiteral(this.#memoryLimit)}`);
      // Return memory freed by the JSON reader to the OS right away instead of keeping it
      // cached in the allocator: peak RSS of a 1M-row load drops from ~330 to ~245 MB.
      await con.run("SET allocator_bulk_deallocation_flush_threshold = '0MB'");
      // Timestamps without an offset are UTC, as dlt reads them.
      await con.run("SET TimeZone = 'UTC'");
    } catch (err) {
      handle.close();
      throw new UserError(`Cannot configure DuckDB at ${this.location}: ${firstLine(err)}`, {
        cause: err,
      });
    }
    return handle;
  }
}

/**
 * A DuckDB destination for a database file, as dlt's `dlt.destinations.duckdb(path)`.
 *
 * @example Usage
 * ```ts ignore
 * const p = pipeline({ pipelineName: "shop", destination: duckdb("shop.duckdb") });
 * ```
 */
export function duckdb(path: string, options: Omit<DuckDbOptions, "path"> = {}): DuckDbDestination {
  return new DuckDbDestination({ ...options, path });
}

async function holdsNoTables(con: DuckDBConnection): Promise<boolean> {
  const reader = await con.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE NOT internal");
  return Number(reader.getRows()[0][0]) === 0;
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
