/**
 * Running a user's query read-only: exactly one statement of a reading kind, inside a
 * `READ ONLY` transaction that is rolled back.
 *
 * @module
 */

import { type DuckDBConnection, StatementType } from "@duckdb/node-api";
import { UserError } from "../../core/errors.ts";
import { firstLine, plainRows } from "./_duckdb.ts";

/**
 * Statement kinds a query may be; `SHOW`, `DESCRIBE`, `SUMMARIZE` parse as SELECT. `COPY`,
 * `ATTACH`, `SET`, `INSTALL`, ... would write files or change the session, and are refused.
 */
const READING: ReadonlySet<StatementType> = new Set([
  StatementType.SELECT,
  StatementType.EXPLAIN,
  StatementType.CALL,
]);

/**
 * Runs `sql`, which must be one reading statement, and returns its rows as plain objects.
 *
 * @param where the dataset's location, for messages (`file:///data/lake`)
 * @throws {UserError} when `sql` is not one statement, writes, or DuckDB rejects it
 */
export async function runReadOnly(
  con: DuckDBConnection,
  sql: string,
  where: string,
): Promise<Record<string, unknown>[]> {
  let statement;
  try {
    const statements = await con.extractStatements(sql);
    if (statements.count !== 1) {
      throw new UserError(
        `A query must be exactly one SQL statement; got ${statements.count} in "${brief(sql)}"`,
      );
    }
    statement = await statements.prepare(0);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`Query failed on ${where}: ${firstLine(err)}`, { cause: err });
  }
  try {
    if (!READING.has(statement.statementType)) {
      const kind = sql.trim().match(/^[A-Za-z]+/)?.[0].toUpperCase() ?? "this statement";
      throw new UserError(
        `Queries on ${where} are read-only: ${kind} is not allowed. ` +
          "Use SELECT (or DESCRIBE, SHOW, EXPLAIN) to read the data.",
      );
    }
    await con.run("BEGIN TRANSACTION READ ONLY");
    try {
      return plainRows(await statement.runAndReadAll());
    } catch (err) {
      throw new UserError(`Query failed on ${where}: ${firstLine(err)}`, { cause: err });
    } finally {
      await con.run("ROLLBACK").catch(() => {});
    }
  } finally {
    statement.destroySync();
  }
}

function brief(sql: string): string {
  const line = sql.replace(/\s+/g, " ").trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
