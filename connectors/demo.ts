/**
 * The built-in `demo` connector: loads the sample shop API of `scripts/demo_api.ts`
 * (customers, orders, products and each customer's reviews). Each endpoint pages differently,
 * so one run shows page-number, JSON-link and offset pagination, endpoint-level API key auth,
 * a parent/child resource, nested objects flattened into columns and lists split into child
 * tables. See `connectors/demo.md`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import demo from "./demo.ts";
 * equal(demo.name, "demo");
 * ```
 *
 * @module
 */

// Type-only import: a connector module has no runtime imports, so it loads as a plugin anywhere.
import type { Connector } from "../core/source/types.ts";

/** The `demo` connector (a dlt `RESTAPIConfig` plus metadata). */
const demo: Connector = {
  name: "demo",
  version: "0.1.0",
  description:
    "Sample shop API (customers, orders, products, reviews) served by scripts/demo_api.ts",
  docs_url: "connectors/demo.md",
  config: {
    base_url: {
      default: "http://127.0.0.1:8787",
      doc: "Base URL of the demo API, as `deno run -A scripts/demo_api.ts` prints it",
    },
    api_key: {
      secret: true,
      doc: "API key the demo API prints at start (sent as X-API-Key to /orders)",
    },
  },
  client: { base_url: "{base_url}" },
  // Merge on the primary keys: running the demo twice updates rows instead of duplicating them.
  resource_defaults: { primary_key: "id", write_disposition: "replace" },
  resources: [
    {
      name: "customers",
      endpoint: {
        path: "customers",
        params: { page_size: 20 },
        data_selector: "data",
        paginator: { type: "page_number", base_page: 1, page: 1, total_path: "total_pages" },
      },
    },
    {
      name: "orders",
      endpoint: {
        path: "orders",
        params: { limit: 25 },
        // Only /orders is protected; the other endpoints are public.
        auth: { type: "api_key", name: "X-API-Key", api_key: "{api_key}", location: "header" },
        data_selector: "results",
        paginator: { type: "json_link", next_url_path: "next" },
      },
    },
    {
      name: "products",
      endpoint: {
        path: "products",
        data_selector: "items",
        paginator: { type: "offset", limit: 10, total_path: "total" },
      },
    },
    {
      // One request per customer; `_customers_id` links each review to its customer.
      name: "customer_reviews",
      endpoint: {
        path: "customers/{resources.customers.id}/reviews",
        paginator: "single_page",
      },
      include_from_parent: ["id"],
    },
  ],
};

export default demo;
