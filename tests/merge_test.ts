/**
 * Merge end to end: delete-insert through `<dataset>_staging` with child tables following their
 * root rows, deduplication within a load (`dedup_sort`), `hard_delete`, `merge_key`, the
 * `upsert` and `insert-only` strategies, and a failed merge run that changes nothing.
 */
import { deepEqual, equal, match } from "node:assert/strict";
import { join } from "node:path";
import { json, serveApi, type TempProject, tempProject } from "./_helpers.ts";

type Row = Record<string, unknown>;

/** Runs the connector once and fails the test on a non-zero exit. */
async function runOk(p: TempProject, connector: string, label: string): Promise<void> {
  const res = await p.dltx(["run", connector]);
  equal(res.code, 0, `${label}: ${res.stderr}`);
}

/** `[...values]` of each row of `sql`, in order. */
async function tuples(p: TempProject, db: string, sql: string): Promise<unknown[][]> {
  return (await p.query(db, sql)).map((r) => Object.values(r));
}

Deno.test("merge replaces updated rows with their children, dedups a load and hard-deletes", async () => {
  let records: Row[] = [
    { id: 1, status: "new", items: [{ sku: "a" }, { sku: "b" }] },
    { id: 2, status: "draft", items: [{ sku: "stale" }] },
    { id: 3, status: "new", items: [{ sku: "d" }] },
    // The same key again later in the load: the later record is the newer state.
    { id: 2, status: "new", items: [{ sku: "c" }] },
  ];
  await using server = serveApi(() => records);
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "shop",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [{
      name: "orders",
      write_disposition: "merge",
      primary_key: "id",
      columns: { deleted: { hard_delete: true } },
    }],
  });
  const db = "shop_pipeline.duckdb";
  const ds = "shop_pipeline_dataset";
  const orders = () => tuples(p, db, `SELECT id, status FROM ${ds}.orders ORDER BY id`);
  // Child rows by their root's key: no orphans, nothing of a replaced version left.
  const items = () =>
    tuples(
      p,
      db,
      `SELECT o.id, i.sku FROM ${ds}.orders__items AS i
       LEFT JOIN ${ds}.orders AS o ON o._dlt_id = i._dlt_root_id ORDER BY o.id, i._dlt_list_idx`,
    );

  await runOk(p, connector, "run 1");
  deepEqual(await orders(), [[1, "new"], [2, "new"], [3, "new"]]);
  deepEqual(await items(), [[1, "a"], [1, "b"], [2, "c"], [3, "d"]]);
  const [staging] = await p.query(
    db,
    `SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name = '${ds}_staging'`,
  );
  equal(Number(staging.n), 1, "the merge went through the staging dataset");

  records = [
    // A new column in the child table arrives with the update.
    { id: 1, status: "paid", items: [{ sku: "x", qty: 2 }] },
    { id: 3, deleted: true },
    { id: 4, status: "new", items: [{ sku: "e" }, { sku: "f" }] },
    { id: 5, status: "gone", deleted: true }, // deleted before it was ever loaded
  ];
  await runOk(p, connector, "run 2");
  deepEqual(await orders(), [[1, "paid"], [2, "new"], [4, "new"]]);
  deepEqual(await items(), [[1, "x"], [2, "c"], [4, "e"], [4, "f"]]);
  deepEqual(
    await tuples(p, db, `SELECT sku, qty FROM ${ds}.orders__items WHERE qty IS NOT NULL`),
    [["x", 2]],
  );

  // A later `deleted: false` is an ordinary update.
  records = [{ id: 2, status: "shipped", deleted: false, items: [] }];
  await runOk(p, connector, "run 3");
  deepEqual(await orders(), [[1, "paid"], [2, "shipped"], [4, "new"]]);
  deepEqual(await items(), [[1, "x"], [4, "e"], [4, "f"]]);
});

Deno.test("merge evolves the schema through staging; the last record of a key decides a delete", async () => {
  let records: Row[] = [{ id: 1, total: 10, s: "a" }, { id: 2, total: 11 }, { id: 3, total: 1 }];
  await using server = serveApi(() => records);
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "m",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [{
      name: "o",
      write_disposition: "merge",
      primary_key: "id",
      columns: { deleted: { hard_delete: true } },
    }],
  });
  await runOk(p, connector, "run 1");
  records = [
    { id: 1, total: "n/a", note: "x" }, // a variant and a new column, both new to staging
    { id: 2, total: 5, deleted: false },
    { id: 2, deleted: true }, // deleted last: gone
    { id: 3, deleted: true },
    { id: 3, total: 9, deleted: false }, // deleted, then back: stays, updated
  ];
  await runOk(p, connector, "run 2");
  deepEqual(
    await tuples(
      p,
      "m_pipeline.duckdb",
      "SELECT id, total, total__v_text, s, note, deleted FROM m_pipeline_dataset.o ORDER BY id",
    ),
    [[1, null, "n/a", null, "x", null], [3, 9, null, null, null, false]],
  );
});

Deno.test("dedup_sort keeps the highest (desc) or lowest (asc) version of a key in one load", async () => {
  await using server = serveApi(() => [
    { id: 1, version: 2, v: "two" },
    { id: 1, version: 3, v: "three" },
    { id: 1, version: 1, v: "one" },
    { id: 2, version: 7, v: "only" },
  ]);
  await using p = await tempProject();
  const resource = (name: string, order: string) => ({
    name,
    endpoint: "versions",
    write_disposition: "merge",
    primary_key: "id",
    columns: { version: { dedup_sort: order } },
  });
  const connector = await p.writeConnector({
    name: "ver",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [resource("newest", "desc"), resource("oldest", "asc")],
  });
  await runOk(p, connector, "run");
  const db = "ver_pipeline.duckdb";
  const ds = "ver_pipeline_dataset";
  deepEqual(await tuples(p, db, `SELECT id, v FROM ${ds}.newest ORDER BY id`), [
    [1, "three"],
    [2, "only"],
  ]);
  deepEqual(await tuples(p, db, `SELECT id, v FROM ${ds}.oldest ORDER BY id`), [
    [1, "one"],
    [2, "only"],
  ]);
});

Deno.test("merge_key replaces every row of a key (and its children), leaving other keys", async () => {
  let records: Row[] = [
    { day: "2024-01-01", metric: "x", tags: ["t1"] },
    { day: "2024-01-01", metric: "y", tags: ["t2"] },
    { day: "2024-01-02", metric: "z", tags: ["t3", "t4"] },
    { day: "2024-01-02", metric: "w", tags: [] },
  ];
  await using server = serveApi(() => records);
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "stats",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [{ name: "daily", write_disposition: "merge", merge_key: "day" }],
  });
  const db = "stats_pipeline.duckdb";
  const ds = "stats_pipeline_dataset";
  await runOk(p, connector, "run 1");
  records = [
    { day: "2024-01-02", metric: "q", tags: ["t5"] },
    { day: "2024-01-03", metric: "r", tags: [] },
  ];
  await runOk(p, connector, "run 2");
  deepEqual(await tuples(p, db, `SELECT day, metric FROM ${ds}.daily ORDER BY day, metric`), [
    ["2024-01-01", "x"],
    ["2024-01-01", "y"],
    ["2024-01-02", "q"],
    ["2024-01-03", "r"],
  ]);
  deepEqual(
    await tuples(
      p,
      db,
      `SELECT d.metric, t.value FROM ${ds}.daily__tags AS t
       JOIN ${ds}.daily AS d ON d._dlt_id = t._dlt_root_id ORDER BY t.value`,
    ),
    [["x", "t1"], ["y", "t2"], ["q", "t5"]],
  );
  const [{ n }] = await p.query(db, `SELECT count(*) AS n FROM ${ds}.daily__tags`);
  equal(Number(n), 3, "the children of the replaced day are gone");
});

Deno.test("upsert updates and inserts by key; insert-only never touches a loaded row", async () => {
  let records: Row[] = [
    { id: 1, name: "ann", emails: ["a@x"] },
    { id: 2, name: "bob", emails: ["b@x"] },
    { id: 4, name: "dee", emails: ["d@x"] },
  ];
  await using server = serveApi(() => records);
  await using p = await tempProject();
  const resource = (name: string, strategy: string, columns = {}) => ({
    name,
    endpoint: "accounts",
    primary_key: "id",
    write_disposition: { disposition: "merge", strategy },
    columns,
  });
  const connector = await p.writeConnector({
    name: "crm",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [
      resource("upserted", "upsert", { gone: { hard_delete: true } }),
      resource("inserted", "insert-only"),
    ],
  });
  const db = "crm_pipeline.duckdb";
  const ds = "crm_pipeline_dataset";
  await runOk(p, connector, "run 1");
  records = [
    { id: 2, name: "bobby", emails: ["b2@x", "b3@x"] },
    { id: 3, name: "cy", emails: [] },
    { id: 3, name: "cyd", emails: ["c@x"] }, // twice in one load: the later one stays
    { id: 4, name: "dee", gone: true }, // a hard delete for upsert, a plain row for insert-only
  ];
  await runOk(p, connector, "run 2");
  const view = async (table: string) => ({
    rows: await tuples(p, db, `SELECT id, name FROM ${ds}.${table} ORDER BY id`),
    emails: await tuples(
      p,
      db,
      `SELECT r.id, e.value FROM ${ds}.${table}__emails AS e
       LEFT JOIN ${ds}.${table} AS r ON r._dlt_id = e._dlt_root_id ORDER BY r.id, e.value`,
    ),
  });
  deepEqual(await view("upserted"), {
    rows: [[1, "ann"], [2, "bobby"], [3, "cyd"]],
    emails: [[1, "a@x"], [2, "b2@x"], [2, "b3@x"], [3, "c@x"]],
  });
  deepEqual(await view("inserted"), {
    rows: [[1, "ann"], [2, "bob"], [3, "cyd"], [4, "dee"]],
    emails: [[1, "a@x"], [2, "b@x"], [3, "c@x"], [4, "d@x"]],
  });
});

Deno.test("a merge run that fails on page 2 leaves the table, loads and cursor as they were", async () => {
  let rows: Row[] = [1, 2, 3, 4].map((id) => ({
    id,
    v: `v1-${id}`,
    updated_at: `2024-03-0${id}T00:00:00Z`,
    parts: [{ n: id }],
  }));
  let failPage: number | undefined;
  await using server = serveApi((url) => {
    const page = Number(url.searchParams.get("page") ?? 1);
    if (page === failPage) return json({ message: "upstream down" }, { status: 503 });
    const since = Date.parse(url.searchParams.get("since") ?? "");
    const fresh = rows.filter((r) => Date.parse(String(r.updated_at)) >= since);
    return {
      data: fresh.slice((page - 1) * 2, page * 2),
      total_pages: Math.ceil(fresh.length / 2),
    };
  });
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "inv",
    client: {
      base_url: server.url,
      paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
    },
    resources: [{
      name: "stock",
      write_disposition: "merge",
      primary_key: "id",
      endpoint: {
        path: "stock",
        data_selector: "data",
        params: {
          since: {
            type: "incremental",
            cursor_path: "updated_at",
            initial_value: "2024-01-01T00:00:00Z",
          },
        },
      },
    }],
  });
  const db = "inv_pipeline.duckdb";
  const ds = "inv_pipeline_dataset";
  const statePath = join(p.env.DLTX_PIPELINES_DIR, "inv_pipeline", "state.json");
  const snapshot = async () => ({
    stock: await tuples(p, db, `SELECT * FROM ${ds}.stock ORDER BY id`),
    parts: await tuples(p, db, `SELECT * FROM ${ds}.stock__parts ORDER BY _dlt_id`),
    loads: await tuples(p, db, `SELECT load_id FROM ${ds}._dlt_loads ORDER BY 1`),
    states: await tuples(p, db, `SELECT version FROM ${ds}._dlt_pipeline_state ORDER BY 1`),
    local: await Deno.readTextFile(statePath),
  });
  await runOk(p, connector, "run 1");
  const before = await snapshot();
  equal(before.stock.length, 4);

  // Every record changes (newer cursor); page 1 of the run arrives, page 2 fails.
  rows = rows.map((r) => ({
    ...r,
    v: `v2-${r.id}`,
    updated_at: `2024-04-0${r.id}T00:00:00Z`,
    parts: [{ n: 10 * Number(r.id) }],
  }));
  failPage = 2;
  const failed = await p.dltx(["run", connector], { RUNTIME__REQUEST_MAX_ATTEMPTS: "1" });
  equal(failed.code, 1);
  match(failed.stderr, /503/);
  deepEqual(await snapshot(), before);

  // The API recovers: the next run starts from the committed cursor and gets it all.
  failPage = undefined;
  await runOk(p, connector, "run 3");
  equal(
    new URL(server.requests.at(-1)!.url).searchParams.get("since"),
    "2024-03-04T00:00:00Z",
  );
  deepEqual(await tuples(p, db, `SELECT id, v FROM ${ds}.stock ORDER BY id`), [
    [1, "v2-1"],
    [2, "v2-2"],
    [3, "v2-3"],
    [4, "v2-4"],
  ]);
  deepEqual(
    await tuples(p, db, `SELECT n FROM ${ds}.stock__parts ORDER BY n`),
    [[10], [20], [30], [40]],
  );
});
