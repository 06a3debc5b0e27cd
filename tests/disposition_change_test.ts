/**
 * Changing a resource's write disposition between runs, for every pair of append, replace and
 * merge, with a child table and a grandchild table: each run succeeds and leaves the data the
 * new disposition means (rows appended, replaced, or merged by primary key with their child
 * rows), child rows always linked to their parents. As dlt does, child rows keep getting
 * `_dlt_root_id` once a merge gave the child tables that column, and rows loaded before a
 * switch to merge get it filled in, so that the merge's deletes find them.
 */
import { deepEqual, equal } from "node:assert/strict";
import { join } from "node:path";
import { openDuckDb } from "../destinations/duckdb/open_duckdb.ts";
import { json, serve, type TempProject, tempProject } from "./_helpers.ts";

type Disposition = "append" | "replace" | "merge";

interface Item {
  sku: string;
  tags: string[];
}
interface Order {
  id: number;
  v: number;
  items: Item[];
}

/**
 * The records of run `run`: each run shares ids with the one before and brings a new one, and
 * every order's child rows carry the run, so stale children show.
 */
function ordersOf(run: number): Order[] {
  return [run, run + 1, run + 2].map((id) => ({
    id,
    v: run,
    items: Array.from({ length: 1 + ((id + run) % 3) }, (_, i) => ({
      sku: `${id}-${run}-${i}`,
      tags: i === 0 ? [`t${run}`, `u${run}`] : [],
    })),
  }));
}

/** What the tables must hold after loading `load` with `disposition` over `before`. */
function expected(before: Order[], load: Order[], disposition: Disposition): Order[] {
  switch (disposition) {
    case "append":
      return [...before, ...load];
    case "replace":
      return [...load];
    case "merge": {
      const ids = new Set(load.map((o) => o.id));
      return [...before.filter((o) => !ids.has(o.id)), ...load];
    }
  }
}

const sortRows = (rows: unknown[][]) => rows.sort((a, b) => a.join("\0") < b.join("\0") ? -1 : 1);

function expectedRows(orders: Order[]) {
  return {
    orders: sortRows(orders.map((o) => [o.id, o.v])),
    items: sortRows(orders.flatMap((o) => o.items.map((i) => [o.id, o.v, i.sku]))),
    tags: sortRows(orders.flatMap((o) => o.items.flatMap((i) => i.tags.map((t) => [i.sku, t])))),
  };
}

const DS = "shop_pipeline_dataset";
const rows = async (p: TempProject, sql: string) =>
  sortRows((await p.query("shop_pipeline.duckdb", sql)).map((r) => Object.values(r)));

/** The dataset's data, child rows joined to their parents (orphans counted apart). */
async function actualRows(p: TempProject) {
  return {
    orders: await rows(p, `SELECT id, v FROM ${DS}.orders`),
    items: await rows(
      p,
      `SELECT o.id, o.v, i.sku FROM ${DS}.orders__items AS i
       JOIN ${DS}.orders AS o ON i._dlt_parent_id = o._dlt_id`,
    ),
    tags: await rows(
      p,
      `SELECT i.sku, t.value FROM ${DS}.orders__items__tags AS t
       JOIN ${DS}.orders__items AS i ON t._dlt_parent_id = i._dlt_id`,
    ),
  };
}

async function count(p: TempProject, sql: string): Promise<number> {
  const [row] = await p.query("shop_pipeline.duckdb", sql);
  return Number(Object.values(row)[0]);
}

const PAIRS: [Disposition, Disposition][] = [
  ["append", "replace"],
  ["append", "merge"],
  ["replace", "append"],
  ["replace", "merge"],
  ["merge", "append"],
  ["merge", "replace"],
];

for (const [from, to] of PAIRS) {
  Deno.test(`switching write disposition ${from} -> ${to} -> ${from} keeps loading correctly`, async () => {
    let run = 0;
    await using server = serve(() => json(ordersOf(run)));
    await using p = await tempProject();
    let model: Order[] = [];
    let merged = false;
    for (const disposition of [from, to, to, from]) {
      run++;
      const connector = await p.writeConnector({
        name: "shop",
        client: { base_url: server.url, paginator: "single_page" },
        resources: [{ name: "orders", write_disposition: disposition, primary_key: "id" }],
      });
      const res = await p.dltx(["run", connector]);
      const label = `run ${run} (${disposition}, after ${from} -> ${to})`;
      equal(res.code, 0, `${label}: ${res.stderr}`);
      model = expected(model, ordersOf(run), disposition);
      deepEqual(await actualRows(p), expectedRows(model), label);
      // No orphans: every child row is linked to a parent row.
      const items = await count(p, `SELECT count(*) FROM ${DS}.orders__items`);
      const tags = await count(p, `SELECT count(*) FROM ${DS}.orders__items__tags`);
      equal(items, expectedRows(model).items.length, `${label}: orphaned items`);
      equal(tags, expectedRows(model).tags.length, `${label}: orphaned tags`);
      merged ||= disposition === "merge";
      if (merged) {
        // Since the first merge, every child row carries its root row's `_dlt_id`.
        equal(
          await count(
            p,
            `SELECT count(*) FROM ${DS}.orders__items AS i JOIN ${DS}.orders AS o
             ON i._dlt_parent_id = o._dlt_id WHERE i._dlt_root_id IS DISTINCT FROM o._dlt_id`,
          ),
          0,
          `${label}: items without their root id`,
        );
        equal(
          await count(
            p,
            `SELECT count(*) FROM ${DS}.orders__items__tags AS t JOIN ${DS}.orders__items AS i
             ON t._dlt_parent_id = i._dlt_id WHERE t._dlt_root_id IS DISTINCT FROM i._dlt_root_id`,
          ),
          0,
          `${label}: tags without their root id`,
        );
      }
    }
  });
}

Deno.test("a switch to merge deletes child rows loaded before, also of a child table without new rows", async () => {
  let records: unknown[] = [
    { id: 1, items: [{ sku: "a", tags: ["x"] }] },
    { id: 2, items: [{ sku: "b", tags: ["y"] }] },
  ];
  await using server = serve(() => json(records));
  await using p = await tempProject();
  const write = (disposition: Disposition) =>
    p.writeConnector({
      name: "shop",
      client: { base_url: server.url, paginator: "single_page" },
      resources: [{ name: "orders", write_disposition: disposition, primary_key: "id" }],
    });
  equal((await p.dltx(["run", await write("append")])).code, 0);
  // The merge load has no tags at all: the tags table gets no rows, yet its old rows of
  // order 1 must go with their order.
  records = [{ id: 1, items: [{ sku: "c", tags: [] }] }];
  const res = await p.dltx(["run", await write("merge")]);
  equal(res.code, 0, res.stderr);
  deepEqual(await rows(p, `SELECT sku FROM ${DS}.orders__items`), [["b"], ["c"]]);
  deepEqual(await rows(p, `SELECT value FROM ${DS}.orders__items__tags`), [["y"]]);
});

Deno.test("switching between append and replace on the filesystem keeps loading", async () => {
  let run = 0;
  await using server = serve(() => json(ordersOf(run)));
  await using p = await tempProject();
  const env = { DESTINATION__FILESYSTEM__BUCKET_URL: "lake" };
  let model: Order[] = [];
  for (const disposition of ["append", "replace", "replace", "append", "append", "replace"]) {
    run++;
    const connector = await p.writeConnector({
      name: "shop",
      client: { base_url: server.url, paginator: "single_page" },
      resources: [{ name: "orders", write_disposition: disposition, primary_key: "id" }],
    });
    const res = await p.dltx(["run", connector, "--to", "filesystem"], env);
    equal(res.code, 0, `run ${run} (${disposition}): ${res.stderr}`);
    model = expected(model, ordersOf(run), disposition as Disposition);
    const lake = join(p.dir, "lake", DS);
    const db = await openDuckDb(":memory:");
    try {
      const read = async (sql: string) => sortRows((await db.query(sql)).map(Object.values));
      const table = (name: string) => `read_parquet('${lake}/${name}/*.parquet')`;
      deepEqual(
        {
          orders: await read(`SELECT id, v FROM ${table("orders")}`),
          items: await read(
            `SELECT o.id, o.v, i.sku FROM ${table("orders__items")} AS i
             JOIN ${table("orders")} AS o ON i._dlt_parent_id = o._dlt_id`,
          ),
          tags: await read(
            `SELECT i.sku, t.value FROM ${table("orders__items__tags")} AS t
             JOIN ${table("orders__items")} AS i ON t._dlt_parent_id = i._dlt_id`,
          ),
        },
        expectedRows(model),
        `run ${run} (${disposition})`,
      );
    } finally {
      db.close();
    }
  }
});
