/**
 * SQL text helpers for DuckDB: quoting and dlt's type mapping.
 *
 * @module
 */

import {
  type Column,
  type DataType,
  DEFAULT_DECIMAL_PRECISION,
  DEFAULT_DECIMAL_SCALE,
} from "../../core/schema/types.ts";
import { quoteIdent, quoteLiteral } from "../../core/sql_quote.ts";
import { maximumObjectSizeArg } from "./read_limits.ts";

export { quoteIdent, quoteLiteral };

/** DuckDB column types for dlt data types, as dlt's duckdb destination maps them. */
export const DUCKDB_TYPES: Readonly<Record<DataType, string>> = {
  text: "VARCHAR",
  bigint: "BIGINT",
  double: "DOUBLE",
  bool: "BOOLEAN",
  timestamp: "TIMESTAMP WITH TIME ZONE",
  date: "DATE",
  json: "JSON",
  decimal: "DECIMAL(38,9)",
};

/**
 * The DuckDB type of a column: {@linkcode DUCKDB_TYPES}, with a `decimal` column's own
 * precision and scale (`DECIMAL(38,0)` for integers past int64), each defaulting as in dlt.
 */
export function duckdbType(column: Column): string {
  if (column.data_type !== "decimal" || (column.precision ?? column.scale) === undefined) {
    return DUCKDB_TYPES[column.data_type];
  }
  const precision = column.precision ?? DEFAULT_DECIMAL_PRECISION;
  return `DECIMAL(${precision},${column.scale ?? DEFAULT_DECIMAL_SCALE})`;
}

/** `"<dataset>"."<table>"` */
export function qualifiedTable(dataset: string, table: string): string {
  return `${quoteIdent(dataset)}.${quoteIdent(table)}`;
}

/** A column definition for CREATE TABLE / ADD COLUMN; NOT NULL only when asked for. */
export function columnDefinition(column: Column, withNotNull: boolean): string {
  const notNull = withNotNull && column.nullable === false ? " NOT NULL" : "";
  return `${quoteIdent(column.name)} ${duckdbType(column)}${notNull}`;
}

/**
 * `INSERT INTO <table> (<columns>) SELECT <columns> FROM read_json([<file>], ...)` for one
 * newline-delimited JSON job file. Every column gets its type from the schema, so DuckDB does
 * no type detection: keys missing in a row become NULL, keys not in the schema are ignored,
 * ISO timestamps with `Z` or offsets parse into TIMESTAMPTZ and JSON columns keep their text.
 * `maximumObjectSize` raises `read_json`'s limit for a file with a record over 16 MiB
 * (`maximumObjectSizeFor()`).
 */
export function insertFromJsonSql(
  dataset: string,
  table: string,
  columns: readonly Column[],
  file: string,
  maximumObjectSize?: number,
): string {
  const names = columns.map((c) => quoteIdent(c.name)).join(", ");
  const types = columns
    .map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(duckdbType(c))}`)
    .join(", ");
  return `INSERT INTO ${qualifiedTable(dataset, table)} (${names}) SELECT ${names} FROM ` +
    `read_json([${quoteLiteral(file)}], format='newline_delimited', records=true, ` +
    `columns={${types}}${maximumObjectSizeArg(maximumObjectSize)})`;
}
