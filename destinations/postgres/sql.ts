/**
 * SQL text helpers for PostgreSQL: quoting and dlt's type mapping (`PostgresTypeMapper`).
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

export { quoteIdent, quoteLiteral };

/** PostgreSQL column types for dlt data types, as dlt's postgres destination maps them. */
export const POSTGRES_TYPES: Readonly<Record<DataType, string>> = {
  text: "varchar",
  bigint: "bigint",
  double: "double precision",
  bool: "boolean",
  timestamp: "timestamp with time zone",
  date: "date",
  json: "jsonb",
  decimal: `numeric(${DEFAULT_DECIMAL_PRECISION},${DEFAULT_DECIMAL_SCALE})`,
};

/**
 * The PostgreSQL type of a column: {@linkcode POSTGRES_TYPES}, with a `decimal` column's own
 * precision and scale (`numeric(38,0)` for integers past int64), each defaulting as in dlt.
 *
 * @example Usage
 * ```ts
 * import { postgresType } from "./sql.ts";
 * const type = postgresType({ name: "id", data_type: "decimal", nullable: true, precision: 38, scale: 0 });
 * if (type !== "numeric(38,0)") throw new Error(type);
 * ```
 */
export function postgresType(column: Column): string {
  if (column.data_type !== "decimal" || (column.precision ?? column.scale) === undefined) {
    return POSTGRES_TYPES[column.data_type];
  }
  const precision = column.precision ?? DEFAULT_DECIMAL_PRECISION;
  return `numeric(${precision},${column.scale ?? DEFAULT_DECIMAL_SCALE})`;
}

/** `"<dataset>"."<table>"` */
export function qualifiedTable(dataset: string, table: string): string {
  return `${quoteIdent(dataset)}.${quoteIdent(table)}`;
}

/**
 * A column definition for CREATE TABLE / ADD COLUMN: NOT NULL only when asked for, and
 * UNIQUE on `unique` columns when `unique` is set (dlt's `create_indexes`).
 */
export function columnDefinition(
  column: Column,
  options: { notNull: boolean; unique?: boolean },
): string {
  const notNull = options.notNull && column.nullable === false ? " NOT NULL" : "";
  const unique = options.unique && column.unique ? " UNIQUE" : "";
  return `${quoteIdent(column.name)} ${postgresType(column)}${unique}${notNull}`;
}
