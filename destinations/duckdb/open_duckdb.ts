/**
 * A small read helper over a DuckDB database, for tests and the CLI's `query` command.
 *
 * @module
 */

import { resolve } from "node:path";
import { UserError } from "../../core/errors.ts";
import { MEMORY_PATH, openDuckDbHandle, openSealedReadHandle } from "./_connect.ts";
import { firstLine, plainRows } from "./results.ts";
import { runReadOnly } from "./read_only.ts";

/** Values a query's `$1`-style parameters take. */
export type QueryParam = string | number | boolean | bigint | null;

/** An open DuckDB database to run SQL on. */
export interface DuckDbReader {
  /**
   * Runs `sql` (with `$1`-style `params`) and returns all rows as plain objects: BIGINTs as
   * numbers when they fit exactly, timestamps as `Date`s, JSON as strings.
   *
   * @throws {UserError} when DuckDB rejects the query, or (opened read-only) it is not one
   *   reading statement
   */
  query(
    sql: string,
    params?: QueryParam[],
  ): Promise<Record<string, unknown>[]>;
  /** Releases the database file. */
  close(): void;
}

/** Options of {@linkcode openDuckDb}. */
export interface OpenDuckDbOptions {
  /**
   * Open the file with DuckDB's read-only access mode, so other processes may read it too,
   * with external access disabled and settings locked, and run every query as one reading
   * statement in a `READ ONLY` transaction: anything else fails with a "read-only"
   * `UserError`, and no query reads another file.
   *
   * @default {false}
   */
  readOnly?: boolean;
}

/**
 * Opens the DuckDB database at `path`. Within one process it shares the database with a
 * `DuckDbDestination` that has it open (read-only queries then still cannot write).
 *
 * @param path a database file (it must exist) or `:memory:`
 * @throws {UserError} when the file does not exist or cannot be opened
 * @example Usage
 * ```ts
 * import { openDuckDb } from "./open_duckdb.ts";
 * const db = await openDuckDb(":memory:");
 * const rows = await db.query("SELECT 42 AS answer");
 * db.close();
 * if (rows[0].answer !== 42) throw new Error("unexpected");
 * ```
 */
export async function openDuckDb(
  path: string,
  options: OpenDuckDbOptions = {},
): Promise<DuckDbReader> {
  const abs = path === MEMORY_PATH ? path : resolve(path);
  if (abs !== MEMORY_PATH) {
    const stat = await Deno.stat(abs).catch(() => undefined);
    if (!stat?.isFile) throw new UserError(`There is no DuckDB database at ${abs}`);
  }
  if (options.readOnly) return await openReadOnly(abs);
  const handle = await openDuckDbHandle(abs);
  return {
    async query(sql, params) {
      try {
        return plainRows(await handle.connection.runAndReadAll(sql, params));
      } catch (err) {
        throw new UserError(`Query failed on ${abs}: ${firstLine(err)}`, { cause: err });
      }
    },
    close: () => handle.close(),
  };
}

async function openReadOnly(abs: string): Promise<DuckDbReader> {
  const handle = await openSealedReadHandle(abs);
  return {
    async query(sql, params) {
      // A connection per query: each runs in its own READ ONLY transaction, so queries may
      // run concurrently.
      const con = await handle.connect();
      try {
        return await runReadOnly(con, sql, { where: abs, params });
      } finally {
        con.closeSync();
      }
    },
    close: () => handle.close(),
  };
}
