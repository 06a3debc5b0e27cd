import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { DataError } from "../errors.ts";
import { newSchema, type Schema } from "../schema/mod.ts";
import type { ResourceInfo } from "../source/mod.ts";
import { keyPointer } from "./_collisions.ts";
import { FieldNode } from "./_table_state.ts";
import type { NameCollision } from "./name_collision.ts";
import { Normalizer } from "./normalizer.ts";

type Row = Record<string, unknown>;
const ID = /^[A-Za-z0-9+/]{14}$/;

function resource(overrides: Partial<ResourceInfo> = {}): ResourceInfo {
  return {
    name: "things",
    tableName: "things",
    writeDisposition: "append",
    primaryKey: [],
    mergeKey: [],
    selected: true,
    ...overrides,
  };
}

function run(records: unknown[], info: ResourceInfo = resource(), schema = newSchema("t")) {
  const seen: NameCollision[] = [];
  const normalizer = new Normalizer(schema, { loadId: "1.1", onCollision: (c) => seen.push(c) });
  const rows: Record<string, Row[]> = {};
  for (const record of records) {
    normalizer.normalize(record, info, (table, row) => (rows[table] ??= []).push(row));
  }
  return { rows, schema, normalizer, seen };
}

/** The data columns of a row, without the `_dlt_*` ones. */
function data(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith("_dlt_")));
}

Deno.test("colliding keys: the later plain key of an object wins", () => {
  const { rows, seen } = run([
    { userName: "camel", user_name: "snake" },
    { user_name: "snake", userName: "camel" },
  ]);
  deepStrictEqual(rows.things.map(data), [{ user_name: "snake" }, { user_name: "camel" }]);
  // Once per table and pair, whichever came first.
  deepStrictEqual(seen, [{
    resource: "things",
    table: "things",
    kind: "column",
    name: "user_name",
    kept: "/user_name",
    dropped: "/userName",
  }]);
});

Deno.test("colliding keys: a nested object's key wins over a plain one in either order", () => {
  const { rows } = run([
    { a: { b: "nested" }, a__b: "plain" },
    { a__b: "plain", a: { b: "nested" } },
    { x: { a: { b: "deep" }, a__b: "plain" } },
  ]);
  deepStrictEqual(rows.things.map(data), [
    { a__b: "nested" },
    { a__b: "nested" },
    { x__a__b: "deep" },
  ]);
});

Deno.test("colliding keys: of two nested objects the earlier one wins (dlt walks them last first)", () => {
  const { rows, seen } = run([{ a: { b__c: "first" }, a__b: { c: "second" } }]);
  deepStrictEqual(rows.things.map(data), [{ a__b__c: "first" }]);
  equal(seen[0].kept, "/a/b__c");
  equal(seen[0].dropped, "/a__b/c");
});

Deno.test("colliding keys: only the kept value types the column and changes the schema", () => {
  // The first record shows the collision: the dropped "text" must leave no trace.
  const { rows, schema, normalizer } = run([{ userName: "text", user_name: 5 }]);
  deepStrictEqual(rows.things.map(data), [{ user_name: 5 }]);
  deepStrictEqual(
    Object.keys(schema.tables.things.columns).filter((c) => !c.startsWith("_dlt_")),
    ["user_name"],
  );
  equal(schema.tables.things.columns.user_name.data_type, "bigint");
  deepStrictEqual(
    normalizer.newColumns.map((c) => c.column.name).filter((c) => !c.startsWith("_dlt_")),
    ["user_name"],
  );
});

Deno.test("colliding keys: a key met earlier, cached in the key order, still collides later", () => {
  const records: Row[] = [];
  for (let i = 0; i < 5; i++) records.push({ a: i, userName: `u${i}` });
  records.push({ a: 5, userName: "dropped", user_name: "kept" });
  records.push({ a: 6, userName: "dropped again", user_name: "kept again" });
  records.push({ a: 7, userName: "alone" });
  const { rows, seen } = run(records);
  deepStrictEqual(rows.things.slice(5).map(data), [
    { a: 5, user_name: "kept" },
    { a: 6, user_name: "kept again" },
    { a: 7, user_name: "alone" },
  ]);
  equal(seen.length, 1);
});

Deno.test("colliding keys: records using one spelling each merge without a report", () => {
  const { rows, seen } = run([{ userName: "a" }, { user_name: "b" }, { "User Name": "c" }]);
  deepStrictEqual(rows.things.map(data), [
    { user_name: "a" },
    { user_name: "b" },
    { user_name: "c" },
  ]);
  deepStrictEqual(seen, []);
});

Deno.test("colliding keys: a later null wins, an earlier null loses, as in dlt", () => {
  const { rows } = run([{ x: 1, X: null }, { X: null, x: 2 }]);
  deepStrictEqual(rows.things.map(data), [{}, { x: 2 }]);
});

Deno.test("colliding keys: a kept null in a primary key throws, a dropped one does not", () => {
  const info = resource({ primaryKey: ["id"] });
  const schema = newSchema("t");
  run([{ id: 0 }], info, schema);
  const { rows } = run([{ ID: null, id: 1 }], info, schema);
  deepStrictEqual(rows.things.map(data), [{ id: 1 }]);
  throws(() => run([{ ID: 1, id: null }], info, schema), DataError);
});

Deno.test("colliding keys: lists of one child table keep the kept key's items", () => {
  const { rows, seen } = run([
    { "a.b": [1, 2], a_b: [3] },
    { a_b: [4], "a.b": [] }, // an empty list wins too: no rows
    { a: { b: [5] }, a__b: [6] },
  ]);
  deepStrictEqual(rows.things__a_b.map(data), [{ value: 3 }]);
  deepStrictEqual(rows.things__a__b.map(data), [{ value: 5 }]);
  deepStrictEqual(
    seen.map((c) => [c.kind, c.name, c.kept, c.dropped]),
    [
      ["table", "things__a_b", "/a_b", "/a.b"],
      ["table", "things__a__b", "/a/b", "/a__b"],
    ],
  );
});

Deno.test("colliding keys: a column and a list of the same name do not collide", () => {
  const { rows, seen } = run([{ tag: "x", Tag: ["y"] }]);
  deepStrictEqual(rows.things.map(data), [{ tag: "x" }]);
  deepStrictEqual(rows.things__tag.map(data), [{ value: "y" }]);
  deepStrictEqual(seen, []);
});

Deno.test("colliding keys: keys of list items collide within their child row", () => {
  const { rows, seen } = run([{ items: [{ skuId: 1, sku_id: 2 }, { skuId: 3 }] }]);
  deepStrictEqual(rows.things__items.map(data), [{ sku_id: 2 }, { sku_id: 3 }]);
  equal(seen[0].table, "things__items");
});

Deno.test("colliding keys: a discard_value contract counts a row's discards once", () => {
  const schema = newSchema("t");
  run([{ id: 1 }], resource(), schema);
  const info = resource({
    schemaContract: { tables: "evolve", columns: "discard_value", data_type: "evolve" },
  });
  // `extra` is discarded before `userName`/`user_name` collide for the first time.
  const { rows, normalizer } = run(
    [{ id: 2, extra: 1, userName: "a", user_name: "b" }],
    info,
    schema,
  );
  deepStrictEqual(rows.things.map(data), [{ id: 2 }]);
  deepStrictEqual(normalizer.discarded, { things: { rows: 0, values: 2 } });
});

Deno.test("a record's own _dlt_id is its row id and its children's parent and root id", () => {
  const { rows, seen } = run(
    [
      { id: 1, _dlt_id: "own", items: [{ n: 1, _dlt_id: "item", sub: [{ m: 1 }] }] },
      { id: 2, _dlt_id: "" },
      { id: 3, _dlt_id: 0 },
      { id: 4, _dlt_id: null },
      { id: 5, _dlt_id: 7 },
    ],
    resource({ writeDisposition: "merge" }),
  );
  deepStrictEqual(rows.things.map((r) => r._dlt_id).slice(0, 1), ["own"]);
  for (const row of rows.things.slice(1, 4)) ok(ID.test(String(row._dlt_id)), String(row._dlt_id));
  equal(rows.things[4]._dlt_id, "7");
  const [item] = rows.things__items;
  deepStrictEqual(
    [item._dlt_id, item._dlt_parent_id, item._dlt_root_id, item._dlt_list_idx],
    ["item", "own", "own", 0],
  );
  const [sub] = rows.things__items__sub;
  deepStrictEqual([sub._dlt_parent_id, sub._dlt_root_id], ["item", "own"]);
  deepStrictEqual(seen, []);
});

Deno.test("an own _dlt_id makes the system column, typed text, even on the first row", () => {
  const { schema } = run([{ _dlt_id: 5 }]);
  deepStrictEqual(schema.tables.things.columns._dlt_id, {
    name: "_dlt_id",
    data_type: "text",
    nullable: false,
    unique: true,
    row_key: true,
  });
});

Deno.test("other _dlt_* keys give way to the values dlt sets, with a report", () => {
  const { rows, schema, seen } = run(
    [{
      _dlt_load_id: "fake",
      items: [{ _dlt_parent_id: "p", _dlt_list_idx: "i", _dlt_root_id: "r", n: 1 }],
    }],
    resource({ writeDisposition: "merge" }),
  );
  equal(rows.things[0]._dlt_load_id, "1.1");
  const [item] = rows.things__items;
  equal(item._dlt_parent_id, rows.things[0]._dlt_id);
  equal(item._dlt_root_id, rows.things[0]._dlt_id);
  equal(item._dlt_list_idx, 0);
  equal(schema.tables.things__items.columns._dlt_list_idx.data_type, "bigint");
  deepStrictEqual(
    seen.map((c) => [c.kind, c.table, c.name, c.dropped, c.kept]),
    [
      ["system_column", "things", "_dlt_load_id", "/_dlt_load_id", undefined],
      ["system_column", "things__items", "_dlt_parent_id", "/_dlt_parent_id", undefined],
      ["system_column", "things__items", "_dlt_list_idx", "/_dlt_list_idx", undefined],
      ["system_column", "things__items", "_dlt_root_id", "/_dlt_root_id", undefined],
    ],
  );
});

Deno.test("a _dlt_root_id key of a child row without root ids is plain data", () => {
  const { rows, seen } = run([{ items: [{ _dlt_root_id: "mine" }] }]);
  equal(rows.things__items[0]._dlt_root_id, "mine");
  deepStrictEqual(seen, []);
});

Deno.test("child rows keep _dlt_root_id after the resource leaves merge", () => {
  const schema = newSchema("t");
  run([{ id: 1, items: [{ n: 1 }] }], resource({ writeDisposition: "merge" }), schema);
  for (const writeDisposition of ["append", "replace"] as const) {
    const { rows } = run([{ id: 2, items: [{ n: 2 }] }], resource({ writeDisposition }), schema);
    equal(rows.things__items[0]._dlt_root_id, rows.things[0]._dlt_id, writeDisposition);
  }
});

Deno.test("a switch to merge gives every child table _dlt_root_id, also those without rows", () => {
  const schema: Schema = newSchema("t");
  run([{ id: 1, items: [{ tags: ["x"] }] }], resource(), schema);
  equal(schema.tables.things__items__tags.columns._dlt_root_id, undefined);
  const { normalizer } = run([{ id: 2 }], resource({ writeDisposition: "merge" }), schema);
  for (const table of ["things__items", "things__items__tags"]) {
    ok(schema.tables[table].columns._dlt_root_id?.root_key, table);
  }
  deepStrictEqual(
    normalizer.newColumns.map((c) => `${c.table}.${c.column.name}`),
    ["things__items._dlt_root_id", "things__items__tags._dlt_root_id"],
  );
});

Deno.test("keyPointer() escapes ~ and / as JSON pointers do", () => {
  const a = new FieldNode("a", false, undefined);
  a.key = "a/b";
  const b = new FieldNode("a__c", false, undefined);
  b.key = "~c";
  b.parentNode = a;
  equal(keyPointer(b), "/a~1b/~0c");
});
