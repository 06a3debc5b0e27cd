import { equal, match, notEqual } from "node:assert/strict";
import { newSchema } from "./schema.ts";
import type { Schema } from "./types.ts";
import { bumpVersion, computeVersionHash } from "./version.ts";

function withColumns(...names: string[]): Schema {
  const schema = newSchema("s");
  schema.tables.t = { name: "t", columns: {} };
  for (const name of names) {
    schema.tables.t.columns[name] = { name, data_type: "text", nullable: true };
  }
  return schema;
}

Deno.test("computeVersionHash() is base64 sha256 and ignores name and version", () => {
  const a = withColumns("x", "y");
  const b = withColumns("x", "y");
  b.name = "other";
  b.version = 7;
  match(computeVersionHash(a), /^[A-Za-z0-9+/]{43}=$/);
  equal(computeVersionHash(a), computeVersionHash(b));
});

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
