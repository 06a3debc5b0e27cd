/**
 * Builders for the OpenAPI tests: operations and responses as a resolved spec holds them.
 *
 * @module
 */

import type { OpenApiSpec, Operation, Parameter, Schema, SpecObject } from "./types.ts";

/** A GET operation of `path`; `name` defaults to the path's last segment. */
export function operation(path: string, fields: Partial<Operation> = {}): Operation {
  const last = path.split("/").filter((s) => s !== "" && !s.startsWith("{")).pop() ?? "root";
  return { path, name: last, deprecated: false, parameters: [], responses: {}, ...fields };
}

/** A `responses` object whose 200 answers JSON with `schema` (and documents `headers`). */
export function jsonResponses(schema: Schema, headers: string[] = []): SpecObject {
  return {
    "200": {
      description: "OK",
      ...(headers.length > 0
        ? { headers: Object.fromEntries(headers.map((h) => [h, { schema: { type: "string" } }])) }
        : {}),
      content: { "application/json": { schema } },
    },
  };
}

/** A query param. */
export function query(name: string, schema: Schema = { type: "string" }, extra = {}): Parameter {
  return { name, in: "query", required: false, schema, ...extra };
}

/** A list of objects with these properties (`required` lists required ones). */
export function listOf(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: "array", items: { type: "object", required, properties } };
}

const ID = { type: "integer" };

/** A small shop spec (3.1 shape, resolved): customers > orders > lines, a store's staff, a CSV report, a search. */
export const SHOP_DOCUMENT: SpecObject = {
  openapi: "3.1.0",
  info: { title: "Shop", version: "2" },
  servers: [{ url: "https://shop.example.com/api" }],
  security: [{ bearer: [] }],
  components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
  paths: {
    "/customers": {
      get: {
        summary: "List customers",
        parameters: [
          { name: "page", in: "query", schema: { type: "integer", minimum: 1 } },
          { name: "updated_since", in: "query", schema: { type: "string", format: "date-time" } },
        ],
        responses: jsonResponses({
          type: "object",
          properties: {
            data: listOf({ id: ID, updated_at: { type: "string" } }, ["id"]),
            total_pages: ID,
          },
        }),
      },
      post: { responses: {} },
    },
    "/customers/{customer_id}/orders": {
      get: {
        parameters: [{ name: "customer_id", in: "path", required: true }],
        responses: jsonResponses(listOf({ id: ID }, ["id"])),
      },
    },
    "/customers/{customer_id}/orders/{order_id}/lines": {
      get: {
        parameters: [
          { name: "customer_id", in: "path", required: true },
          { name: "order_id", in: "path", required: true },
        ],
        responses: jsonResponses(listOf({ sku: {} })),
      },
    },
    "/stores/{store_id}/staff": {
      get: {
        parameters: [{ name: "store_id", in: "path", required: true, description: "The store." }],
        responses: jsonResponses(listOf({ id: ID }, ["id"])),
      },
    },
    "/search": {
      get: {
        parameters: [
          { name: "q", in: "query", required: true, schema: { type: "string" } },
          { name: "mode", in: "query", required: true, schema: { enum: ["fast"] } },
          { name: "X-Tenant", in: "header", required: true, schema: { type: "string" } },
          { name: "session", in: "cookie", required: true },
        ],
        responses: jsonResponses(listOf({ id: ID })),
      },
    },
    "/report.csv": {
      get: { responses: { "200": { content: { "text/csv": { schema: { type: "string" } } } } } },
    },
  },
};

export const SHOP_SPEC: OpenApiSpec = {
  document: SHOP_DOCUMENT,
  version: "3.1.0",
  source: { kind: "file", path: "/specs/shop.yaml" },
  title: "Shop",
};
