import { deepStrictEqual, equal } from "node:assert/strict";
import { diffSchema } from "./diff.ts";
import { cloneSchema, newSchema } from "./schema.ts";
import type { Column, Schema } from "./types.ts";

function column(name: string): Column {
  return { name, data_type: "text", nullable: true };
}

function schemaWith(tables: Record<string, string[]>): Schema {
  const schema = newSchema("s");
  for (const [name, columns] of Object.entries(tables)) {
    schema.tables[name] = {
      name,
      columns: Object.fromEntries(columns.map((c) => [c, column(c)])),
    };
  }
  return schema;
}

Deno.test("diffSchema() creates every table when nothing is stored", () => {
  const current = schemaWith({ issues: ["id", "title"], issues__labels: ["name"] });
  const diff = diffSchema(undefined, current);
  deepStrictEqual(diff.map((d) => [d.table.name, d.isNew, d.newColumns.map((c) => c.name)]), [
    ["issues", true, ["id", "title"]],
    ["issues__labels", true, ["name"]],
  ]);
  equal(diff[0].table, current.tables.issues);
});

Deno.test("diffSchema() lists added columns and new tables only", () => {
  const stored = schemaWith({ issues: ["id", "title"], users: ["id"] });
  const current = cloneSchema(stored);
  current.tables.issues.columns.body = column("body");
  current.tables.issues__labels = { name: "issues__labels", columns: { name: column("name") } };
  const diff = diffSchema(stored, current);
  deepStrictEqual(diff.map((d) => [d.table.name, d.isNew, d.newColumns.map((c) => c.name)]), [
    ["issues", false, ["body"]],
    ["issues__labels", true, ["name"]],
  ]);
});

Deno.test("diffSchema() never drops tables or columns", () => {
  const stored = schemaWith({ issues: ["id", "title"], old: ["x"] });
  const current = schemaWith({ issues: ["id"] });
  deepStrictEqual(diffSchema(stored, current), []);
});

Deno.test("diffSchema() skips tables without columns", () => {
  deepStrictEqual(diffSchema(undefined, schemaWith({ empty: [] })), []);
});
