/**
 * Opening DuckDB databases and turning DuckDB's errors and values into dltx's.
 *
 * @module
 */

import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { firstLine } from "./results.ts";
import { InternalError, UserError } from "../../core/errors.ts";
import { sealConnection } from "./read_only.ts";
import { quoteIdent, quoteLiteral } from "../../core/sql_quote.ts";
import { loadDuckDb } from "./_module.ts";

/** The path DuckDB uses for a database that lives in memory only. */
export const MEMORY_PATH = ":memory:";

/** An open database and one connection to it. */
export interface DuckDbHandle {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  /**
   * Another connection to the same database, reading and writing the handle's file by
   * unqualified names as `connection` does (the caller closes it).
   */
  connect(): Promise<DuckDBConnection>;
  /** Disconnects and releases this handle's hold on the database file. */
  close(): void;
}

/**
 * Rows per row group in database files dltx writes (DuckDB's default: 122,880). DuckDB
 * compresses a full row group at once while its rows are still held uncompressed, which was
 * the peak of a load's memory: 16,384 rows take ~40 MB off it for about the same time and
 * file size. Smaller row groups need no newer storage version (only larger ones do), so the
 * file stays readable by every DuckDB that read it before.
 */
export const WRITE_ROW_GROUP_SIZE = 16384;

/** Options of {@linkcode openDuckDbHandle}. */
export interface OpenHandleOptions {
  /**
   * Open the file with DuckDB's `access_mode: READ_ONLY`: nothing can write to it, the file
   * must exist, and other processes may read it at the same time.
   *
   * @default {false}
   */
  readOnly?: boolean;
  /**
   * With `readOnly`: start DuckDB with `enable_external_access = false`, so it reads no file
   * but this database (see {@linkcode openSealedReadHandle}).
   *
   * @default {false}
   */
  sealed?: boolean;
}

/**
 * Opens `path` (absolute, or `:memory:`) and connects.
 *
 * A file opened for writing is attached to an in-memory DuckDB with row groups of
 * {@linkcode WRITE_ROW_GROUP_SIZE} rows (DuckDB takes the size only as an `ATTACH` option) and
 * made every connection's default database; the in-memory one is detached, so no name but the
 * file's own catalog exists. Opening a file twice in one process shares one database instead
 * of two writers corrupting it (read-only opens share through DuckDB's instance cache), and
 * the file is released when the last handle closes.
 *
 * @throws {UserError} when another process holds the file, or it is not a DuckDB database
 * @throws {SameFileConflict} when this process has the file open with the other access mode
 */
export async function openDuckDbHandle(
  path: string,
  options: OpenHandleOptions = {},
): Promise<DuckDbHandle> {
  if (path !== MEMORY_PATH && !options.readOnly) return await openWriter(path);
  const { DuckDBInstance } = await loadDuckDb();
  let instance: DuckDBInstance;
  try {
    if (path === MEMORY_PATH) instance = await DuckDBInstance.create(MEMORY_PATH);
    else {
      if (writers.has(path)) throw new SameFileConflict(path);
      instance = await DuckDBInstance.fromCache(path, {
        access_mode: "READ_ONLY",
        ...(options.sealed ? { enable_external_access: "false" } : {}),
      });
    }
  } catch (err) {
    if (err instanceof SameFileConflict) throw err;
    if (/different configuration than existing connections/i.test(firstLine(err))) {
      throw new SameFileConflict(path, { cause: err });
    }
    throw openError(path, err);
  }
  let connection: DuckDBConnection;
  try {
    connection = await instance.connect();
  } catch (err) {
    instance.closeSync();
    throw openError(path, err);
  }
  const reading = path !== MEMORY_PATH;
  if (reading) readers.set(path, (readers.get(path) ?? 0) + 1);
  let open = true;
  return {
    instance,
    connection,
    connect: () => instance.connect(),
    close() {
      if (!open) return;
      open = false;
      connection.closeSync();
      instance.closeSync();
      if (reading) {
        const left = (readers.get(path) ?? 1) - 1;
        if (left > 0) readers.set(path, left);
        else readers.delete(path);
      }
    },
  };
}

/** A file attached for writing, shared by every handle of this process that writes it. */
interface Writer {
  instance: DuckDBInstance;
  /** The file's catalog: every connection's default database. */
  catalog: string;
  handles: number;
}

/**
 * The in-memory database a written file is attached to while it is attached, named so that no
 * file's catalog (its file name's stem: `memory.duckdb` is `memory`, DuckDB's default in-memory
 * name) can collide with it. Detached once the file is attached. (The node API takes
 * `:memory:<name>` for a file path, so the host is renamed by attaching, not by `create`.)
 */
const WRITER_HOST = "dltx_writer_host";

/** Files open for writing in this process, by absolute path. */
const writers = new Map<string, Promise<Writer>>();

/** Read-only handles open in this process, by absolute path. */
const readers = new Map<string, number>();

async function openWriter(path: string): Promise<DuckDbHandle> {
  if (readers.has(path)) throw new SameFileConflict(path);
  let pending = writers.get(path);
  if (!pending) {
    pending = attachWriter(path);
    writers.set(path, pending);
    pending.catch(() => {
      if (writers.get(path) === pending) writers.delete(path);
    });
  }
  const writer = await pending;
  writer.handles++;
  let connection: DuckDBConnection;
  try {
    connection = await connectTo(writer);
  } catch (err) {
    releaseWriter(path, writer);
    throw openError(path, err);
  }
  let open = true;
  return {
    instance: writer.instance,
    connection,
    connect: () => connectTo(writer),
    close() {
      if (!open) return;
      open = false;
      connection.closeSync();
      releaseWriter(path, writer);
    },
  };
}

async function attachWriter(path: string): Promise<Writer> {
  const { DuckDBInstance } = await loadDuckDb();
  const instance = await DuckDBInstance.create(MEMORY_PATH);
  try {
    const con = await instance.connect();
    try {
      await con.run(`ATTACH ':memory:' AS ${WRITER_HOST}`);
      await con.run(`USE ${WRITER_HOST}`);
      await con.run("DETACH memory");
      await con.run(
        `ATTACH ${quoteLiteral(path)} (ROW_GROUP_SIZE ${WRITE_ROW_GROUP_SIZE})`,
      );
      const reader = await con.runAndReadAll(
        "SELECT database_name FROM duckdb_databases() " +
          "WHERE NOT internal AND database_name <> current_database()",
      );
      const catalog = String(reader.getRows()[0][0]);
      const host = String((await con.runAndReadAll("SELECT current_database()")).getRows()[0][0]);
      await con.run(`USE ${quoteIdent(catalog)}`);
      // Without the in-memory database a dataset may be called "memory" like it.
      await con.run(`DETACH ${quoteIdent(host)}`);
      return { instance, catalog, handles: 0 };
    } finally {
      con.closeSync();
    }
  } catch (err) {
    instance.closeSync();
    throw openError(path, err);
  }
}

async function connectTo(writer: Writer): Promise<DuckDBConnection> {
  const connection = await writer.instance.connect();
  try {
    await connection.run(`USE ${quoteIdent(writer.catalog)}`);
  } catch (err) {
    connection.closeSync();
    throw err;
  }
  return connection;
}

/** The last handle of a file releases it: DuckDB checkpoints and unlocks it. */
function releaseWriter(path: string, writer: Writer): void {
  if (--writer.handles > 0) return;
  writers.delete(path);
  writer.instance.closeSync();
}

/**
 * Opens the database file `path` for reading: read-only, or, when this process already has
 * it open for writing (DuckDB allows one configuration per file and process), that shared
 * database. Callers must read in `READ ONLY` transactions, which hold in both cases.
 *
 * @throws {UserError} as {@linkcode openDuckDbHandle}
 */
export async function openReadHandle(path: string): Promise<DuckDbHandle> {
  try {
    return await openDuckDbHandle(path, { readOnly: path !== MEMORY_PATH });
  } catch (err) {
    if (!(err instanceof SameFileConflict)) throw err;
    return await openDuckDbHandle(path);
  }
}

/**
 * Opens the database file `path` for untrusted read-only SQL: read-only, with external access
 * disabled from the start (the file itself and its WAL stay readable; DuckDB allows them),
 * then sealed by {@linkcode sealConnection} (UTC, settings locked). Readers in one process
 * share the database through DuckDB's instance cache, so the file lock stays held until the
 * last one closes.
 *
 * @throws {UserError} as {@linkcode openDuckDbHandle}, and when this process has the file open
 *   for loading or for plain reading (DuckDB allows one configuration per file and process)
 */
export async function openSealedReadHandle(path: string): Promise<DuckDbHandle> {
  let handle: DuckDbHandle;
  try {
    handle = await openDuckDbHandle(path, { readOnly: true, sealed: true });
  } catch (err) {
    if (!(err instanceof SameFileConflict)) throw err;
    throw new UserError(
      `The DuckDB database ${path} is open in this process for loading; query it once the ` +
        "load is done",
      { cause: err },
    );
  }
  try {
    await sealConnection(handle.connection);
  } catch (err) {
    handle.close();
    throw openError(path, err);
  }
  return handle;
}

/**
 * The file is already open in this process with other settings (read-write while a read-only
 * open was asked for, or the other way round); DuckDB refuses a second instance then.
 */
export class SameFileConflict extends InternalError {
  constructor(path: string, options?: ErrorOptions) {
    super(
      `The DuckDB database ${path} is already open in this process with other settings`,
      options,
    );
    this.name = "SameFileConflict";
  }
}

function openError(path: string, err: unknown): UserError {
  const message = firstLine(err);
  if (/could not set lock|conflicting lock/i.test(message)) {
    return new UserError(
      `The DuckDB database ${path} is in use by another process (${message}). ` +
        "Close the other program using it (a DuckDB shell, a notebook, another dltx run) " +
        "and try again.",
      { cause: err },
    );
  }
  return new UserError(`Cannot open the DuckDB database ${path}: ${message}`, { cause: err });
}
