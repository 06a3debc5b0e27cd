/** Schema evolution end to end: new columns on a later run, variant columns, nesting limits. */
import { deepEqual, equal } from "node:assert/strict";
import { json, serve, tempProject } from "./_helpers.ts";

Deno.test("a later run adds new columns; values of another type land in a variant column", async () => {
  let records: unknown[] = [{ id: 1, price: 10 }, { id: 2, price: 12 }];
  await using server = serve(() => json(records));
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "evolve",
    client: { base_url: server.url, paginator: "single_page" },
    resources: ["products"],
  });
  equal((await p.dltx(["run", connector])).code, 0);
  records = [
    { id: 3, price: "n/a", color: "red", meta: { updatedAt: "2024-02-03T04:05:06+02:00" } },
    { id: 4, price: 15, color: "blue" },
  ];
  const res = await p.dltx(["run", connector]);
  equal(res.code, 0, res.stderr);
  const rows = await p.query(
    "evolve_pipeline.duckdb",
    `SELECT id, price, price__v_text, color, meta__updated_at::VARCHAR AS updated
     FROM evolve_pipeline_dataset.products ORDER BY id`,
  );
  deepEqual(rows.map((r) => [r.id, r.price, r.price__v_text, r.color, r.updated]), [
    [1, 10, null, null, null],
    [2, 12, null, null, null],
    [3, null, "n/a", "red", "2024-02-03 02:05:06+00"],
    [4, 15, null, "blue", null],
  ]);
  const [{ n }] = await p.query(
    "evolve_pipeline.duckdb",
    "SELECT count(*) AS n FROM evolve_pipeline_dataset._dlt_version",
  );
  equal(Number(n), 2, "each schema version is recorded once");
});

Deno.test("max_table_nesting stores deeper data as JSON instead of child tables", async () => {
  await using server = serve(() =>
    json([{ id: 1, tags: ["a", "b"], owner: { name: "x", teams: [{ id: 7 }] } }])
  );
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "nest",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [{ name: "repos", max_table_nesting: 0 }],
  });
  const res = await p.dltx(["run", connector]);
  equal(res.code, 0, res.stderr);
  const tables = await p.query(
    "nest_pipeline.duckdb",
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'nest_pipeline_dataset' AND table_name NOT LIKE '\\_dlt%' ESCAPE '\\'`,
  );
  deepEqual(tables.map((t) => t.table_name), ["repos"]);
  const [row] = await p.query(
    "nest_pipeline.duckdb",
    "SELECT tags::VARCHAR AS tags, owner->>'name' AS owner FROM nest_pipeline_dataset.repos",
  );
  deepEqual([row.tags, row.owner], ['["a","b"]', "x"]);
});
