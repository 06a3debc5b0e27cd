/**
 * Read-only queries: one statement of a reading kind, run inside a `READ ONLY` transaction
 * that is always rolled back, so a query can never change the database even on a connection
 * that could write.
 *
 * @module
 */

import { type DuckDBConnection, StatementType } from "@duckdb/node-api";
import { UserError } from "../../core/errors.ts";
import { firstLine, plainRows } from "./results.ts";
import type { QueryParam } from "./open_duckdb.ts";

/**
 * Statement kinds a read-only query may be. `SHOW`, `DESCRIBE`, `SUMMARIZE` and table-valued
 * `PRAGMA`s (`PRAGMA table_info('t')`) parse as SELECT. Everything else (COPY ... TO, ATTACH,
 * SET, other PRAGMAs, INSTALL, ...) changes the database, the settings or files, and is
 * refused before it runs.
 */
const READING = new Set<StatementType>([
  StatementType.SELECT,
  StatementType.EXPLAIN,
  StatementType.CALL,
]);

/**
 * Runs exactly one reading statement on `con` and returns its rows as plain objects.
 *
 * @param where the database, for error messages (`duckdb:/abs/x.duckdb`)
 * @throws {UserError} when `sql` is not one statement, is a writing one ("read-only"), or
 *   DuckDB rejects it
 */
export async function runReadOnly(
  con: DuckDBConnection,
  sql: string,
  options: { where: string; params?: QueryParam[] },
): Promise<Record<string, unknown>[]> {
  const { where, params } = options;
  let statement;
  try {
    const statements = await con.extractStatements(sql);
    if (statements.count !== 1) {
      throw new UserError(
        `A query must be exactly one SQL statement; got ${statements.count} in "${short(sql)}"`,
      );
    }
    statement = await statements.prepare(0);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`Query failed on ${where}: ${firstLine(err)}`, { cause: err });
  }
  if (!READING.has(statement.statementType)) {
    statement.destroySync();
    // The statement type enum of the bindings does not name every kind; the SQL's first word does.
    throw readOnlyError(where, firstWord(sql));
  }
  try {
    if (params?.length) statement.bind(params);
    // The transaction catches what the statement kind cannot tell, e.g. EXPLAIN ANALYZE DELETE.
    await con.run("BEGIN TRANSACTION READ ONLY");
    try {
      return plainRows(await statement.runAndReadAll());
    } finally {
      await con.run("ROLLBACK").catch(() => {});
    }
  } catch (err) {
    if (/read-only mode/i.test(firstLine(err))) throw readOnlyError(where, firstWord(sql), err);
    throw new UserError(`Query failed on ${where}: ${firstLine(err)}`, { cause: err });
  } finally {
    statement.destroySync();
  }
}

function readOnlyError(where: string, kind: string, cause?: unknown): UserError {
  return new UserError(
    `Queries on ${where} are read-only: ${kind} is not allowed. ` +
      "Use SELECT (or DESCRIBE, SHOW, EXPLAIN) to read the data.",
    { cause },
  );
}

function short(sql: string): string {
  const oneLine = sql.replace(/\s+/g, " ").trim();
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
}

/** The statement's keyword, for messages (`DELETE`, `INSERT`, ...). */
function firstWord(sql: string): string {
  return sql.trim().match(/^[A-Za-z]+/)?.[0].toUpperCase() ?? "this statement";
}
