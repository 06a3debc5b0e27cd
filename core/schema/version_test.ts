import { deepStrictEqual, equal, match, notEqual } from "node:assert/strict";
import { newSchema } from "./schema.ts";
import type { Schema } from "./types.ts";
import { bumpVersion, computeVersionHash } from "./version.ts";
import { fromStoredSchema, toStoredSchema } from "./stored.ts";

function withColumns(...names: string[]): Schema {
  const schema = newSchema("s");
  schema.tables.t = { name: "t", columns: {} };
  for (const name of names) {
    schema.tables.t.columns[name] = { name, data_type: "text", nullable: true };
  }
  return schema;
}

Deno.test("computeVersionHash() is base64 SHA3-256, ignores version and history, not name", () => {
  const a = withColumns("x", "y");
  const b = withColumns("x", "y");
  b.version = 7;
  b.previous_hashes = ["abc"];
  match(computeVersionHash(a), /^[A-Za-z0-9+/]{43}=$/);
  equal(computeVersionHash(a), computeVersionHash(b));
  b.name = "other";
  notEqual(computeVersionHash(a), computeVersionHash(b));
});

Deno.test("computeVersionHash() of a schema dlt 1.26 stored is dlt's version_hash", async () => {
  // dlt's working-folder schema after one run (../shared/dlt_samples/continue_from_dlt).
  const doc = JSON.parse(
    await Deno.readTextFile(new URL("./testdata/dlt_1_26_shop.schema.json", import.meta.url)),
  );
  const schema = fromStoredSchema(doc, "the test");
  equal(schema.version_hash, "a39mbUtDCkVWVNozvn+tLLQIUajSH0nXgFNdwB5FHsc=");
  equal(computeVersionHash(schema), schema.version_hash);
  // Nothing changed: no new version.
  equal(bumpVersion(schema, schema.version_hash), false);
  // And stored back, it is the document dlt stored (key order aside).
  deepStrictEqual(sortKeys(toStoredSchema(schema)), sortKeys(doc));
  // A new column is a new version, with the old hash remembered first.
  schema.tables.orders.columns.note = { name: "note", data_type: "text", nullable: true };
  equal(bumpVersion(schema, doc.version_hash), true);
  equal(schema.version, 3);
  deepStrictEqual(schema.previous_hashes, [doc.version_hash, ...doc.previous_hashes]);
});

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(sortKeys);
  return Object.fromEntries(
    Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

Deno.test("computeVersionHash() ignores property order but not column order", () => {
  const a = withColumns("x", "y");
  const b = withColumns("x", "y");
  b.tables.t.columns.x = { nullable: true, data_type: "text", name: "x" };
  equal(computeVersionHash(a), computeVersionHash(b));
  notEqual(computeVersionHash(a), computeVersionHash(withColumns("y", "x")));
});

Deno.test("computeVersionHash() changes with any hint", () => {
  const a = withColumns("x");
  const before = computeVersionHash(a);
  a.tables.t.columns.x.primary_key = true;
  notEqual(computeVersionHash(a), before);
});

Deno.test("computeVersionHash() changes with merge and contract hints", () => {
  const a = withColumns("x");
  const hashes = new Set([computeVersionHash(a)]);
  a.tables.t.columns.x.hard_delete = true;
  hashes.add(computeVersionHash(a));
  a.tables.t.columns.x.dedup_sort = "desc";
  hashes.add(computeVersionHash(a));
  a.tables.t.merge_strategy = "upsert";
  hashes.add(computeVersionHash(a));
  a.tables.t.schema_contract = { tables: "freeze", columns: "evolve", data_type: "evolve" };
  hashes.add(computeVersionHash(a));
  a.tables.t.schema_contract.columns = "discard_row";
  hashes.add(computeVersionHash(a));
  equal(hashes.size, 6);
});

Deno.test("bumpVersion() raises the version only when the tables changed", () => {
  const schema = newSchema("s");
  const stored = schema.version_hash;
  equal(bumpVersion(schema, stored), false);
  equal(schema.version, 1);
  schema.tables.t = { name: "t", columns: {} };
  equal(bumpVersion(schema, stored), true);
  equal(schema.version, 2);
  notEqual(schema.version_hash, stored);
  equal(schema.version_hash, computeVersionHash(schema));
  // Bumping again against the new hash does nothing.
  equal(bumpVersion(schema, schema.version_hash), false);
  equal(schema.version, 2);
});
