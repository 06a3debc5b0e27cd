/**
 * Keys that become the same name after normalization, end to end: dlt's naming stays, the
 * value dlt keeps is kept (the later key of a record, a nested object's key over a plain one),
 * and each collision that drops a value is reported once per table and pair of keys as a
 * warning and a `name_collision` event, naming both keys, the column and the resource. A
 * record's own `_dlt_id` is its row id, as in dlt; other `_dlt_*` keys give way to dlt's.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { json, serve, type TempProject, tempProject } from "./_helpers.ts";

type Row = Record<string, unknown>;

const DB = "names_pipeline.duckdb";
const DS = "names_pipeline_dataset";

/** An API with one endpoint per resource, each returning `data[resource]`. */
function api(data: Record<string, unknown[]>) {
  return serve((req) => json(data[new URL(req.url).pathname.slice(1)] ?? []));
}

async function connector(p: TempProject, url: string, resources: unknown[]): Promise<string> {
  return await p.writeConnector({
    name: "names",
    client: { base_url: url, paginator: "single_page" },
    resources,
  });
}

async function rows(p: TempProject, sql: string): Promise<unknown[][]> {
  return (await p.query(DB, sql)).map((r) => Object.values(r));
}

async function columns(p: TempProject, table: string): Promise<string[]> {
  const found = await p.query(
    DB,
    `SELECT column_name FROM information_schema.columns WHERE table_schema = '${DS}' AND ` +
      `table_name = '${table}' ORDER BY column_name`,
  );
  return found.map((r) => String(r.column_name));
}

/** The warning lines of a text-format run. */
function warnings(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.startsWith("warning: "));
}

Deno.test("colliding keys of a record keep the value dlt keeps and warn once per table and pair", async () => {
  const records: Row[] = [
    // Three spellings of one column: the last one wins.
    { id: 1, userName: "camel", user_name: "snake", "User Name": "spaced" },
    // Different records using different spellings merge into the column without a warning.
    { id: 2, userName: "only camel" },
    { id: 3, user_name: "only snake" },
    // The same pair again, in the other order: still the later key, and no second warning.
    { id: 4, user_name: "first", userName: "second" },
    // A null is a value too: the later key's null empties the column, as in dlt.
    { id: 5, userName: "dropped", user_name: null },
    { id: 6, "a.b": 1, "a b": 2, a__b: 3, A__B: 4, "": "empty", __: "underscores" },
    // A nested object's key wins over a plain key, whichever comes first (dlt flattens
    // nested objects after the plain keys of their parent).
    { id: 7, x: { y: "nested" }, x__y: "plain" },
    { id: 8, x__y: "plain", x: { y: "nested" } },
  ];
  await using server = api({ people: records });
  await using p = await tempProject();
  const res = await p.dltx(["run", await connector(p, server.url, ["people"])]);
  equal(res.code, 0, res.stderr);
  deepEqual(await columns(p, "people"), [
    "_dlt_id",
    "_dlt_load_id",
    "_empty",
    "a__b",
    "a_b",
    "id",
    "user_name",
    "x__y",
  ]);
  deepEqual(
    await rows(p, `SELECT id, user_name, a_b, a__b, _empty, x__y FROM ${DS}.people ORDER BY id`),
    [
      [1, "spaced", null, null, null, null],
      [2, "only camel", null, null, null, null],
      [3, "only snake", null, null, null, null],
      [4, "second", null, null, null, null],
      [5, null, null, null, null, null],
      [6, null, 2, 4, "underscores", null],
      [7, null, null, null, null, "nested"],
      [8, null, null, null, null, "nested"],
    ],
  );
  const lines = warnings(res.stderr);
  const expected = [
    ["/userName", "/user_name", "user_name", "/user_name"],
    ["/user_name", "/User Name", "user_name", "/User Name"],
    ["/a.b", "/a b", "a_b", "/a b"],
    ["/a__b", "/A__B", "a__b", "/A__B"],
    ["/", "/__", "_empty", "/__"],
    ["/x__y", "/x/y", "x__y", "/x/y"],
  ];
  equal(lines.length, expected.length, res.stderr);
  for (const [line, [dropped, kept, column, winner]] of lines.map((l, i) => [l, expected[i]])) {
    equal(
      line,
      `warning: Keys "${dropped}" and "${kept}" of resource "people" both become column ` +
        `"${column}" of table "people": where a row has both, the value of "${winner}" is kept ` +
        "and the other dropped",
    );
  }
});

Deno.test("keys of list items and lists that become one child table collide the same way", async () => {
  const records: Row[] = [
    {
      id: 1,
      items: [{ skuId: "a", sku_id: "b" }, { sku_id: "c" }],
      "tag.list": ["dropped"],
      tag_list: ["kept-1", "kept-2"],
    },
    // A nested object's list wins over a plain list of the same child table.
    { id: 2, tag: { list: ["nested"] }, tag__list: ["plain"] },
  ];
  await using server = api({ orders: records });
  await using p = await tempProject();
  const res = await p.dltx(["run", await connector(p, server.url, ["orders"])]);
  equal(res.code, 0, res.stderr);
  deepEqual(await rows(p, `SELECT sku_id FROM ${DS}.orders__items ORDER BY _dlt_list_idx`), [
    ["b"],
    ["c"],
  ]);
  deepEqual(
    await rows(
      p,
      `SELECT o.id, t.value FROM ${DS}.orders__tag_list AS t JOIN ${DS}.orders AS o
       ON t._dlt_parent_id = o._dlt_id ORDER BY o.id, t._dlt_list_idx`,
    ),
    [[1, "kept-1"], [1, "kept-2"]],
  );
  deepEqual(
    await rows(
      p,
      `SELECT o.id, t.value FROM ${DS}.orders__tag__list AS t JOIN ${DS}.orders AS o
       ON t._dlt_parent_id = o._dlt_id ORDER BY o.id, t._dlt_list_idx`,
    ),
    [[2, "nested"]],
  );
  // The root row's collisions are found first: its child rows are built after it.
  deepEqual(warnings(res.stderr), [
    'warning: Lists "/tag.list" and "/tag_list" of resource "orders" both become child table ' +
    '"orders__tag_list" of table "orders": where a row has both, the items of "/tag_list" are ' +
    "kept and the other list dropped",
    'warning: Keys "/skuId" and "/sku_id" of resource "orders" both become column "sku_id" of ' +
    'table "orders__items": where a row has both, the value of "/sku_id" is kept and the ' +
    "other dropped",
    'warning: Lists "/tag__list" and "/tag/list" of resource "orders" both become child table ' +
    '"orders__tag__list" of table "orders": where a row has both, the items of "/tag/list" are ' +
    "kept and the other list dropped",
  ]);
});

Deno.test("a record's own _dlt_id is its row id, as in dlt; other _dlt_* keys give way to dlt's", async () => {
  let records: Row[] = [
    { id: 1, _dlt_id: "order-1", _dlt_load_id: "fake", items: [{ sku: "a" }, { sku: "b" }] },
    // Empty ids are no ids (dlt: `if not row_id`): the row gets a generated one.
    { id: 2, _dlt_id: "", items: [{ sku: "c", _dlt_parent_id: "fake", _dlt_id: "item-c" }] },
    { id: 3, _dlt_id: 0 },
  ];
  await using server = serve(() => json(records));
  await using p = await tempProject();
  const path = await connector(p, server.url, [
    { name: "orders", write_disposition: "merge", primary_key: "id" },
  ]);
  const res = await p.dltx(["run", path]);
  equal(res.code, 0, res.stderr);
  const roots = await p.query(DB, `SELECT id, _dlt_id, _dlt_load_id FROM ${DS}.orders ORDER BY id`);
  deepEqual(roots.map((r) => [r.id, r._dlt_id]).slice(0, 1), [[1, "order-1"]]);
  for (const row of roots.slice(1)) match(String(row._dlt_id), /^[A-Za-z0-9+/]{14}$/);
  ok(roots.every((r) => /^\d+\.\d+$/.test(String(r._dlt_load_id))), "dlt's load id stays");
  // Children hang off the own id (parent and root key); an item's own id is kept, and it is
  // still linked to its parent.
  const items = await p.query(
    DB,
    `SELECT o.id, i.sku, i._dlt_id = o._dlt_id AS same, i._dlt_root_id = o._dlt_id AS rooted,
       i._dlt_id AS item_id FROM ${DS}.orders__items AS i JOIN ${DS}.orders AS o
     ON i._dlt_parent_id = o._dlt_id ORDER BY i.sku`,
  );
  deepEqual(items.map((r) => [r.id, r.sku, r.rooted]), [[1, "a", true], [1, "b", true], [
    2,
    "c",
    true,
  ]]);
  equal(items[2].item_id, "item-c");
  deepEqual(warnings(res.stderr), [
    'warning: Key "/_dlt_load_id" of resource "orders" becomes dlt\'s system column ' +
    '"_dlt_load_id" of table "orders": the system value is kept and the key\'s value dropped',
    'warning: Key "/_dlt_parent_id" of resource "orders" becomes dlt\'s system column ' +
    '"_dlt_parent_id" of table "orders__items": the system value is kept and the key\'s value ' +
    "dropped",
  ]);

  // Merge finds the old version's children by the own id.
  records = [{ id: 1, _dlt_id: "order-1", items: [{ sku: "z" }] }];
  const again = await p.dltx(["run", path]);
  equal(again.code, 0, again.stderr);
  deepEqual(
    await rows(
      p,
      `SELECT o.id, i.sku FROM ${DS}.orders__items AS i JOIN ${DS}.orders AS o
       ON i._dlt_root_id = o._dlt_id ORDER BY o.id, i.sku`,
    ),
    [[1, "z"], [2, "c"]],
  );
  equal((await rows(p, `SELECT count(*) FROM ${DS}.orders__items`))[0][0], 2n);
});

Deno.test("--log-format json reports a collision as a name_collision event and a warning", async () => {
  await using server = api({ people: [{ userName: "a", user_name: "b" }, { userName: "c" }] });
  await using p = await tempProject();
  const res = await p.dltx([
    "run",
    await connector(p, server.url, ["people"]),
    "--log-format",
    "json",
  ]);
  equal(res.code, 0, res.stderr);
  const lines = res.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  const events = lines.filter((l) => l.event === "name_collision");
  deepEqual(events.map(({ ts: _ts, ...rest }) => rest), [{
    event: "name_collision",
    resource: "people",
    table: "people",
    kind: "column",
    name: "user_name",
    dropped: "/userName",
    kept: "/user_name",
  }]);
  const warned = lines.filter((l) => l.level === "warning");
  equal(warned.length, 1, res.stderr);
  match(warned[0].message, /Keys "\/userName" and "\/user_name" of resource "people"/);
});

Deno.test("run --to jsonl --normalize warns about colliding keys too", async () => {
  await using server = api({ people: [{ userName: "a", user_name: "b" }] });
  await using p = await tempProject();
  const res = await p.dltx([
    "run",
    await connector(p, server.url, ["people"]),
    "--to",
    "jsonl",
    "--normalize",
  ]);
  equal(res.code, 0, res.stderr);
  const [row] = res.stdout.trim().split("\n").map((l) => JSON.parse(l));
  equal(row.user_name, "b");
  equal(warnings(res.stderr).length, 1, res.stderr);
});
