/**
 * A small read helper over a DuckDB database, for tests and the CLI's `query` command.
 *
 * @module
 */

import { resolve } from "node:path";
import { UserError } from "../../core/errors.ts";
import { firstLine, MEMORY_PATH, openDuckDbHandle, plainRows } from "./_connect.ts";

/** An open DuckDB database to run SQL on. */
export interface DuckDbReader {
  /**
   * Runs `sql` (with `$1`-style `params`) and returns all rows as plain objects: BIGINTs as
   * numbers when they fit exactly, timestamps as `Date`s, JSON as strings.
   *
   * @throws {UserError} when DuckDB rejects the query
   */
  query(
    sql: string,
    params?: (string | number | boolean | bigint | null)[],
  ): Promise<Record<string, unknown>[]>;
  /** Releases the database file. */
  close(): void;
}

/**
 * Opens the DuckDB database at `path`. Within one process it shares the database with a
 * `DuckDbDestination` that has it open.
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
export async function openDuckDb(path: string): Promise<DuckDbReader> {
  const abs = path === MEMORY_PATH ? path : resolve(path);
  if (abs !== MEMORY_PATH) {
    const stat = await Deno.stat(abs).catch(() => undefined);
    if (!stat?.isFile) throw new UserError(`There is no DuckDB database at ${abs}`);
  }
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
