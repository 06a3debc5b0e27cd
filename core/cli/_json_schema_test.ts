import { deepEqual, equal } from "node:assert/strict";
import type { Table } from "../schema/mod.ts";
import { JsonSchemaInferrer, jsonSchemaOfTable } from "./_json_schema.ts";

Deno.test("JsonSchemaInferrer infers nested types with the normalizer's timestamp detection", () => {
  const inferrer = new JsonSchemaInferrer();
  equal(
    inferrer.add({
      id: 1,
      score: 1.5,
      ok: true,
      at: "2024-01-02T03:04:05Z",
      day: "2024-01-02",
      user: { login: "x" },
      tags: [{ t: "a" }],
      ids: [1, 2],
      empty: [],
      nothing: null,
    }),
    true,
  );
  deepEqual(inferrer.schema(), {
    type: "object",
    properties: {
      id: { type: ["null", "integer"] },
      score: { type: ["null", "number"] },
      ok: { type: ["null", "boolean"] },
      at: { type: ["null", "string"], format: "date-time" },
      day: { type: ["null", "string"] },
      user: { type: ["null", "object"], properties: { login: { type: ["null", "string"] } } },
      tags: {
        type: ["null", "array"],
        items: { type: ["null", "object"], properties: { t: { type: ["null", "string"] } } },
      },
      ids: { type: ["null", "array"], items: { type: ["null", "integer"] } },
      empty: { type: ["null", "array"], items: {} },
      nothing: { type: ["null"] },
    },
  });
});

Deno.test("JsonSchemaInferrer.add() reports only changes", () => {
  const inferrer = new JsonSchemaInferrer();
  equal(inferrer.add({ id: 1, at: "2024-01-02T03:04:05Z", tags: [{ t: "a" }] }), true);
  equal(inferrer.add({ id: 2, at: "2024-02-02T03:04:05Z", tags: [{ t: "b" }] }), false);
  equal(inferrer.add({ id: 3 }), false);
  // A new nested property, a wider number, a string that is no timestamp: each is a change.
  equal(inferrer.add({ tags: [{ t: "c", n: 1 }] }), true);
  equal(inferrer.add({ id: 2.5 }), true);
  deepEqual(inferrer.schema().properties!.id, { type: ["null", "number"] });
  equal(inferrer.add({ at: "yesterday" }), true);
  deepEqual(inferrer.schema().properties!.at, { type: ["null", "string"] });
  equal(inferrer.add({ at: "2024-02-02T03:04:05Z" }), false);
});

Deno.test("JsonSchemaInferrer keeps hinted properties as hinted", () => {
  const inferrer = new JsonSchemaInferrer({
    at: { data_type: "timestamp" },
    n: { nullable: true },
  });
  equal(inferrer.add({ at: "not a date", n: 1 }), true);
  equal(inferrer.add({ at: 5 }), false);
  deepEqual(inferrer.schema(), {
    type: "object",
    properties: {
      n: { type: ["null", "integer"] },
      at: { type: ["null", "string"], format: "date-time" },
    },
  });
});

Deno.test("jsonSchemaOfTable() maps column types and nullability", () => {
  const table: Table = {
    name: "t",
    columns: {
      id: { name: "id", data_type: "bigint", nullable: false, primary_key: true },
      at: { name: "at", data_type: "timestamp", nullable: true },
      d: { name: "d", data_type: "date", nullable: true },
      x: { name: "x", data_type: "double", nullable: true },
      j: { name: "j", data_type: "json", nullable: true },
      b: { name: "b", data_type: "bool", nullable: true },
    },
  };
  deepEqual(jsonSchemaOfTable(table), {
    type: "object",
    properties: {
      id: { type: "integer" },
      at: { type: ["null", "string"], format: "date-time" },
      d: { type: ["null", "string"], format: "date" },
      x: { type: ["null", "number"] },
      j: {},
      b: { type: ["null", "boolean"] },
    },
  });
});
