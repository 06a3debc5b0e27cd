import { deepStrictEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { UserError } from "../../core/errors.ts";
import type { Column, MergeStrategy, Schema, Table } from "../../core/schema/types.ts";
import { DuckDbDestination } from "./duckdb_destination.ts";
import { rootTableOf, tableChain } from "../../core/schema/mod.ts";
import { mergeSql } from "./_merge.ts";
import { col, deps, type Env, schemaOf, tableOf, withEnv } from "./_testing.ts";

const ROW_KEY = col("_dlt_id", "text", false, { row_key: true, unique: true });
const LOAD_ID = col("_dlt_load_id", "text", false);

/** A merge root table `users` (`id` primary key unless `columns` say otherwise). */
function mergeRoot(
  columns: Column[],
  strategy?: MergeStrategy,
  name = "users",
): Table {
  const table = tableOf(name, [...columns, LOAD_ID, ROW_KEY]);
  table.write_disposition = "merge";
  table.resource = name;
  if (strategy) table.merge_strategy = strategy;
  return table;
}

/** A child table of a merge root with dlt's link columns. */
function mergeChild(name: string, parent: string, columns: Column[]): Table {
  return tableOf(name, [
    ...columns,
    col("_dlt_root_id", "text", false, { root_key: true }),
    col("_dlt_parent_id", "text", false, { parent_key: true }),
    col("_dlt_list_idx", "bigint", false),
    col("_dlt_id", "text", false, { row_key: true, unique: true }),
  ], parent);
}

const PK = col("id", "bigint", false, { primary_key: true });

/** Root rows with `_dlt_id`s `<load>-<n>` and the load's `_dlt_load_id`. */
function rows(loadId: string, items: Record<string, unknown>[]): Record<string, unknown>[] {
  return items.map((r, i) => ({ ...r, _dlt_load_id: loadId, _dlt_id: `${loadId}-${i}` }));
}

/** Child rows of root row `<load>-<rootIndex>`. */
function childRows(
  loadId: string,
  rootIndex: number,
  items: Record<string, unknown>[],
): Record<string, unknown>[] {
  const root = `${loadId}-${rootIndex}`;
  return items.map((r, i) => ({
    ...r,
    _dlt_root_id: root,
    _dlt_parent_id: root,
    _dlt_list_idx: i,
    _dlt_id: `${root}-c${i}`,
  }));
}

/** Loads one package of jobs `{table: rows}`. */
async function load(
  env: Env,
  destination: DuckDbDestination,
  loadId: string,
  schema: Schema,
  jobs: Record<string, Record<string, unknown>[] | string>,
): Promise<void> {
  const files = [];
  for (const [table, data] of Object.entries(jobs)) files.push(await env.job(table, data));
  await destination.load(env.request(loadId, schema, files));
}

async function withDestination(
  fn: (env: Env, destination: DuckDbDestination) => Promise<void>,
): Promise<void> {
  await withEnv(async (env) => {
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      await fn(env, destination);
    } finally {
      await destination.close();
    }
  });
}

Deno.test("merge delete-insert replaces rows by primary key and inserts new ones", async () => {
  await withDestination(async (env, dest) => {
    const schema = schemaOf("h1", mergeRoot([PK, col("name", "text")]));
    await load(env, dest, "1.1", schema, {
      users: rows("1.1", [{ id: 1, name: "a" }, { id: 2, name: "b" }]),
    });
    await load(env, dest, "2.1", schema, {
      users: rows("2.1", [{ id: 2, name: "B" }, { id: 3, name: "c" }]),
    });
    deepStrictEqual(
      await dest.query("SELECT id, name, _dlt_load_id FROM demo_dataset.users ORDER BY id"),
      [
        { id: 1, name: "a", _dlt_load_id: "1.1" },
        { id: 2, name: "B", _dlt_load_id: "2.1" },
        { id: 3, name: "c", _dlt_load_id: "2.1" },
      ],
    );
    equal((await dest.query("SELECT count(*) AS n FROM demo_dataset._dlt_loads"))[0].n, 2);
  });
});

Deno.test("merge deduplicates a load on the primary key, keeping the row loaded last", async () => {
  await withDestination(async (env, dest) => {
    const schema = schemaOf("h1", mergeRoot([PK, col("name", "text")]));
    const first = await env.job(
      "users",
      rows("1.1", [{ id: 1, name: "a1" }, { id: 2, name: "b" }]),
    );
    const second = await env.job("users", [
      { id: 1, name: "a2", _dlt_load_id: "1.1", _dlt_id: "x1" },
      { id: 1, name: "a3", _dlt_load_id: "1.1", _dlt_id: "x2" },
    ]);
    await dest.load(env.request("1.1", schema, [first, second]));
    deepStrictEqual(await dest.query("SELECT id, name FROM demo_dataset.users ORDER BY id"), [
      { id: 1, name: "a3" },
      { id: 2, name: "b" },
    ]);
  });
});

Deno.test("merge deduplicates with dedup_sort desc and asc, ties keeping the first", async () => {
  for (const [direction, expected] of [["desc", ["c", "t1"]], ["asc", ["a", "t1"]]] as const) {
    await withDestination(async (env, dest) => {
      const schema = schemaOf(
        "h1",
        mergeRoot([PK, col("lsn", "bigint", true, { dedup_sort: direction }), col("v", "text")]),
      );
      await load(env, dest, "1.1", schema, {
        users: rows("1.1", [
          { id: 1, lsn: 2, v: "b" },
          { id: 1, lsn: 3, v: "c" },
          { id: 1, lsn: null, v: "null sorts last" },
          { id: 1, lsn: 1, v: "a" },
          { id: 2, lsn: 5, v: "t1" },
          { id: 2, lsn: 5, v: "t2" },
        ]),
      });
      deepStrictEqual(
        (await dest.query("SELECT v FROM demo_dataset.users ORDER BY id")).map((r) => r.v),
        expected,
        direction,
      );
    });
  }
});

Deno.test("merge hard_delete deletes rows by key and never inserts deleted ones", async () => {
  await withDestination(async (env, dest) => {
    const schema = schemaOf(
      "h1",
      mergeRoot([
        PK,
        col("v", "text"),
        col("lsn", "bigint", true, { dedup_sort: "desc" }),
        col("deleted", "bool", true, { hard_delete: true }),
      ]),
    );
    await load(env, dest, "1.1", schema, {
      users: rows("1.1", [{ id: 1, v: "a" }, { id: 2, v: "b" }, { id: 3, v: "c" }]),
    });
    await load(env, dest, "2.1", schema, {
      users: rows("2.1", [
        { id: 1, deleted: true }, // only the key: deletes id 1
        { id: 2, v: "B", deleted: false }, // false is not a delete
        { id: 4, v: "new", lsn: 1, deleted: null },
        { id: 4, lsn: 2, deleted: true }, // the newest row of id 4 is a delete: nothing stays
        { id: 5, v: "gone", deleted: true }, // a delete of an unknown key inserts nothing
      ]),
    });
    deepStrictEqual(await dest.query("SELECT id, v FROM demo_dataset.users ORDER BY id"), [
      { id: 2, v: "B" },
      { id: 3, v: "c" },
    ]);
  });
});

Deno.test("merge hard_delete on a non-bool column deletes when it is not null", async () => {
  await withDestination(async (env, dest) => {
    const schema = schemaOf(
      "h1",
      mergeRoot([
        col("day", "text", true, { merge_key: true }),
        col("v", "text"),
        col("deleted_at", "timestamp", true, { hard_delete: true }),
      ]),
    );
    await load(env, dest, "1.1", schema, {
      users: rows("1.1", [{ day: "d1", v: "a" }, { day: "d1", v: "b" }, { day: "d2", v: "c" }]),
    });
    await load(env, dest, "2.1", schema, {
      users: rows("2.1", [{ day: "d1", deleted_at: "2024-02-22T12:34:56Z" }]),
    });
    deepStrictEqual(await dest.query("SELECT day, v FROM demo_dataset.users"), [
      { day: "d2", v: "c" },
    ]);
  });
});

Deno.test("merge deletes and inserts child rows with their root rows (_dlt_root_id)", async () => {
  await withDestination(async (env, dest) => {
    const schema = schemaOf(
      "h1",
      mergeRoot(
        [PK, col("deleted", "bool", true, { hard_delete: true })],
        undefined,
        "orders",
      ),
      mergeChild("orders__items", "orders", [col("sku", "text")]),
      mergeChild("orders__items__tags", "orders__items", [col("value", "text")]),
    );
    await load(env, dest, "1.1", schema, {
      orders: rows("1.1", [{ id: 1 }, { id: 2 }, { id: 3 }]),
      orders__items: [
        ...childRows("1.1", 0, [{ sku: "a" }, { sku: "b" }]),
        ...childRows("1.1", 1, [{ sku: "c" }]),
        ...childRows("1.1", 2, [{ sku: "d" }]),
      ],
      orders__items__tags: [{
        value: "t",
        _dlt_root_id: "1.1-0",
        _dlt_parent_id: "1.1-0-c0",
        _dlt_list_idx: 0,
        _dlt_id: "tag1",
      }],
    });
    // Order 1 now has one item (and no tags), order 3 is deleted, order 4 is new.
    await load(env, dest, "2.1", schema, {
      orders: rows("2.1", [{ id: 1 }, { id: 3, deleted: true }, { id: 4 }]),
      orders__items: [
        ...childRows("2.1", 0, [{ sku: "x" }]),
        ...childRows("2.1", 1, [{ sku: "ghost of a deleted order" }]),
        ...childRows("2.1", 2, [{ sku: "y" }]),
      ],
    });
    deepStrictEqual(
      await dest.query(
        "SELECT o.id, i.sku FROM demo_dataset.orders o LEFT JOIN demo_dataset.orders__items i " +
          "ON i._dlt_root_id = o._dlt_id ORDER BY o.id, i.sku",
      ),
      [{ id: 1, sku: "x" }, { id: 2, sku: "c" }, { id: 4, sku: "y" }],
    );
    equal((await dest.query("SELECT count(*) AS n FROM demo_dataset.orders__items"))[0].n, 3);
    deepStrictEqual(await dest.query("SELECT * FROM demo_dataset.orders__items__tags"), []);
  });
});

Deno.test("merge with a merge_key deletes every row of the key, without deduplicating", async () => {
  await withDestination(async (env, dest) => {
    const schema = schemaOf(
      "h1",
      mergeRoot([col("day", "text", true, { merge_key: true }), col("v", "text")]),
    );
    await load(env, dest, "1.1", schema, {
      users: rows("1.1", [{ day: "d1", v: "a" }, { day: "d1", v: "b" }, { day: "d2", v: "c" }]),
    });
    await load(env, dest, "2.1", schema, {
      users: rows("2.1", [{ day: "d1", v: "x" }, { day: "d1", v: "y" }]),
    });
    deepStrictEqual(await dest.query("SELECT day, v FROM demo_dataset.users ORDER BY day, v"), [
      { day: "d1", v: "x" },
      { day: "d1", v: "y" },
      { day: "d2", v: "c" },
    ]);
  });
});

Deno.test("merge with primary_key and merge_key deletes rows matching either", async () => {
  await withDestination(async (env, dest) => {
    const schema = schemaOf(
      "h1",
      mergeRoot([PK, col("day", "text", true, { merge_key: true }), col("v", "text")]),
    );
    await load(env, dest, "1.1", schema, {
      users: rows("1.1", [{ id: 1, day: "d1", v: "a" }, { id: 2, day: "d2", v: "b" }, {
        id: 3,
        day: "d3",
        v: "c",
      }]),
    });
    await load(env, dest, "2.1", schema, {
      users: rows("2.1", [{ id: 1, day: "d9", v: "A" }, { id: 9, day: "d2", v: "n" }]),
    });
    deepStrictEqual(await dest.query("SELECT id, v FROM demo_dataset.users ORDER BY id"), [
      { id: 1, v: "A" },
      { id: 3, v: "c" },
      { id: 9, v: "n" },
    ]);
  });
});

Deno.test("merge without primary_key or merge_key appends", async () => {
  await withDestination(async (env, dest) => {
    const schema = schemaOf("h1", mergeRoot([col("id", "bigint")]));
    await load(env, dest, "1.1", schema, { users: rows("1.1", [{ id: 1 }, { id: 1 }]) });
    await load(env, dest, "2.1", schema, { users: rows("2.1", [{ id: 1 }]) });
    equal((await dest.query("SELECT count(*) AS n FROM demo_dataset.users"))[0].n, 3);
  });
});

Deno.test("merge upsert updates, inserts, deletes and replaces child rows", async () => {
  await withDestination(async (env, dest) => {
    const schema = schemaOf(
      "h1",
      mergeRoot(
        [PK, col("v", "text"), col("deleted", "bool", true, { hard_delete: true })],
        "upsert",
      ),
      mergeChild("users__tags", "users", [col("value", "text")]),
    );
    await load(env, dest, "1.1", schema, {
      users: rows("1.1", [{ id: 1, v: "a" }, { id: 2, v: "b" }, { id: 3, v: "c" }]),
      users__tags: [
        ...childRows("1.1", 0, [{ value: "a1" }, { value: "a2" }]),
        ...childRows("1.1", 1, [{ value: "b1" }]),
        ...childRows("1.1", 2, [{ value: "c1" }]),
      ],
    });
    await load(env, dest, "2.1", schema, {
      users: rows("2.1", [
        { id: 1, v: "old" },
        { id: 1, v: "A" },
        { id: 3, deleted: true },
        { id: 4, v: "d" },
        { id: 5, v: "never", deleted: true },
      ]),
      users__tags: [
        ...childRows("2.1", 1, [{ value: "A1" }]),
        ...childRows("2.1", 3, [{ value: "d1" }]),
      ],
    });
    deepStrictEqual(
      await dest.query("SELECT id, v, _dlt_load_id FROM demo_dataset.users ORDER BY id"),
      [
        { id: 1, v: "A", _dlt_load_id: "2.1" },
        { id: 2, v: "b", _dlt_load_id: "1.1" },
        { id: 4, v: "d", _dlt_load_id: "2.1" },
      ],
    );
    deepStrictEqual(
      await dest.query(
        "SELECT u.id, t.value FROM demo_dataset.users u JOIN demo_dataset.users__tags t " +
          "ON t._dlt_root_id = u._dlt_id ORDER BY u.id, t.value",
      ),
      [{ id: 1, value: "A1" }, { id: 2, value: "b1" }, { id: 4, value: "d1" }],
    );
    equal((await dest.query("SELECT count(*) AS n FROM demo_dataset.users__tags"))[0].n, 3);
  });
});

Deno.test("merge upsert and insert-only need a primary key", async () => {
  for (const strategy of ["upsert", "insert-only"] as const) {
    await withDestination(async (env, dest) => {
      const schema = schemaOf("h1", mergeRoot([col("id", "bigint")], strategy));
      await rejects(
        load(env, dest, "1.1", schema, { users: rows("1.1", [{ id: 1 }]) }),
        (err: Error) =>
          err instanceof UserError &&
          err.message.includes(`Cannot merge table "users" with strategy ${strategy}`) &&
          err.message.includes("no primary_key"),
      );
    });
  }
});

Deno.test("merge insert-only inserts only new keys, with their children", async () => {
  await withDestination(async (env, dest) => {
    const schema = schemaOf(
      "h1",
      mergeRoot([PK, col("v", "text")], "insert-only"),
      mergeChild("users__tags", "users", [col("value", "text")]),
    );
    await load(env, dest, "1.1", schema, {
      users: rows("1.1", [{ id: 1, v: "a" }]),
      users__tags: childRows("1.1", 0, [{ value: "a1" }]),
    });
    await load(env, dest, "2.1", schema, {
      users: rows("2.1", [{ id: 1, v: "changed" }, { id: 2, v: "b1" }, { id: 2, v: "b2" }]),
      users__tags: [
        ...childRows("2.1", 0, [{ value: "changed" }]),
        ...childRows("2.1", 1, [{ value: "dropped duplicate" }]),
        ...childRows("2.1", 2, [{ value: "b" }]),
      ],
    });
    deepStrictEqual(
      await dest.query(
        "SELECT u.id, u.v, t.value FROM demo_dataset.users u JOIN demo_dataset.users__tags t " +
          "ON t._dlt_root_id = u._dlt_id ORDER BY u.id",
      ),
      [{ id: 1, v: "a", value: "a1" }, { id: 2, v: "b2", value: "b" }],
    );
  });
});

Deno.test("merge empties the staging tables of a chain at the start of each load", async () => {
  await withDestination(async (env, dest) => {
    const schema = schemaOf(
      "h1",
      mergeRoot([PK]),
      mergeChild("users__tags", "users", [col("value", "text")]),
    );
    await load(env, dest, "1.1", schema, {
      users: rows("1.1", [{ id: 1 }]),
      users__tags: childRows("1.1", 0, [{ value: "t" }]),
    });
    // Same row ids again, but no child rows this time: the staged tag of load 1.1 must not
    // come back.
    await load(env, dest, "2.1", schema, {
      users: [{ id: 1, _dlt_load_id: "2.1", _dlt_id: "1.1-0" }],
    });
    deepStrictEqual(await dest.query("SELECT * FROM demo_dataset.users__tags"), []);
    deepStrictEqual(
      await dest.query("SELECT id, _dlt_load_id FROM demo_dataset_staging.users"),
      [{ id: 1, _dlt_load_id: "2.1" }],
    );
    deepStrictEqual(await dest.query("SELECT * FROM demo_dataset_staging.users__tags"), []);
  });
});

Deno.test("merge rolls back the whole load when a job or the merge fails", async () => {
  await withDestination(async (env, dest) => {
    const users = mergeRoot([PK, col("v", "text")]);
    const events = tableOf("events", [col("n", "bigint"), LOAD_ID, ROW_KEY]);
    const schema = schemaOf("h1", users, events);
    await load(env, dest, "1.1", schema, {
      users: rows("1.1", [{ id: 1, v: "a" }]),
      events: rows("1.1", [{ n: 1 }]),
    });
    const snapshot = async () => ({
      users: await dest.query("SELECT id, v FROM demo_dataset.users ORDER BY id"),
      staging: await dest.query("SELECT id, v FROM demo_dataset_staging.users ORDER BY id"),
      events: await dest.query("SELECT n FROM demo_dataset.events"),
      loads: await dest.query("SELECT load_id FROM demo_dataset._dlt_loads"),
      states: await dest.query("SELECT _dlt_load_id FROM demo_dataset._dlt_pipeline_state"),
    });
    const before = await snapshot();

    // A broken job file of another table.
    await rejects(
      load(env, dest, "2.1", schema, {
        users: rows("2.1", [{ id: 1, v: "A" }, { id: 2, v: "b" }]),
        events: '{"n": 2,\n',
      }),
      UserError,
    );
    deepStrictEqual(await snapshot(), before);

    // The merge itself fails: the target's primary key is NOT NULL, a staged row has none.
    await rejects(
      load(env, dest, "3.1", schema, {
        events: rows("3.1", [{ n: 3 }]),
        users: rows("3.1", [{ id: 1, v: "A" }, { v: "no key" }]),
      }),
      (err: Error) =>
        err instanceof UserError &&
        err.message.startsWith(
          'Cannot merge table "users" from demo_dataset_staging into demo_dataset: ',
        ),
    );
    deepStrictEqual(await snapshot(), before);
  });
});

Deno.test("merge tables load at commit of a streaming session", async () => {
  await withDestination(async (env, dest) => {
    const events = tableOf("events", [col("n", "bigint"), LOAD_ID, ROW_KEY]);
    events.write_disposition = "append";
    const schema = schemaOf("h1", mergeRoot([PK, col("v", "text")]), events);
    await load(env, dest, "1.1", schema, { users: rows("1.1", [{ id: 1, v: "a" }]) });
    const session = await dest.begin("demo_dataset", "2.1");
    const streamed = await env.job("events", rows("2.1", [{ n: 1 }]));
    await session.addJobs([streamed], schema);
    const merged = await env.job("users", rows("2.1", [{ id: 1, v: "A" }]));
    await session.commit(env.request("2.1", schema, [streamed, merged]));
    deepStrictEqual(await dest.query("SELECT id, v FROM demo_dataset.users"), [{ id: 1, v: "A" }]);
    equal((await dest.query("SELECT count(*) AS n FROM demo_dataset.events"))[0].n, 1);
  });
});

Deno.test("mergeSql() deletes child rows before root rows and cleans up its temp tables", () => {
  const schema = schemaOf(
    "h1",
    mergeRoot([PK], undefined, "orders"),
    mergeChild("orders__items", "orders", []),
  );
  const sql = mergeSql(tableChain(schema, "orders"), { dataset: "ds", staging: "ds_staging" });
  const deleteChild = sql.findIndex((s) => s.startsWith('DELETE FROM "ds"."orders__items"'));
  const deleteRoot = sql.findIndex((s) => s.startsWith('DELETE FROM "ds"."orders"'));
  ok(deleteChild >= 0 && deleteChild < deleteRoot, sql.join("\n"));
  deepStrictEqual(sql.slice(-2), [
    "DROP TABLE IF EXISTS _dlt_merge_delete",
    "DROP TABLE IF EXISTS _dlt_merge_insert",
  ]);
});

Deno.test("mergeSql() names a child table without a root key", () => {
  const schema = schemaOf(
    "h1",
    mergeRoot([PK], undefined, "orders"),
    mergeChild("orders__items", "orders", []),
    tableOf("orders__items__deep", [col("v", "text")], "orders__items"),
  );
  throws(
    () => mergeSql(tableChain(schema, "orders"), { dataset: "ds", staging: "ds_staging" }),
    /Cannot merge child table "orders__items__deep" of "orders": it has no root key/,
  );
});

Deno.test("rootTableOf() walks parents and reports a missing one", () => {
  const schema = schemaOf(
    "h1",
    mergeRoot([PK], undefined, "orders"),
    mergeChild("orders__items", "orders", []),
    mergeChild("orders__items__tags", "orders__items", []),
    tableOf("lost__child", [], "lost"),
  );
  equal(rootTableOf(schema, "orders__items__tags").name, "orders");
  throws(() => rootTableOf(schema, "lost__child"), /names parent "lost", which is not in schema/);
});
