import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { newSchema } from "../schema/mod.ts";
import type { ResourceInfo } from "../source/mod.ts";
import { shortenIdentifier } from "./naming.ts";
import { Normalizer } from "./normalizer.ts";

const items: ResourceInfo = {
  name: "items",
  tableName: "items",
  writeDisposition: "append",
  primaryKey: [],
  mergeKey: [],
  selected: true,
};

/** A record with `depth` levels of nested lists. */
function nested(depth: number): Record<string, unknown> {
  let node: Record<string, unknown> = { name: "leaf" };
  for (let i = 0; i < depth; i++) node = { name: `level ${i}`, children: [node] };
  return { id: 1, ...node };
}

function normalize(maxTableNameLength?: number, resource = items) {
  const schema = newSchema("s");
  const normalizer = new Normalizer(schema, { loadId: "1.1", maxTableNameLength });
  const tables: string[] = [];
  normalizer.normalize(nested(40), resource, (table) => tables.push(table));
  return { schema, tables };
}

Deno.test("Normalizer shortens table names over the destination's limit as dlt does", () => {
  const { schema, tables } = normalize(200);
  equal(tables.length, 41);
  for (const table of tables) ok(table.length <= 200, table);
  // Up to the limit the names are dlt's plain paths.
  equal(tables[19], "items" + "__children".repeat(19));
  // Past it: dlt's `shorten_fragments` of the full path (value computed with dlt's algorithm).
  equal(
    tables[30],
    "items__children__children__children__children__children__children__children__children__" +
      "children__lkizgwhildren__children__children__children__children__children__children__" +
      "children__children__children",
  );
  // Every name comes from the full path, not from the shortened parent's name.
  for (let depth = 20; depth <= 40; depth++) {
    const path = "items" + "__children".repeat(depth);
    equal(tables[depth], shortenIdentifier(path, path, 200));
  }
  equal(new Set(tables).size, 41, "distinct names stay distinct");
  // The schema links each child to its (shortened) parent.
  for (let depth = 1; depth <= 40; depth++) {
    equal(schema.tables[tables[depth]].parent, tables[depth - 1]);
  }
});

Deno.test("Normalizer keeps long table names without a limit, and shortens long root names", () => {
  const { tables } = normalize();
  equal(tables[40], "items" + "__children".repeat(40));
  const root = "a_very_long_resource_name_".repeat(10) + "end";
  const { tables: short } = normalize(100, { ...items, name: root, tableName: root });
  equal(short[0], shortenIdentifier(root, root, 100));
  equal(short[0].length, 100);
  deepStrictEqual(short.filter((t) => t.length > 100), []);
});

Deno.test("Normalizer shortens column names over the destination's limit as dlt does", () => {
  const schema = newSchema("s");
  const normalizer = new Normalizer(schema, { loadId: "1.1", maxTableNameLength: 63 });
  const long = "a_field_name_long_enough_to_pass_postgres_limit_of_sixty_three_";
  const rows: Record<string, unknown>[] = [];
  const record = {
    id: 1,
    [`${long}one`]: "x",
    [`${long}two`]: "y",
    [`${long}num`]: 1,
    outer: { [`${long}inner`]: 1 },
    short: 1,
  };
  normalizer.normalize(record, items, (_table, row) => rows.push(row));
  // A type change makes a variant column, shortened from the full variant name.
  normalizer.normalize({ ...record, [`${long}num`]: "n/a" }, items, (_t, row) => rows.push(row));
  const columns = Object.keys(schema.tables.items.columns);
  for (const name of columns) ok(name.length <= 63, name);
  // A top-level key: dlt's `normalize_path(key)`, tagged from the key.
  ok(columns.includes(shortenIdentifier(`${long}one`, `${long}one`, 63)), columns.join());
  ok(columns.includes(shortenIdentifier(`${long}two`, `${long}two`, 63)), columns.join());
  // A nested key: dlt's `shorten_fragments(outer, normalize_path(inner))`, tagged from the
  // joined path of the (each shortened) keys.
  const inner = shortenIdentifier(`${long}inner`, `${long}inner`, 63);
  const joined = `outer__${inner}`;
  ok(columns.includes(shortenIdentifier(joined, joined, 63)), columns.join());
  const oneName = shortenIdentifier(`${long}one`, `${long}one`, 63);
  const numName = shortenIdentifier(`${long}num`, `${long}num`, 63);
  const variant = `${numName}__v_text`;
  ok(columns.includes(shortenIdentifier(variant, variant, 63)), columns.join());
  ok(columns.includes("short"));
  equal(new Set(columns).size, columns.length);
  equal(rows[0][oneName], "x");
  // Without a limit, names stay whole.
  const whole = newSchema("s");
  new Normalizer(whole, { loadId: "1.1" }).normalize(record, items, () => {});
  ok(Object.keys(whole.tables.items.columns).includes(`outer__${long}inner`));
});
