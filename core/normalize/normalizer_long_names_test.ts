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
