/**
 * Reading DuckDB results and errors: plain row objects and the useful line of an error.
 * Shared by every destination that runs DuckDB.
 *
 * @module
 */

import type { DuckDBResultReader } from "@duckdb/node-api";

/**
 * The first line of a DuckDB error message: the error itself, without the SQL excerpt and
 * the "Try setting auto_detect" advice that follow it.
 */
export function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n", 1)[0].trim();
}

/**
 * All rows of a result as plain objects: BIGINTs become numbers when they fit exactly (else
 * they stay `bigint`), timestamps become `Date`s, decimals numbers, JSON strings.
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
