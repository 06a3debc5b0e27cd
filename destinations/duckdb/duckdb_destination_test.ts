import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { InternalError, UserError } from "../../core/errors.ts";
import { memoryLogger } from "../../core/log.ts";
import { DuckDbDestination } from "./duckdb_destination.ts";
import { openDuckDb } from "./open_duckdb.ts";
import { toStoredSchema } from "../../core/schema/mod.ts";
import { decompressState } from "../../core/pipeline/mod.ts";
import { col, deps, NOW, schemaOf, SYS, tableOf, withEnv } from "./_testing.ts";

Deno.test("DuckDbDestination reports duckdb:<abs path> and opens nothing before load()", async () => {
  await withEnv(async (env) => {
    const destination = new DuckDbDestination({ path: env.dbPath });
    equal(destination.type, "duckdb");
    equal(destination.location, `duckdb:${env.dbPath}`);
    await destination.close();
    await rejects(Deno.stat(env.dbPath), Deno.errors.NotFound);
    const relative = new DuckDbDestination({ path: "demo_pipeline.duckdb" });
    equal(relative.location, `duckdb:${Deno.cwd()}/demo_pipeline.duckdb`);
    equal(new DuckDbDestination({ path: ":memory:" }).location, "duckdb::memory:");
  });
});

Deno.test("DuckDbDestination.load() creates tables and round trips every data type", async () => {
  await withEnv(async (env) => {
    const t = tableOf("all_types", [
      col("id", "bigint", false),
      col("name", "text"),
      col("score", "double"),
      col("active", "bool"),
      col("at", "timestamp"),
      col("day", "date"),
      col("payload", "json"),
      col("price", "decimal"),
      ...SYS,
    ]);
    const job = await env.job("all_types", [
      {
        id: 1,
        name: 'ä "quoted"',
        score: 1.5,
        active: true,
        at: "2024-01-02T03:04:05.123Z",
        day: "2024-05-06",
        payload: { a: [1, { b: null }], s: "x" },
        price: 12.345678901,
        _dlt_load_id: "1.000001",
        _dlt_id: "a",
      },
      {
        id: 2,
        at: "2024-01-02T05:04:05+02:00",
        payload: [1, "two"],
        _dlt_load_id: "1.000001",
        _dlt_id: "b",
      },
      { id: 3, active: false, at: "2024-01-02 03:04:05", _dlt_load_id: "1.000001", _dlt_id: "c" },
    ]);
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      await destination.load(env.request("1.000001", schemaOf("h1", t), [job]));
      const rows = await destination.query(
        'SELECT id, name, score, active, "at", day::VARCHAR AS day, payload, price, typeof(payload) AS pt ' +
          "FROM demo_dataset.all_types ORDER BY id",
      );
      deepStrictEqual(rows, [
        {
          id: 1,
          name: 'ä "quoted"',
          score: 1.5,
          active: true,
          at: new Date("2024-01-02T03:04:05.123Z"),
          day: "2024-05-06",
          payload: '{"a":[1,{"b":null}],"s":"x"}',
          price: 12.345678901,
          pt: "JSON",
        },
        {
          id: 2,
          name: null,
          score: null,
          active: null,
          at: new Date("2024-01-02T03:04:05Z"),
          day: null,
          payload: '[1,"two"]',
          price: null,
          pt: "JSON",
        },
        {
          id: 3,
          name: null,
          score: null,
          active: false,
          at: new Date("2024-01-02T03:04:05Z"),
          day: null,
          payload: null,
          price: null,
          pt: "JSON",
        },
      ]);
      const types = await destination.query(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns " +
          "WHERE table_schema = 'demo_dataset' AND table_name = 'all_types' ORDER BY ordinal_position",
      );
      deepStrictEqual(types.map((r) => [r.column_name, r.data_type, r.is_nullable]), [
        ["id", "BIGINT", "NO"],
        ["name", "VARCHAR", "YES"],
        ["score", "DOUBLE", "YES"],
        ["active", "BOOLEAN", "YES"],
        ["at", "TIMESTAMP WITH TIME ZONE", "YES"],
        ["day", "DATE", "YES"],
        ["payload", "JSON", "YES"],
        ["price", "DECIMAL(38,9)", "YES"],
        ["_dlt_load_id", "VARCHAR", "NO"],
        ["_dlt_id", "VARCHAR", "NO"],
      ]);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("DuckDbDestination.load() adds new columns on a later load", async () => {
  await withEnv(async (env) => {
    const v1 = tableOf("users", [col("id", "bigint"), ...SYS]);
    const v2 = tableOf("users", [col("id", "bigint"), ...SYS, col("email", "text")]);
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      const j1 = await env.job("users", [{ id: 1, _dlt_load_id: "1.1", _dlt_id: "a" }]);
      await destination.load(env.request("1.1", schemaOf("h1", v1), [j1]));
      const j2 = await env.job("users", [{
        id: 2,
        email: "x@y.z",
        _dlt_load_id: "2.1",
        _dlt_id: "b",
      }]);
      await destination.load(env.request("2.1", schemaOf("h2", v2), [j2]));
      deepStrictEqual(
        await destination.query("SELECT id, email FROM demo_dataset.users ORDER BY id"),
        [{ id: 1, email: null }, { id: 2, email: "x@y.z" }],
      );
      const versions = await destination.query(
        "SELECT version, version_hash, schema_name FROM demo_dataset._dlt_version ORDER BY version",
      );
      deepStrictEqual(versions, [
        { version: 1, version_hash: "h1", schema_name: "demo" },
        { version: 2, version_hash: "h2", schema_name: "demo" },
      ]);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("DuckDbDestination.load() empties replace tables in the same transaction", async () => {
  await withEnv(async (env) => {
    const parent = tableOf("orders", [col("id", "bigint"), ...SYS]);
    const child = tableOf("orders__items", [
      col("sku", "text"),
      col("_dlt_parent_id", "text", false),
      ...SYS,
    ], "orders");
    const schema = schemaOf("h1", parent, child);
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      await destination.load(env.request("1.1", schema, [
        await env.job("orders", [{ id: 1, _dlt_load_id: "1.1", _dlt_id: "o1" }]),
        await env.job("orders__items", [{
          sku: "a",
          _dlt_parent_id: "o1",
          _dlt_load_id: "1.1",
          _dlt_id: "i1",
        }]),
      ]));
      await destination.load(env.request("2.1", schema, [
        await env.job("orders", [{ id: 2, _dlt_load_id: "2.1", _dlt_id: "o2" }]),
      ], { replaceTables: ["orders", "orders__items", "not_created_yet"] }));
      deepStrictEqual(await destination.query("SELECT id FROM demo_dataset.orders"), [{ id: 2 }]);
      deepStrictEqual(await destination.query("SELECT * FROM demo_dataset.orders__items"), []);

      // A failing replace load leaves the replaced tables as they were.
      await rejects(destination.load(env.request("3.1", schema, [
        await env.job("orders", "{broken\n"),
      ], { replaceTables: ["orders"] })));
      deepStrictEqual(await destination.query("SELECT id FROM demo_dataset.orders"), [{ id: 2 }]);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("DuckDbDestination.load() rolls everything back when a job fails", async () => {
  await withEnv(async (env) => {
    const users = tableOf("users", [col("id", "bigint"), ...SYS]);
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      await destination.load(env.request("1.1", schemaOf("h1", users), [
        await env.job("users", [{ id: 1, _dlt_load_id: "1.1", _dlt_id: "a" }]),
      ]));
      const users2 = tableOf("users", [col("id", "bigint"), col("extra", "text"), ...SYS]);
      const events = tableOf("events", [col("n", "bigint"), ...SYS]);
      const good = await env.job("users", [{
        id: 2,
        extra: "e",
        _dlt_load_id: "2.1",
        _dlt_id: "b",
      }]);
      const bad = await env.job(
        "events",
        '{"n": 1, "_dlt_load_id": "2.1", "_dlt_id": "x"}\n{"n": 2,\n',
      );
      const err = await destination.load(
        env.request("2.1", schemaOf("h2", users2, events), [good, bad], {
          replaceTables: ["users"],
        }),
      ).then(() => undefined, (e) => e);
      ok(err instanceof UserError, String(err));
      ok(
        err.message.startsWith(`Cannot load table "events" from ${bad.path}: `),
        err.message,
      );
      ok(/malformed json/i.test(err.message), err.message);

      deepStrictEqual(
        await destination.query("SELECT * EXCLUDE (_dlt_load_id, _dlt_id) FROM demo_dataset.users"),
        [{ id: 1 }],
      );
      deepStrictEqual(
        await destination.query(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'demo_dataset' " +
            "ORDER BY table_name",
        ),
        [{ table_name: "_dlt_loads" }, { table_name: "_dlt_pipeline_state" }, {
          table_name: "_dlt_version",
        }, { table_name: "users" }],
      );
      deepStrictEqual(await destination.query("SELECT load_id FROM demo_dataset._dlt_loads"), [{
        load_id: "1.1",
      }]);
      deepStrictEqual(
        await destination.query("SELECT _dlt_load_id FROM demo_dataset._dlt_pipeline_state"),
        [{ _dlt_load_id: "1.1" }],
      );
      deepStrictEqual(
        await destination.query("SELECT version_hash FROM demo_dataset._dlt_version"),
        [{ version_hash: "h1" }],
      );

      // The connection is usable again after the rollback.
      await destination.load(env.request("3.1", schemaOf("h2", users2, events), [good]));
      equal((await destination.query("SELECT count(*) AS n FROM demo_dataset.users"))[0].n, 2);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("DuckDbDestination.load() writes dlt's system tables", async () => {
  await withEnv(async (env) => {
    const users = tableOf("users", [col("id", "bigint"), ...SYS]);
    const schema = schemaOf("h1", users);
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      const job = await env.job("users", [{ id: 1, _dlt_load_id: "1.1", _dlt_id: "a" }]);
      await destination.load(env.request("1.1", schema, [job]));
      // Same schema and same state: no new _dlt_version or _dlt_pipeline_state row.
      const same = env.request("2.1", schema, []);
      await destination.load({ ...same, state: { ...same.state, versionHash: "state-1.1" } });
      await destination.load(env.request("3.1", schema, []));

      deepStrictEqual(
        await destination.query("SELECT * FROM demo_dataset._dlt_loads ORDER BY load_id"),
        [
          {
            load_id: "1.1",
            schema_name: "demo",
            status: 0,
            inserted_at: NOW,
            schema_version_hash: "h1",
          },
          {
            load_id: "2.1",
            schema_name: "demo",
            status: 0,
            inserted_at: NOW,
            schema_version_hash: "h1",
          },
          {
            load_id: "3.1",
            schema_name: "demo",
            status: 0,
            inserted_at: NOW,
            schema_version_hash: "h1",
          },
        ],
      );
      const versions = await destination.query("SELECT * FROM demo_dataset._dlt_version");
      equal(versions.length, 1);
      deepStrictEqual({ ...versions[0], schema: JSON.parse(versions[0].schema as string) }, {
        version: 1,
        engine_version: 11,
        inserted_at: NOW,
        schema_name: "demo",
        version_hash: "h1",
        schema: toStoredSchema(schema),
      });
      const states = await destination.query(
        "SELECT * FROM demo_dataset._dlt_pipeline_state ORDER BY _dlt_load_id",
      );
      equal(states.length, 2);
      const { state, _dlt_id, ...rest } = states[0];
      deepStrictEqual(rest, {
        version: 1,
        engine_version: 4,
        pipeline_name: "demo",
        created_at: NOW,
        version_hash: "state-1.1",
        _dlt_load_id: "1.1",
      });
      ok(/^[A-Za-z0-9+/]{14}$/.test(_dlt_id as string), String(_dlt_id));
      deepStrictEqual(decompressState(state as string), {
        pipeline_name: "demo",
        sources: { s: { last: "1.1" } },
      });
      equal(states[1]._dlt_load_id, "3.1");
    } finally {
      await destination.close();
    }
  });
});

Deno.test("DuckDbDestination.load() does not load the same load id twice", async () => {
  await withEnv(async (env) => {
    const users = tableOf("users", [col("id", "bigint"), ...SYS]);
    const logger = memoryLogger();
    const destination = new DuckDbDestination({ path: env.dbPath, deps, logger });
    try {
      const job = await env.job("users", [{ id: 1, _dlt_load_id: "1.1", _dlt_id: "a" }]);
      const request = env.request("1.1", schemaOf("h1", users), [job]);
      await destination.load(request);
      await destination.load(request);
      deepStrictEqual(await destination.query("SELECT id FROM demo_dataset.users"), [{ id: 1 }]);
      equal((await destination.query("SELECT * FROM demo_dataset._dlt_loads")).length, 1);
      ok(logger.lines.some((l) => l.includes("1.1 is already in demo_dataset._dlt_loads")));
    } finally {
      await destination.close();
    }
  });
});

Deno.test("DuckDbDestination.load() quotes identifiers", async () => {
  await withEnv(async (env) => {
    const odd = tableOf("my table.x", [
      col("select", "bigint"),
      col('a "q"', "text"),
      col("it's", "json"),
      col("Upper", "bool"),
    ]);
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      const job = await env.job("my table.x", [{
        select: 1,
        'a "q"': "v",
        "it's": { k: 1 },
        Upper: true,
      }]);
      await destination.load({
        ...env.request("1.1", schemaOf("h1", odd), [job]),
        datasetName: "my-data set",
      });
      deepStrictEqual(await destination.query('SELECT * FROM "my-data set"."my table.x"'), [
        { select: 1, 'a "q"': "v", "it's": '{"k":1}', Upper: true },
      ]);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("DuckDbDestination.load() rejects a job for a table missing in the schema", async () => {
  await withEnv(async (env) => {
    const destination = new DuckDbDestination({ path: env.dbPath });
    await rejects(
      destination.load(env.request("1.1", schemaOf("h1"), [await env.job("ghost", [{}])])),
      InternalError,
    );
    await destination.close();
    await rejects(Deno.stat(env.dbPath), Deno.errors.NotFound);
  });
});

Deno.test("DuckDbDestination releases the file on close() and can reopen it", async () => {
  await withEnv(async (env) => {
    const users = tableOf("users", [col("id", "bigint"), ...SYS]);
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    await destination.load(env.request("1.1", schemaOf("h1", users), [
      await env.job("users", [{ id: 1, _dlt_load_id: "1.1", _dlt_id: "a" }]),
    ]));
    // A reader in the same process shares the open database.
    const shared = await openDuckDb(env.dbPath);
    deepStrictEqual(await shared.query("SELECT id FROM demo_dataset.users"), [{ id: 1 }]);
    shared.close();
    await destination.close();

    const holder = await holdLock(env.dbPath);
    try {
      const blocked = new DuckDbDestination({ path: env.dbPath });
      await rejects(
        blocked.load(env.request("2.1", schemaOf("h1", users), [])),
        (err: Error) =>
          err instanceof UserError && err.message.includes("is in use by another process"),
      );
      await blocked.close();
    } finally {
      await holder.release();
    }
    await destination.load(env.request("3.1", schemaOf("h1", users), []));
    await destination.close();
  });
});

/** Opens the database in another process, to take DuckDB's file lock. */
async function holdLock(path: string): Promise<{ release(): Promise<void> }> {
  const script = `${path}.holder.ts`;
  await Deno.writeTextFile(
    script,
    `import { DuckDBInstance } from "@duckdb/node-api";
const db = await DuckDBInstance.create(${JSON.stringify(path)});
console.log("locked");
await Deno.stdin.readable.pipeTo(new WritableStream());
db.closeSync();`,
  );
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", config, script],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  await reader.read();
  reader.releaseLock();
  return {
    async release() {
      await child.stdin.close();
      await child.stdout.cancel();
      await child.status;
    },
  };
}

Deno.test("DuckDbDestination reports an invalid memory limit", async () => {
  const destination = new DuckDbDestination({ path: ":memory:", memoryLimit: "lots" });
  await rejects(destination.query("SELECT 1"), /Cannot configure DuckDB at duckdb::memory:/);
  await destination.close();
});

Deno.test("DuckDbDestination.load() retries with a larger memory limit when DuckDB runs out", async () => {
  await withEnv(async (env) => {
    const logger = memoryLogger();
    // 4MB cannot hold the JSON reader's buffers; the load must still succeed after retries.
    const dest = new DuckDbDestination({ path: env.dbPath, deps, logger, memoryLimit: "4MB" });
    try {
      const schema = schemaOf(
        "h1",
        tableOf("wide", [col("id", "bigint"), col("text", "text"), ...SYS]),
      );
      const rows = Array.from({ length: 20_000 }, (_, i) => ({
        id: i,
        text: `${i}`.repeat(200),
        _dlt_load_id: "1.1",
        _dlt_id: `id${i}`,
      }));
      const job = await env.job("wide", rows);
      await dest.load(env.request("1.1", schema, [job]));
      const [row] = await dest.query(`SELECT count(*) AS n FROM "demo_dataset"."wide"`);
      equal(row.n, 20_000);
      ok(
        logger.lines.some((l) => /retrying with a memory limit of \d+MB/.test(l)),
        logger.lines.join("\n"),
      );
    } finally {
      await dest.close();
    }
  });
});

Deno.test("DuckDbDestination refuses a dataset named like its file, before opening it", async () => {
  await withEnv(async (env) => {
    const dest = new DuckDbDestination({ path: `${env.dir}/shared.duckdb`, deps });
    try {
      await rejects(
        () => dest.load(env.request("1.1", schemaOf("h1"), [], { datasetName: "Shared" })),
        (err: Error) =>
          err instanceof UserError && /same name as the DuckDB file/.test(err.message),
      );
      await rejects(() => Deno.stat(`${env.dir}/shared.duckdb`), Deno.errors.NotFound);
    } finally {
      await dest.close();
    }
  });
});

Deno.test("a failed load never removes a file another process created and loaded while this one opened it", async () => {
  await withEnv(async (env) => {
    const t = tableOf("items", [col("id", "bigint", false), ...SYS]);
    // The other process: it creates the file and commits a load.
    const other = new DuckDbDestination({ path: env.dbPath, deps });
    await other.load(env.request("1.1", schemaOf("h1", t), [
      await env.job("items", [{ id: 1, _dlt_load_id: "1.1", _dlt_id: "a" }]),
    ]));
    await other.close();
    // This one checked for the file just before that, and saw none.
    const stat = Deno.stat;
    Deno.stat = (path: string | URL) =>
      String(path) === env.dbPath
        ? Promise.reject(new Deno.errors.NotFound(`stat '${path}'`))
        : stat(path);
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      await rejects(destination.load(env.request("2.1", schemaOf("h1", t), [
        await env.job("items", "{broken\n"),
      ])));
    } finally {
      Deno.stat = stat;
      await destination.close();
    }
    const again = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      deepStrictEqual(await again.query("SELECT id FROM demo_dataset.items"), [{ id: 1 }]);
    } finally {
      await again.close();
    }
  });
});
