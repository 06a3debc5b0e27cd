/**
 * Read-only queries: one reading statement, checked by DuckDB's parser before anything is
 * prepared, then run inside a `READ ONLY` transaction that is always rolled back. The caller
 * gives a connection that cannot reach other files ({@linkcode sealConnection}), so a query
 * reads the dataset and nothing else.
 *
 * @module
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { loadDuckDb } from "./_module.ts";
import { UserError } from "../../core/errors.ts";
import { firstLine, plainRows } from "./results.ts";
import { quoteLiteral } from "./sql.ts";
import { checkReadOnlySql, readOnlyError } from "./_read_only_sql.ts";
import type { QueryParam } from "./open_duckdb.ts";

export { ALLOWED_STATEMENTS } from "./_read_only_sql.ts";

/**
 * Runs exactly one reading statement on `con` and returns its rows as plain objects.
 *
 * @param where the database, for error messages (`duckdb:/abs/x.duckdb`)
 * @throws {UserError} when `sql` is not one statement, is not a reading one ("read-only"),
 *   reads a file the connection may not open, or DuckDB rejects it
 */
export async function runReadOnly(
  con: DuckDBConnection,
  sql: string,
  options: { where: string; params?: QueryParam[] },
): Promise<Record<string, unknown>[]> {
  const { where, params } = options;
  let checked;
  try {
    checked = await checkReadOnlySql(con, sql, where);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`Query failed on ${where}: ${firstLine(err)}`, { cause: err });
  }
  let statement;
  try {
    statement = await con.prepare(sql);
  } catch (err) {
    throw queryError(where, err);
  }
  try {
    // A second opinion from the planner: what the parser took for a read must plan as one.
    const { StatementType } = await loadDuckDb();
    const expected = checked.explain ? StatementType.EXPLAIN : StatementType.SELECT;
    if (statement.statementType !== expected) {
      throw readOnlyError(where, "only one reading statement may run");
    }
    if (params?.length) statement.bind(params);
    // The transaction catches what the statement kind cannot tell.
    await con.run("BEGIN TRANSACTION READ ONLY");
    try {
      return plainRows(await statement.runAndReadAll());
    } finally {
      await con.run("ROLLBACK").catch(() => {});
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw queryError(where, err);
  } finally {
    statement.destroySync();
  }
}

/**
 * Makes `con`'s database read no other files than those it was opened with (and `allowed`
 * ones), and freezes every setting: `enable_external_access = false` (no other file, no
 * network, no extension install or load), then `lock_configuration = true` (no `SET`,
 * `RESET` or `PRAGMA` can change a setting back or write a profile or log file). The
 * session's time zone becomes UTC first, as the loader's.
 *
 * Both settings hold for the whole database, every connection included, and cannot be undone
 * while it is open: seal only a database opened for queries.
 *
 * @param options.allowedPaths files queries may read besides the database's own (the data
 *   files of views over files)
 * @param options.tempDirectory where DuckDB may spill, instead of `.tmp` in the working folder
 */
export async function sealConnection(
  con: DuckDBConnection,
  options: { allowedPaths?: readonly string[]; tempDirectory?: string } = {},
): Promise<void> {
  if (await isLocked(con)) return;
  try {
    await con.run("SET GLOBAL TimeZone = 'UTC'");
    // Disabling external access allows the temp folder; make it one that holds nothing else.
    if (options.tempDirectory !== undefined) {
      await con.run(`SET temp_directory = ${quoteLiteral(options.tempDirectory)}`);
    }
    if (options.allowedPaths?.length) {
      await con.run(`SET allowed_paths = [${options.allowedPaths.map(quoteLiteral).join(", ")}]`);
    }
    await con.run("SET enable_external_access = false");
    await con.run("SET lock_configuration = true");
  } catch (err) {
    // Another reader of the same shared database sealed it first.
    if (!(await isLocked(con))) throw err;
  }
}

async function isLocked(con: DuckDBConnection): Promise<boolean> {
  const reader = await con.runAndReadAll(
    "SELECT current_setting('lock_configuration') AS locked, " +
      "current_setting('enable_external_access') AS external",
  );
  const row = reader.getRowObjectsJS()[0];
  return row?.locked === true && row?.external === false;
}

/** DuckDB's error, with a plain word for a file the sealed connection may not read. */
function queryError(where: string, err: unknown): UserError {
  const message = firstLine(err);
  if (/Permission Error: .*disabled by configuration/.test(message)) {
    const target = message.match(/Cannot access (file|directory) ("[^"]*")/);
    const what = target ? `${target[1]} ${target[2]}` : "what lies outside the dataset";
    return new UserError(
      `Queries on ${where} read the dataset only: DuckDB may not open ${what} here. ` +
        "Read the pipeline's tables as <dataset>.<table>.",
      { cause: err },
    );
  }
  if (/read-only mode/i.test(message)) {
    return readOnlyError(where, "this statement would write", err);
  }
  return new UserError(`Query failed on ${where}: ${message}`, { cause: err });
}
