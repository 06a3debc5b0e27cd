import { deepEqual, equal } from "node:assert/strict";
import { jsonResponses, listOf, operation } from "./_testing.ts";
import { responseShape } from "./response.ts";
import type { SpecObject } from "./types.ts";

const item = { type: "object", properties: { id: { type: "integer" } } };

function shapeOf(responses: SpecObject, name = "items") {
  return responseShape(operation("/items", { name, responses }));
}

Deno.test("responseShape() reads a list at the root: no data_selector", () => {
  const shape = shapeOf(jsonResponses({ type: "array", items: item }));
  equal(shape.kind, "list");
  if (shape.kind !== "list") return;
  equal(shape.dataSelector, undefined);
  deepEqual(shape.item, item);
});

Deno.test("responseShape() finds the records' array in a wrapper object", () => {
  const shape = shapeOf(jsonResponses({
    type: "object",
    properties: { total: { type: "integer" }, data: { type: "array", items: item } },
  }));
  equal(shape.kind === "list" && shape.dataSelector, "data");
});

Deno.test("responseShape() looks one level down and through allOf for the array", () => {
  const nested = shapeOf(jsonResponses({
    type: "object",
    properties: {
      result: { type: "object", properties: { rows: { type: "array", items: item } } },
    },
  }));
  equal(nested.kind === "list" && nested.dataSelector, "result.rows");
  const composed = shapeOf(jsonResponses({
    allOf: [
      { type: "object", properties: { page: { type: "integer" } } },
      { type: "object", properties: { records: { type: "array", items: item } } },
    ],
  }));
  equal(composed.kind === "list" && composed.dataSelector, "records");
});

Deno.test("responseShape() prefers dlt's record keys, then the resource's name, among several lists", () => {
  const keys = shapeOf(jsonResponses({
    type: "object",
    properties: { warnings: listOf({ code: {} }), results: listOf({ id: {} }) },
  }));
  equal(keys.kind === "list" && keys.dataSelector, "results");
  if (keys.kind === "list") deepEqual(keys.otherLists, ["warnings"]);
  const named = shapeOf(
    jsonResponses({
      type: "object",
      properties: {
        total_count: { type: "integer" },
        jobs: listOf({ id: {} }),
        workflow_runs: listOf({ id: {} }),
      },
    }),
    "runs",
  );
  equal(named.kind === "list" && named.dataSelector, "workflow_runs");
});

Deno.test("responseShape() reads an entity with an id as one object, its lists as its children", () => {
  const shape = shapeOf(jsonResponses({
    type: "object",
    properties: { id: { type: "integer" }, labels: listOf({ name: {} }) },
  }));
  equal(shape.kind, "object");
  // A list of strings (tags) does not make records either.
  const tags = shapeOf(jsonResponses({
    type: "object",
    properties: { name: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
  }));
  equal(tags.kind, "object");
});

Deno.test("responseShape() says why an operation answers no records", () => {
  const reason = (responses: SpecObject) => {
    const shape = shapeOf(responses);
    return shape.kind === "none" ? shape.reason : shape.kind;
  };
  equal(reason({}), "the spec documents no success (2xx) response");
  equal(reason({ "204": { description: "gone" } }), "it answers 204 No Content");
  equal(
    reason({ "200": { content: { "text/csv": { schema: { type: "string" } } } } }),
    "it answers text/csv, not JSON records",
  );
  equal(
    reason({ "200": { description: "OK" } }),
    "the spec documents no JSON body for its 200 response",
  );
  equal(reason(jsonResponses({ type: "string" })), "it answers string, not records");
  // `default` is used only when it has a JSON body; here it is an error answer.
  equal(
    reason({ default: { description: "error" } }),
    "the spec documents no success (2xx) response",
  );
});

Deno.test("responseShape() takes 2XX, other 2xx and a JSON default, and vendor +json types", () => {
  const list = { "application/vnd.github+json": { schema: { type: "array", items: item } } };
  for (const code of ["2XX", "206", "default"]) {
    const shape = shapeOf({ [code]: { content: list } });
    equal(shape.kind, "list", code);
    equal(shape.kind === "list" && shape.mediaType, "application/vnd.github+json");
  }
  const headers = shapeOf({ "200": { headers: { Link: {} }, content: list } });
  equal(headers.kind === "list" && headers.headers.has("link"), true);
});
