import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { InternalError, UserError } from "../../core/errors.ts";
import type { DropRequest } from "../../core/pipeline/destination.ts";
import type { Table } from "../../core/schema/types.ts";
import { DuckDbDestination } from "./duckdb_destination.ts";
import { col, deps, NOW, schemaOf, SYS, tableOf, withEnv } from "./_testing.ts";

function mergeTable(name: string): Table {
  const table = tableOf(name, [col("id", "bigint", false, { primary_key: true }), ...SYS]);
  table.write_disposition = "merge";
  return table;
}

const tableNames = "SELECT table_schema || '.' || table_name AS t FROM information_schema.tables " +
  "WHERE table_schema LIKE 'demo_dataset%' AND table_name NOT LIKE '_dlt_%' ORDER BY t";

Deno.test("DuckDbDestination.dropTables() drops tables and stores the new schema and state", async () => {
  await withEnv(async (env) => {
    const users = mergeTable("users");
    const keep = tableOf("keep", [col("n", "bigint"), ...SYS]);
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      await destination.load(env.request("1.1", schemaOf("h1", users, keep), [
        await env.job("users", [{ id: 1, _dlt_load_id: "1.1", _dlt_id: "a" }]),
        await env.job("keep", [{ n: 1, _dlt_load_id: "1.1", _dlt_id: "b" }]),
      ]));
      deepStrictEqual(await destination.query(tableNames), [
        { t: "demo_dataset.keep" },
        { t: "demo_dataset.users" },
        { t: "demo_dataset_staging.users" },
      ]);

      const request: DropRequest = {
        datasetName: "demo_dataset",
        tables: ["users", "never_created"],
        schema: schemaOf("h2", keep),
        state: {
          pipelineName: "demo",
          state: { pipeline_name: "demo", sources: {} },
          version: 2,
          versionHash: "state-dropped",
        },
      };
      await destination.dropTables(request);
      deepStrictEqual(await destination.query(tableNames), [{ t: "demo_dataset.keep" }]);
      deepStrictEqual(
        await destination.query("SELECT load_id FROM demo_dataset._dlt_loads"),
        [{ load_id: "1.1" }],
      );
      deepStrictEqual(
        await destination.query(
          "SELECT version, version_hash FROM demo_dataset._dlt_version ORDER BY version",
        ),
        [{ version: 1, version_hash: "h1" }, { version: 2, version_hash: "h2" }],
      );
      const [stateRow] = await destination.query(
        "SELECT version, version_hash, _dlt_load_id FROM demo_dataset._dlt_pipeline_state " +
          "WHERE version_hash = 'state-dropped'",
      );
      deepStrictEqual(stateRow, {
        version: 2,
        version_hash: "state-dropped",
        _dlt_load_id: String(NOW.getTime() / 1000),
      });
      deepStrictEqual(await destination.restore("demo_dataset", "demo"), {
        state: request.state.state,
        schemas: [request.schema],
      });
    } finally {
      await destination.close();
    }
  });
});

Deno.test("DuckDbDestination.dropTables() changes nothing when it fails", async () => {
  await withEnv(async (env) => {
    const users = mergeTable("users");
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      await destination.load(env.request("1.1", schemaOf("h1", users), [
        await env.job("users", [{ id: 1, _dlt_load_id: "1.1", _dlt_id: "a" }]),
      ]));
      await rejects(
        destination.dropTables({
          datasetName: "demo_dataset",
          tables: ["users"],
          schema: schemaOf("h2"),
          // Not an integer: writing the state row fails after the tables were dropped. No
          // user can cause that, so it is reported as a bug.
          state: { pipelineName: "demo", state: {}, version: 1.5, versionHash: "x" },
        }),
        (err: Error) =>
          err instanceof InternalError &&
          err.message.startsWith("Cannot drop tables users from dataset demo_dataset: "),
      );
      equal((await destination.query("SELECT count(*) AS n FROM demo_dataset.users"))[0].n, 1);
      equal(
        (await destination.query("SELECT count(*) AS n FROM demo_dataset._dlt_version"))[0].n,
        1,
      );
    } finally {
      await destination.close();
    }
  });
});

Deno.test("DuckDbDestination.dropTables() refuses a missing database and creates none", async () => {
  await withEnv(async (env) => {
    const destination = new DuckDbDestination({ path: env.dbPath });
    const err = await destination.dropTables({
      datasetName: "demo_dataset",
      tables: ["users"],
      schema: schemaOf("h1"),
      state: { pipelineName: "demo", state: {}, version: 1, versionHash: "x" },
    }).then(() => undefined, (e) => e);
    ok(err instanceof UserError && err.message.includes("there is no DuckDB database"), err);
    await destination.close();
    await rejects(Deno.stat(env.dbPath), Deno.errors.NotFound);
  });
});
