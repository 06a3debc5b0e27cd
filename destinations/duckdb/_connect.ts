/**
 * Opening DuckDB databases and turning DuckDB's errors and values into dltx's.
 *
 * @module
 */

import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { firstLine } from "./results.ts";
import { InternalError, UserError } from "../../core/errors.ts";
import { sealConnection } from "./read_only.ts";
import { loadDuckDb } from "./_module.ts";

/** The path DuckDB uses for a database that lives in memory only. */
export const MEMORY_PATH = ":memory:";

/** An open database and one connection to it. */
export interface DuckDbHandle {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  /** Disconnects and releases this handle's hold on the database file. */
  close(): void;
}

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
 * File databases go through DuckDB's instance cache: opening a file twice in one process
 * shares one database instead of two writers corrupting the file, and the file is released
 * when the last handle closes.
 *
 * @throws {UserError} when another process holds the file, or it is not a DuckDB database
 * @throws {SameFileConflict} (read-only) when this process has the file open for writing
 */
export async function openDuckDbHandle(
  path: string,
  options: OpenHandleOptions = {},
): Promise<DuckDbHandle> {
  const { DuckDBInstance } = await loadDuckDb();
  let instance: DuckDBInstance;
  try {
    if (path === MEMORY_PATH) instance = await DuckDBInstance.create(MEMORY_PATH);
    else if (options.readOnly) {
      instance = await DuckDBInstance.fromCache(path, {
        access_mode: "READ_ONLY",
        ...(options.sealed ? { enable_external_access: "false" } : {}),
      });
    } else instance = await DuckDBInstance.fromCache(path);
  } catch (err) {
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
  return {
    instance,
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
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
