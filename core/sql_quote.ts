/**
 * SQL quoting shared by every destination and by the read paths (dataset, MCP): standard SQL
 * double-quoted identifiers and single-quoted string literals, which DuckDB and PostgreSQL
 * (with `standard_conforming_strings` on, its default) read the same way.
 *
 * @module
 */

/** Quotes an identifier (`my "table"` -> `"my ""table"""`). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes a string literal (`it's` -> `'it''s'`). Backslashes stay plain characters: no
 * destination here reads escape strings.
 */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
