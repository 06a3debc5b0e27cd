import { deepStrictEqual, equal, notStrictEqual } from "node:assert/strict";
import { cloneSchema, newSchema } from "./schema.ts";
import { SCHEMA_ENGINE_VERSION } from "./types.ts";
import { computeVersionHash } from "./version.ts";

Deno.test("newSchema() starts at version 1 with the hash of no tables", () => {
  const schema = newSchema("github");
  equal(schema.name, "github");
  equal(schema.version, 1);
  equal(schema.engine_version, SCHEMA_ENGINE_VERSION);
  deepStrictEqual(schema.tables, {});
  equal(schema.version_hash, computeVersionHash(schema));
  deepStrictEqual(schema.previous_hashes, []);
  deepStrictEqual(schema.settings?.detections, ["iso_timestamp"]);
  equal(schema.normalizers?.names, "snake_case");
  // dlt hashes the name too.
  equal(newSchema("github").version_hash, schema.version_hash);
  notStrictEqual(newSchema("other").version_hash, schema.version_hash);
});

Deno.test("cloneSchema() copies deeply and keeps order", () => {
  const schema = newSchema("s");
  schema.tables.b = { name: "b", columns: { z: { name: "z", data_type: "text", nullable: true } } };
  schema.tables.a = { name: "a", columns: {}, parent: "b" };
  const copy = cloneSchema(schema);
  deepStrictEqual(copy, schema);
  deepStrictEqual(Object.keys(copy.tables), ["b", "a"]);
  notStrictEqual(copy.tables.b.columns.z, schema.tables.b.columns.z);
  copy.tables.b.columns.z.nullable = false;
  equal(schema.tables.b.columns.z.nullable, true);
});
