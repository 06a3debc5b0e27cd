import { deepStrictEqual, equal, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../../core/errors.ts";
import { DuckDbDestination } from "./duckdb_destination.ts";
import { openDuckDb } from "./open_duckdb.ts";
import { openSealedReadHandle } from "./_connect.ts";
import { col, deps, type Env, schemaOf, SYS, tableOf, withEnv } from "./_testing.ts";

/** Statements a read-only query refuses, each with what its message says. */
function refusals(dir: string): [string, RegExp][] {
  return [
    ["INSERT INTO demo_dataset.users VALUES (2, 'x', 'y')", /read-only: INSERT is not allowed/],
    ["DELETE FROM demo_dataset.users", /read-only: DELETE is not allowed/],
    ["UPDATE demo_dataset.users SET id = 3", /read-only: UPDATE is not allowed/],
    ["DROP TABLE demo_dataset.users", /read-only: DROP is not allowed/],
    ["CREATE TABLE demo_dataset.t (a INT)", /read-only: CREATE is not allowed/],
    [`COPY demo_dataset.users TO '${dir}/copied.csv'`, /read-only: COPY is not allowed/],
    [`EXPORT DATABASE '${dir}/exported'`, /read-only: EXPORT is not allowed/],
    [`ATTACH '${dir}/attached.duckdb' AS m`, /read-only: ATTACH is not allowed/],
    ["SET threads = 4", /read-only: SET is not allowed/],
    ["PRAGMA enable_profiling", /read-only: PRAGMA is not allowed/],
    ["CHECKPOINT", /read-only: CHECKPOINT is not allowed/],
    ["EXPLAIN ANALYZE DELETE FROM demo_dataset.users", /read-only/],
    ["SELECT * FROM checkpoint()", /table function checkpoint is not allowed/],
    [`SELECT * FROM read_text('${dir}/secret.txt')`, /read the dataset only: .*secret\.txt/],
  ];
}

async function loadUsers(env: Env): Promise<void> {
  const destination = new DuckDbDestination({ path: env.dbPath, deps });
  try {
    await destination.load(env.request(
      "1.1",
      schemaOf(
        "h1",
        tableOf("users", [
          col("id", "bigint"),
          ...SYS,
        ]),
      ),
      [await env.job("users", [{ id: 1, _dlt_load_id: "1.1", _dlt_id: "a" }])],
    ));
  } finally {
    await destination.close();
  }
}

/** Every refusal fails with its message and leaves nothing behind. */
async function assertRefused(
  env: Env,
  query: (sql: string) => Promise<unknown>,
  count: () => Promise<unknown>,
  options: { sealed: boolean } = { sealed: true },
): Promise<void> {
  await Deno.writeTextFile(join(env.dir, "secret.txt"), "TOP-SECRET");
  for (const [sql, message] of refusals(env.dir)) {
    // Unsealed (a destination in the middle of loading) reads files; the statement checks hold.
    if (!options.sealed && sql.includes("read_text")) continue;
    await rejects(query(sql), (err: Error) => {
      ok(err instanceof UserError, `${sql}: ${err}`);
      match(err.message, message, sql);
      ok(!err.message.includes("TOP-SECRET"));
      return true;
    });
  }
  equal(await count(), 1);
  for (const name of ["copied.csv", "exported", "attached.duckdb"]) {
    await rejects(Deno.stat(join(env.dir, name)), Deno.errors.NotFound, name);
  }
}

Deno.test("DuckDbDestination.query() refuses every writing statement", async () => {
  await withEnv(async (env) => {
    await loadUsers(env);
    const destination = new DuckDbDestination({ path: env.dbPath });
    try {
      const count = async () =>
        (await destination.query("SELECT count(*) AS n FROM demo_dataset.users"))[0].n;
      await assertRefused(env, (sql) => destination.query(sql), count);
      deepStrictEqual(
        (await destination.query("DESCRIBE demo_dataset.users")).map((r) => r.column_name),
        ["id", "_dlt_load_id", "_dlt_id"],
      );
      deepStrictEqual(await destination.query("SELECT $1 AS p", ["x"]), [{ p: "x" }]);
      await rejects(
        destination.query("SELECT 1; SELECT 2"),
        /A query must be exactly one SQL statement; got 2/,
      );
      await rejects(destination.query("SELECT * FROM nowhere"), /Query failed on duckdb:.*Catalog/);
    } finally {
      await destination.close();
    }
    await rejects(Deno.stat(`${env.dbPath}.wal`), Deno.errors.NotFound);
  });
});

Deno.test("DuckDbDestination.query() after a load reads committed data read-only", async () => {
  await withEnv(async (env) => {
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      const users = tableOf("users", [col("id", "bigint"), ...SYS]);
      await destination.load(env.request("1.1", schemaOf("h1", users), [
        await env.job("users", [{ id: 1, _dlt_load_id: "1.1", _dlt_id: "a" }]),
      ]));
      const count = async () =>
        (await destination.query("SELECT count(*) AS n FROM demo_dataset.users"))[0].n;
      await assertRefused(env, (sql) => destination.query(sql), count, { sealed: false });
      // An open load session's rows are not visible to queries until it commits.
      const session = await destination.begin("demo_dataset", "2.1");
      await session.addJobs([
        await env.job("users", [{ id: 2, _dlt_load_id: "2.1", _dlt_id: "b" }]),
      ], schemaOf("h1", users));
      equal(await count(), 1);
      await session.rollback();
      // The load still reads its job files: the queries did not seal its database.
      await destination.load(env.request("3.1", schemaOf("h1", users), [
        await env.job("users", [{ id: 3, _dlt_load_id: "3.1", _dlt_id: "c" }]),
      ]));
      equal(await count(), 2);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("DuckDbDestination.query() on a missing file fails and creates nothing", async () => {
  await withEnv(async (env) => {
    const destination = new DuckDbDestination({ path: env.dbPath });
    await rejects(
      destination.query("SELECT 1"),
      (err: Error) =>
        err instanceof UserError && err.message.startsWith("There is no DuckDB database at "),
    );
    await destination.close();
    await rejects(Deno.stat(`${env.dir}/db`), Deno.errors.NotFound);
  });
});

Deno.test("openDuckDb(path, { readOnly: true }) refuses writes and other files", async () => {
  await withEnv(async (env) => {
    await loadUsers(env);
    const db = await openDuckDb(env.dbPath, { readOnly: true });
    try {
      const count = async () =>
        (await db.query("SELECT count(*) AS n FROM demo_dataset.users"))[0].n;
      await assertRefused(env, (sql) => db.query(sql), count);
      deepStrictEqual(
        await Promise.all([1, 2, 3].map((n) => db.query(`SELECT ${n} AS n`))),
        [[{ n: 1 }], [{ n: 2 }], [{ n: 3 }]],
      );
      // A second read-only reader of the same file shares it.
      const second = await openDuckDb(env.dbPath, { readOnly: true });
      equal((await second.query("SELECT count(*) AS n FROM demo_dataset.users"))[0].n, 1);
      second.close();
    } finally {
      db.close();
    }
    // With a writer open in this process, a sealed reader cannot share its database.
    const writer = await openDuckDb(env.dbPath);
    try {
      await rejects(
        openDuckDb(env.dbPath, { readOnly: true }),
        (err: Error) => err instanceof UserError && /open in this process/.test(err.message),
      );
      ok((await writer.query("SELECT count(*) AS n FROM demo_dataset.users"))[0].n === 1);
    } finally {
      writer.close();
    }
  });
});

Deno.test("openSealedReadHandle() reads its database and no other file, settings locked", async () => {
  await withEnv(async (env) => {
    await loadUsers(env);
    await Deno.writeTextFile(join(env.dir, "secret.txt"), "TOP-SECRET");
    const handle = await openSealedReadHandle(env.dbPath);
    // Straight on the connection, without the statement check: the settings alone refuse.
    const run = async (sql: string) =>
      (await handle.connection.runAndReadAll(sql)).getRowObjectsJS();
    try {
      equal((await run("SELECT count(*) AS n FROM demo_dataset.users"))[0].n, 1n);
      const settings = await run(
        "SELECT current_setting('enable_external_access') AS external, " +
          "current_setting('lock_configuration') AS locked, current_setting('TimeZone') AS tz",
      );
      deepStrictEqual(settings, [{ external: false, locked: true, tz: "UTC" }]);
      for (
        const sql of [
          `SELECT * FROM read_text('${env.dir}/secret.txt')`,
          "SELECT * FROM read_csv('/etc/passwd')",
          `SELECT * FROM glob('${env.dir}/*')`,
          `COPY demo_dataset.users TO '${env.dir}/copied.csv'`,
          `EXPORT DATABASE '${env.dir}/exported'`,
          `ATTACH '${env.dir}/attached.duckdb' AS a`,
          "INSTALL httpfs",
          "LOAD httpfs",
        ]
      ) {
        await rejects(run(sql), /disabled (by|through) configuration/, sql);
      }
      for (const sql of ["SET threads = 1", "RESET threads", "SET enable_external_access = true"]) {
        await rejects(run(sql), /the configuration has been locked/, sql);
      }
      for (const name of ["copied.csv", "exported", "attached.duckdb"]) {
        await rejects(Deno.stat(join(env.dir, name)), Deno.errors.NotFound, name);
      }
    } finally {
      handle.close();
    }
  });
});
