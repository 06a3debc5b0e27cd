/**
 * Read-only queries on PostgreSQL (`dltx query`, the dashboard, the MCP server): one reading
 * statement, checked by PostgreSQL's parser before anything is sent, then run through the
 * extended protocol (which takes one statement only) in a `READ ONLY` transaction, on a
 * session whose `default_transaction_read_only` is on, and always rolled back.
 *
 * @module
 */

// @ts-types="@types/pg"
import type { QueryConfig } from "pg";
import { UserError } from "../../core/errors.ts";
import { errorText, type PgClient, sqlState } from "./_connect.ts";
import { checkReadOnlySql, readOnlyError } from "./_read_only_sql.ts";

export { ALLOWED_STATEMENTS } from "./_read_only_sql.ts";

/**
 * Runs exactly one reading statement on `client` and returns its rows as plain objects.
 *
 * @param where the database, for messages (the masked location)
 * @throws {UserError} when `sql` is not one reading statement, calls what a read may not, or
 *   PostgreSQL rejects it
 */
export async function runReadOnly(
  client: PgClient,
  sql: string,
  options: { where: string; params?: unknown[] },
): Promise<Record<string, unknown>[]> {
  const { where, params = [] } = options;
  await checkReadOnlySql(sql, where);
  await client.query("SET default_transaction_read_only = on");
  await client.query("BEGIN TRANSACTION READ ONLY");
  try {
    // The extended protocol takes exactly one statement, whatever the parser above saw.
    const config = { text: sql, values: params, queryMode: "extended" } as QueryConfig;
    const result = await client.query(config);
    return result.rows as Record<string, unknown>[];
  } catch (err) {
    throw queryError(where, err);
  } finally {
    await client.query("ROLLBACK").catch(() => {});
  }
}

/** PostgreSQL's error, with a plain word for a write the read-only transaction stopped. */
function queryError(where: string, err: unknown): UserError {
  const state = sqlState(err);
  if (state === "25006") return readOnlyError(where, "this statement would write", err);
  if (state === "42501") {
    return new UserError(
      `Query failed on ${where}: ${errorText(err)} (the user lacks the privilege)`,
      { cause: err },
    );
  }
  return new UserError(`Query failed on ${where}: ${errorText(err)}`, { cause: err });
}
