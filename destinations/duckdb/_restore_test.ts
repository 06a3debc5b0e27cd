import { deepStrictEqual, equal, rejects } from "node:assert/strict";
import { DuckDbDestination } from "./duckdb_destination.ts";
import { openDuckDb } from "./open_duckdb.ts";
import { col, deps, schemaOf, SYS, tableOf, withEnv } from "./_testing.ts";

Deno.test("DuckDbDestination.restore() returns the newest state and schema of a pipeline", async () => {
  await withEnv(async (env) => {
    const v1 = schemaOf("h1", tableOf("users", [col("id", "bigint"), ...SYS]));
    const v2 = schemaOf("h2", tableOf("users", [col("id", "bigint"), col("x", "text"), ...SYS]));
    const other = { ...schemaOf("o1", tableOf("events", [col("n", "bigint"), ...SYS])) };
    other.name = "other";
    const state = (n: number) => ({
      pipelineName: "demo",
      state: { pipeline_name: "demo", schema_names: ["demo"], sources: { s: { n } } },
      version: n,
      versionHash: `state-${n}`,
    });
    const writer = new DuckDbDestination({ path: env.dbPath, deps });
    await writer.load(env.request("1.1", v1, [], { state: state(1) }));
    await writer.load(env.request("2.1", v2, [], { state: state(2) }));
    // Another pipeline writes to the same dataset, with a schema of its own.
    await writer.load(
      env.request("3.1", other, [], {
        state: { pipelineName: "intruder", state: {}, version: 1, versionHash: "i" },
      }),
    );
    // Restoring through the destination that has the file open for loading works too.
    deepStrictEqual((await writer.restore("demo_dataset", "demo"))?.state.sources, {
      s: { n: 2 },
    });
    await writer.close();

    const reader = new DuckDbDestination({ path: env.dbPath });
    try {
      deepStrictEqual(await reader.restore("demo_dataset", "demo"), {
        state: { pipeline_name: "demo", schema_names: ["demo"], sources: { s: { n: 2 } } },
        schemas: [v2],
      });
      // A state without schema_names gets every schema of the dataset.
      const intruder = await reader.restore("demo_dataset", "intruder");
      deepStrictEqual(intruder?.schemas.map((s) => s.version_hash), ["h2", "o1"]);
      equal(await reader.restore("demo_dataset", "nobody"), undefined);
      equal(await reader.restore("no_such_dataset", "demo"), undefined);
    } finally {
      await reader.close();
    }
  });
});

Deno.test("DuckDbDestination.restore() of a missing file returns undefined and creates nothing", async () => {
  await withEnv(async (env) => {
    const destination = new DuckDbDestination({ path: env.dbPath });
    equal(await destination.restore("demo_dataset", "demo"), undefined);
    await destination.close();
    await rejects(Deno.stat(env.dbPath), Deno.errors.NotFound);
    await rejects(Deno.stat(`${env.dir}/db`), Deno.errors.NotFound);
  });
});

Deno.test("DuckDbDestination.restore() reads a database another reader has open", async () => {
  await withEnv(async (env) => {
    const writer = new DuckDbDestination({ path: env.dbPath, deps });
    await writer.load(env.request("1.1", schemaOf("h1"), []));
    await writer.close();
    // A read-write open elsewhere in this process: the restore shares it instead of failing.
    const shared = await openDuckDb(env.dbPath);
    try {
      const restored = await new DuckDbDestination({ path: env.dbPath }).restore(
        "demo_dataset",
        "demo",
      );
      deepStrictEqual(restored?.state.sources, { s: { last: "1.1" } });
    } finally {
      shared.close();
    }
  });
});
