import { deepEqual, equal } from "node:assert/strict";
import { listOperations } from "./operations.ts";

Deno.test("listOperations() makes every GET a candidate and counts the other methods", () => {
  const { operations, others } = listOperations({
    paths: {
      "/pets": {
        get: { operationId: "listPets", summary: "All pets", responses: {} },
        post: { operationId: "createPet", responses: {} },
      },
      "/pets/{id}": { delete: { responses: {} } },
      "/health": { get: { deprecated: true, responses: {} } },
    },
  });
  deepEqual(operations.map((o) => [o.path, o.name, o.operationId, o.deprecated]), [
    ["/pets", "pets", "listPets", false],
    ["/health", "health", undefined, true],
  ]);
  deepEqual(others, [
    { method: "POST", path: "/pets", operationId: "createPet" },
    { method: "DELETE", path: "/pets/{id}" },
  ]);
});

Deno.test("listOperations() merges path-level params, the operation's winning, path params required", () => {
  const { operations } = listOperations({
    paths: {
      "/shops/{shop}/items": {
        parameters: [
          { name: "shop", in: "path", schema: { type: "integer" } },
          { name: "lang", in: "query", description: "path level" },
        ],
        get: {
          parameters: [
            { name: "lang", in: "query", required: true, description: "operation level" },
            {
              name: "filter",
              in: "query",
              content: { "application/json": { schema: { type: "object" } } },
            },
            { name: "bad", in: "body" },
            "not a param",
          ],
          security: [{ key: [] }],
          responses: {},
        },
      },
    },
  });
  const [op] = operations;
  deepEqual(op.parameters.map((p) => [p.name, p.in, p.required, p.description]), [
    ["shop", "path", true, undefined],
    ["lang", "query", true, "operation level"],
    ["filter", "query", false, undefined],
  ]);
  equal(op.parameters[2].schema?.type, "object");
  deepEqual(op.security, [{ key: [] }]);
});

Deno.test("listOperations() copes with a spec without paths", () => {
  deepEqual(listOperations({}), { operations: [], others: [] });
});
