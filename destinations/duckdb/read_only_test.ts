import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { UserError } from "../../core/errors.ts";
import { DuckDbDestination } from "./duckdb_destination.ts";
import { openDuckDb } from "./open_duckdb.ts";
import { col, deps, type Env, schemaOf, SYS, tableOf, withEnv } from "./_testing.ts";

const WRITES = [
  "INSERT INTO demo_dataset.users VALUES (2, 'x', 'y')",
  "DELETE FROM demo_dataset.users",
  "UPDATE demo_dataset.users SET id = 3",
  "DROP TABLE demo_dataset.users",
  "CREATE TABLE demo_dataset.t (a INT)",
  "COPY demo_dataset.users TO '/tmp/dltx_read_only_test.csv'",
  "ATTACH ':memory:' AS m",
  "SET threads = 4",
  "CHECKPOINT",
  "EXPLAIN ANALYZE DELETE FROM demo_dataset.users",
];

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

async function assertRefused(
  query: (sql: string) => Promise<unknown>,
  count: () => Promise<unknown>,
): Promise<void> {
  for (const sql of WRITES) {
    if (sql === "CHECKPOINT") {
      // A checkpoint changes no data; it is a CALL and may run.
      await query(sql);
      continue;
    }
    await rejects(
      query(sql),
      (err: Error) => err instanceof UserError && err.message.includes("are read-only"),
      sql,
    );
  }
  equal(await count(), 1);
}

Deno.test("DuckDbDestination.query() refuses every writing statement", async () => {
  await withEnv(async (env) => {
    await loadUsers(env);
    const destination = new DuckDbDestination({ path: env.dbPath });
    try {
      const count = async () =>
        (await destination.query("SELECT count(*) AS n FROM demo_dataset.users"))[0].n;
      await assertRefused((sql) => destination.query(sql), count);
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
      await assertRefused((sql) => destination.query(sql), count);
      // An open load session's rows are not visible to queries until it commits.
      const session = await destination.begin("demo_dataset", "2.1");
      await session.addJobs([
        await env.job("users", [{ id: 2, _dlt_load_id: "2.1", _dlt_id: "b" }]),
      ], schemaOf("h1", users));
      equal(await count(), 1);
      await session.rollback();
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

Deno.test("openDuckDb(path, { readOnly: true }) refuses writes", async () => {
  await withEnv(async (env) => {
    await loadUsers(env);
    const db = await openDuckDb(env.dbPath, { readOnly: true });
    try {
      const count = async () =>
        (await db.query("SELECT count(*) AS n FROM demo_dataset.users"))[0].n;
      await assertRefused((sql) => db.query(sql), count);
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
    // With a writer open in this process, a read-only reader shares its database.
    const writer = await openDuckDb(env.dbPath);
    const reader = await openDuckDb(env.dbPath, { readOnly: true });
    try {
      await rejects(reader.query("DELETE FROM demo_dataset.users"), /are read-only/);
      ok((await writer.query("SELECT count(*) AS n FROM demo_dataset.users"))[0].n === 1);
    } finally {
      reader.close();
      writer.close();
    }
  });
});
