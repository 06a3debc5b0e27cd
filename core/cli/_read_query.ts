/**
 * Helpers for the read-only SQL that `dltx query`, the MCP server and the dashboard run on a
 * pipeline's dataset.
 *
 * @module
 */

export { withDatasetHint } from "../pipeline/mod.ts";

/**
 * Wraps a plain query so DuckDB stops after `limit + 1` rows instead of reading a whole table
 * (the extra row tells the caller there were more). Other statements (DESCRIBE, SHOW, EXPLAIN)
 * cannot be wrapped and come back as given, to be cut after reading.
 */
export function limitedSql(sql: string, limit: number): string {
  const body = sql.trim().replace(/;\s*$/, "");
  const wrappable = /^(select|with|from|values|table)\b/i.test(body) && !body.includes(";");
  // The newline keeps a trailing `-- comment` from swallowing the closing parenthesis.
  return wrappable ? `SELECT * FROM (${body}\n) AS q LIMIT ${limit + 1}` : sql;
}
