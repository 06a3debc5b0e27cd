/**
 * The in-memory DuckDB the filesystem destination writes and reads files with, and turning
 * its errors and values into dltx's.
 *
 * @module
 */

import { type DuckDBConnection, DuckDBInstance, type DuckDBResultReader } from "@duckdb/node-api";
import { UserError } from "../../core/errors.ts";

/** An in-memory database and one connection to it. */
export interface MemoryDuckDb {
  connection: DuckDBConnection;
  close(): void;
}

/**
 * Opens an in-memory DuckDB whose session time zone is UTC: timestamps without an offset are
 * UTC, as dlt reads them, and timestamps are written with offset `+00:00`.
 *
 * @param options.threads DuckDB's worker threads (default: one per core)
 * @throws {UserError} when DuckDB cannot start
 */
export async function openMemoryDuckDb(options: { threads?: number } = {}): Promise<MemoryDuckDb> {
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(":memory:");
  } catch (err) {
    throw new UserError(`Cannot start DuckDB: ${firstLine(err)}`, { cause: err });
  }
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  if (options.threads !== undefined) await connection.run(`SET threads = ${options.threads}`);
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** The first line of a DuckDB error message, without the SQL excerpt that follows it. */
export function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n", 1)[0].trim();
}

/**
 * All rows as plain objects: BIGINTs become numbers when they fit exactly (else they stay
 * `bigint`), timestamps `Date`s, JSON strings.
 */
export function plainRows(reader: DuckDBResultReader): Record<string, unknown>[] {
  const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
  for (const row of rows) {
    for (const key in row) row[key] = plainValue(row[key]);
  }
  return rows;
}

function plainValue(value: unknown): unknown {
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  }
  if (Array.isArray(value)) return value.map(plainValue);
  if (
    value !== null && typeof value === "object" && !(value instanceof Date) &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const obj = value as Record<string, unknown>;
    for (const key in obj) obj[key] = plainValue(obj[key]);
  }
  return value;
}
