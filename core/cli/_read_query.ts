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

/**
 * A query naming a table without its dataset fails in DuckDB's words; say where the
 * pipeline's tables are, since a read-only query cannot change the default schema.
 */
export function withDatasetHint(err: unknown, dataset: string): unknown {
  if (!(err instanceof UserError)) return err;
  // DuckDB's words, then PostgreSQL's.
  const missing = err.message.match(/Table with name (\S+) does not exist/) ??
    err.message.match(/relation "([^"]+)" does not exist/);
  // A dotted name has its dataset; a path ('/etc/passwd') is a file, which no dataset holds.
  if (!missing || /[./\\]/.test(missing[1])) return err;
  const end = /[.!?]$/.test(err.message) ? " " : ". ";
  return new UserError(
    `${err.message}${end}The pipeline's tables are in dataset ${dataset}: ` +
      `write ${dataset}.${missing[1]}`,
    { cause: err },
  );
}
