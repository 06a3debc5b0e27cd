import { equal, match, ok } from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { ConfigError, InternalError, UserError } from "../../core/errors.ts";
import { duckDbError, duckDbErrorType, duckDbJobError } from "./errors.ts";

/** What DuckDB throws for `sql` (run after `setup`) on a fresh in-memory database. */
async function failureOf(setup: string, sql: string): Promise<Error> {
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    if (setup) await con.run(setup);
    await con.run(sql);
  } catch (err) {
    return err as Error;
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  throw new Error(`no failure from ${sql}`);
}

const WHAT = "Cannot load package 1.1 into duckdb:/x.duckdb";

Deno.test("duckDbError() makes failures the user causes UserErrors that say what to do", async () => {
  const cases: [string, string, string, RegExp][] = [
    [
      "CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1)",
      "INSERT INTO t VALUES (1)",
      "Constraint",
      /constraint of a table in the dataset/,
    ],
    ["", "COPY (SELECT 1) TO '/nonexistent-dir/x/y.csv'", "IO", /folder exists and is writable/],
    ["", "SELECT * FROM t_dropped_outside", "Catalog", /differ from the pipeline's schema/],
    [
      "CREATE TABLE t (id INT); CREATE SEQUENCE s",
      "CREATE TABLE t (id INT)",
      "Catalog",
      /dltx pipeline <name> drop/,
    ],
    [
      "SET memory_limit = '1MB'",
      "SELECT count(*) FROM (SELECT range::VARCHAR || repeat('x', 40) AS s FROM range(3000000) " +
      "ORDER BY s)",
      "Out of Memory",
      /ran out of memory/,
    ],
  ];
  for (const [setup, sql, type, hint] of cases) {
    const failure = await failureOf(setup, sql);
    equal(duckDbErrorType(failure), type, failure.message);
    const err = duckDbError(failure, WHAT);
    ok(err instanceof UserError, `${sql}: ${err}`);
    ok(err.message.startsWith(`${WHAT}: ${type} Error: `), err.message);
    ok(hint.test(err.message), err.message);
    equal(err.cause, failure);
  }
});

Deno.test("duckDbError() makes dltx's own failures InternalErrors that keep the cause", async () => {
  for (
    const sql of [
      "SELEC 1", // Parser
      "SELECT no_such_column FROM (SELECT 1 AS a)", // Binder
      "SELECT CAST('x' AS INTEGER)", // Conversion
    ]
  ) {
    const failure = await failureOf("", sql);
    const err = duckDbError(failure, WHAT);
    ok(err instanceof InternalError, `${sql}: ${err}`);
    ok(!(err instanceof UserError));
    equal(err.message, `${WHAT}: ${failure.message.split("\n")[0].trim()}`);
    equal(err.cause, failure);
  }
  // Not DuckDB's at all: a bug in dltx's own code.
  const bug = duckDbError(new TypeError("x.map is not a function"), WHAT);
  ok(bug instanceof InternalError);
  equal(duckDbErrorType(new TypeError("x.map is not a function")), undefined);
});

Deno.test("duckDbError() passes dltx's own errors through and reads wrapped ones", async () => {
  const config = new ConfigError("bad setting");
  equal(duckDbError(config, WHAT), config);
  const io = await failureOf("", "COPY (SELECT 1) TO '/nonexistent-dir/x/y.csv'");
  equal(duckDbErrorType(new Error("wrapped", { cause: io })), "IO");
  // A full disk, whatever type DuckDB gives it.
  const full = new Error(
    'TransactionContext Error: Failed to commit: could not write "x.wal": ' +
      "No space left on device",
  );
  const err = duckDbError(full, WHAT);
  ok(err instanceof UserError);
  match(err.message, /No space left on device; the disk of the database file is full/);
});

Deno.test("duckDbJobError() makes a value that does not fit its column the user's to fix", async () => {
  const what = 'Cannot load table "t" from /p/t.1.jsonl';
  const conversion = await failureOf("", "SELECT CAST('x' AS INTEGER)");
  const err = duckDbJobError(conversion, what);
  ok(err instanceof UserError, String(err));
  match(
    err.message,
    /^Cannot load table "t" from \/p\/t\.1\.jsonl: Conversion Error: .*; a value of the job file does not fit its column/,
  );
  // A constraint keeps its own hint; SQL dltx got wrong is still a bug.
  const constraint = await failureOf(
    "CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1)",
    "INSERT INTO t VALUES (1)",
  );
  match(duckDbJobError(constraint, what).message, /breaks a constraint/);
  ok(duckDbJobError(await failureOf("", "SELEC 1"), what) instanceof InternalError);
});
