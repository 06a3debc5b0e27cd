import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { InternalError } from "../errors.ts";
import { newSchema } from "./schema.ts";
import { childTables, rootTableOf } from "./tables.ts";
import type { Schema } from "./types.ts";

function family(): Schema {
  const schema = newSchema("s");
  for (
    const [name, parent] of [
      ["issues", undefined],
      ["issues__labels", "issues"],
      ["users", undefined],
      ["issues__labels__tags", "issues__labels"],
      ["issues__assignees", "issues"],
    ]
  ) {
    schema.tables[name!] = { name: name!, columns: {}, ...(parent ? { parent } : {}) };
  }
  return schema;
}

Deno.test("rootTableOf() walks up the parent chain", () => {
  const schema = family();
  equal(rootTableOf(schema, "issues__labels__tags").name, "issues");
  equal(rootTableOf(schema, schema.tables.issues__labels).name, "issues");
  equal(rootTableOf(schema, "users").name, "users");
});

Deno.test("rootTableOf() throws InternalError for unknown tables and cycles", () => {
  const schema = family();
  throws(() => rootTableOf(schema, "nope"), InternalError);
  schema.tables.issues.parent = "issues__labels__tags";
  throws(() => rootTableOf(schema, "issues__labels"), /parent cycle/);
});

Deno.test("rootTableOf() names a missing parent with an InternalError", () => {
  const schema = family();
  schema.tables.lost__child = { name: "lost__child", columns: {}, parent: "lost" };
  throws(
    () => rootTableOf(schema, "lost__child"),
    (err) =>
      err instanceof InternalError &&
      /Table "lost__child" names parent "lost", which is not in schema "s"/.test(err.message),
  );
});

Deno.test("childTables() lists all descendants in schema order", () => {
  const schema = family();
  deepStrictEqual(childTables(schema, "issues").map((t) => t.name), [
    "issues__labels",
    "issues__labels__tags",
    "issues__assignees",
  ]);
  deepStrictEqual(childTables(schema, "issues__labels").map((t) => t.name), [
    "issues__labels__tags",
  ]);
  deepStrictEqual(childTables(schema, "users"), []);
});

Deno.test("childTables() finds grandchildren stored before their parents", () => {
  const schema = newSchema("s");
  schema.tables.a__b__c = { name: "a__b__c", columns: {}, parent: "a__b" };
  schema.tables.a = { name: "a", columns: {} };
  schema.tables.a__b = { name: "a__b", columns: {}, parent: "a" };
  deepStrictEqual(childTables(schema, "a").map((t) => t.name), ["a__b__c", "a__b"]);
});
