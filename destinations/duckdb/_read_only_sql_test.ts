import { deepStrictEqual, match, ok, rejects } from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { UserError } from "../../core/errors.ts";
import { checkReadOnlySql } from "./_read_only_sql.ts";

async function withConnection(
  fn: (check: (sql: string) => Promise<{ explain: boolean }>) => Promise<void>,
) {
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    await fn((sql) => checkReadOnlySql(con, sql, "db"));
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

Deno.test("checkReadOnlySql() takes one reading statement of every kind", async () => {
  await withConnection(async (check) => {
    for (
      const sql of [
        "SELECT 1",
        "select * from ds.t where x = 1;",
        "  SELECT 1 ;  ",
        "WITH a AS (SELECT 1) SELECT * FROM a",
        "VALUES (1), (2)",
        "FROM ds.t",
        "FROM ds.t SELECT a",
        "TABLE ds.t",
        "(SELECT 1) UNION ALL (SELECT 2)",
        "DESCRIBE ds.t",
        "DESCRIBE SELECT 1",
        "SHOW TABLES",
        "SHOW ALL TABLES",
        "SUMMARIZE ds.t",
        "SELECT * FROM range(3), generate_series(1, 2)",
        "SELECT * FROM duckdb_tables() JOIN duckdb_columns() USING (table_name)",
        "SELECT * FROM pragma_table_info('ds.t')",
        "SELECT * FROM read_text('x')", // files: the connection's settings decide
        "SELECT 1 -- a comment; DELETE FROM t",
        "SELECT 1 /* ; DELETE FROM t */",
        "SELECT 1 /* nested /* comment */ ; DELETE FROM t */",
        "SELECT ';DELETE FROM t'",
        "SELECT $$;DELETE FROM t$$",
        "SELECT 1; -- trailing comment",
        "SELECT $1",
      ]
    ) {
      deepStrictEqual(await check(sql), { explain: false }, sql);
    }
    for (const sql of ["EXPLAIN SELECT 1", "explain analyze SELECT * FROM range(3)"]) {
      deepStrictEqual(await check(sql), { explain: true }, sql);
    }
  });
});

Deno.test("checkReadOnlySql() refuses every other statement, however it is hidden", async () => {
  await withConnection(async (check) => {
    const refused: [string, RegExp][] = [
      ["DELETE FROM t", /read-only: DELETE is not allowed/],
      ["INSERT INTO t VALUES (1)", /INSERT is not allowed/],
      ["INSERT INTO t SELECT 1 RETURNING *", /INSERT is not allowed/],
      ["UPDATE t SET a = 1", /UPDATE is not allowed/],
      ["CREATE TEMP TABLE x AS SELECT 1", /CREATE is not allowed/],
      ["CREATE MACRO m() AS 1", /CREATE is not allowed/],
      ["COPY t TO 'x.csv'", /COPY is not allowed/],
      ["COPY (SELECT 1) TO 'x.csv'", /COPY is not allowed/],
      ["EXPORT DATABASE 'dir'", /EXPORT is not allowed/],
      ["ATTACH 'x.duckdb' AS x", /ATTACH is not allowed/],
      ["DETACH x", /DETACH is not allowed/],
      ["USE x", /USE is not allowed/],
      ["INSTALL httpfs", /INSTALL is not allowed/],
      ["LOAD httpfs", /LOAD is not allowed/],
      ["SET threads = 1", /SET is not allowed/],
      ["RESET threads", /RESET is not allowed/],
      ["PRAGMA enable_profiling", /PRAGMA is not allowed/],
      ["PRAGMA table_info('t')", /PRAGMA is not allowed/],
      ["CALL pragma_version()", /CALL is not allowed/],
      ["CHECKPOINT", /CHECKPOINT is not allowed/],
      ["FORCE CHECKPOINT", /FORCE is not allowed/],
      ["VACUUM", /VACUUM is not allowed/],
      ["BEGIN", /BEGIN is not allowed/],
      ["PREPARE p AS SELECT 1", /PREPARE is not allowed/],
      ["EXPLAIN DELETE FROM t", /EXPLAIN of DELETE is not allowed/],
      ["EXPLAIN ANALYZE COPY t TO 'x.csv'", /EXPLAIN of COPY is not allowed/],
      ["/* SELECT */ DELETE FROM t", /DELETE is not allowed/],
      ["-- SELECT\nDELETE FROM t", /DELETE is not allowed/],
      ["SELECT 1; DELETE FROM t", /is one reading statement, and "SELECT 1; DELETE FROM t"/],
      ["SELECT ';' ; COPY t TO 'x.csv'", /is one reading statement/],
      ["SELECT 1 /* */ ; ATTACH 'x' AS y", /is one reading statement/],
      ["SELECT 1 -- \n; COPY t TO 'x.csv'", /is one reading statement/],
      ["SELECT 1; SELECT 2", /exactly one SQL statement; got 2/],
      ["EXPLAIN SELECT 1; SELECT 2", /exactly one SQL statement; got 2/],
      ["/* c */ EXPLAIN SELECT 1", /EXPLAIN must be the first word/],
      ["SELECT * FROM enable_logging(storage := 'stdout')", /table function enable_logging/],
      ["SELECT * FROM main.Enable_Logging()", /table function enable_logging/],
      ["SELECT * FROM checkpoint()", /table function checkpoint/],
      ["SELECT * FROM force_checkpoint()", /table function force_checkpoint/],
      ["SELECT * FROM query('DELETE FROM t')", /table function query is not allowed/],
      ["SELECT * FROM query_table('t')", /table function query_table/],
      ["SELECT * FROM arrow_scan(1, 2, 3)", /table function arrow_scan/],
      ["DESCRIBE SELECT * FROM arrow_scan(1, 2, 3)", /table function arrow_scan/],
      ["SELECT (SELECT 1 FROM enable_profiling())", /table function enable_profiling/],
      ["WITH a AS (SELECT * FROM truncate_duckdb_logs()) SELECT 1", /truncate_duckdb_logs/],
      ["SELEC nonsense", /Query failed on db: Parser Error: syntax error/],
      ["WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", /Parser Error/],
      ["", /The query is empty/],
      [" ; ", /The query is empty/],
    ];
    for (const [sql, message] of refused) {
      await rejects(check(sql), (err: Error) => {
        ok(err instanceof UserError, `${sql}: ${err}`);
        match(err.message, message, sql);
        return true;
      }, sql);
    }
  });
});

Deno.test("checkReadOnlySql() names what is allowed", async () => {
  await withConnection(async (check) => {
    await rejects(
      check("COPY t TO 'x'"),
      /^UserError: Queries on db are read-only: COPY is not allowed\. Use SELECT \(or WITH, VALUES, FROM, TABLE, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN\) to read the data\.$/,
    );
  });
});
