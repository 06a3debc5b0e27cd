import { deepEqual, equal, match, ok } from "node:assert/strict";
import { validateConnector } from "../source/mod.ts";
import { defaultConnectorName, deriveConnector } from "./derive.ts";
import { listOperations } from "./operations.ts";
import { SHOP_DOCUMENT as DOCUMENT, SHOP_SPEC as SPEC } from "./_testing.ts";

function derive(names: string[]) {
  const operations = listOperations(DOCUMENT);
  const chosen = operations.operations.filter((op) => names.includes(op.name));
  return deriveConnector(SPEC, { name: "shop", chosen, operations, specLabel: "shop.yaml" });
}

// deno-lint-ignore no-explicit-any
const resource = (d: ReturnType<typeof derive>, name: string): any =>
  d.connector.resources.find((r) => typeof r === "object" && r.name === name);

Deno.test("deriveConnector() adds a chosen child's parents, not loaded, and fills its path from them", () => {
  const d = derive(["lines"]);
  deepEqual(d.connector.resources.map((r) => typeof r === "object" && r.name), [
    "customers",
    "orders",
    "lines",
  ]);
  equal(resource(d, "customers").selected, false);
  equal(resource(d, "orders").selected, false);
  deepEqual(resource(d, "orders").include_from_parent, ["id"]);
  equal(resource(d, "orders").endpoint.path, "customers/{resources.customers.id}/orders");
  // The grandparent's id reaches the lines through the orders' records (_customers_id).
  equal(
    resource(d, "lines").endpoint.path,
    "customers/{resources.orders._customers_id}/orders/{resources.orders.id}/lines",
  );
  equal(resource(d, "lines").selected, undefined);
});

Deno.test("deriveConnector() loads a parent that is chosen too, whatever the order", () => {
  const d = derive(["lines", "customers"]);
  equal(resource(d, "customers").selected, undefined);
  equal(d.resources.find((r) => r.operation.name === "customers")?.selected, true);
  equal(resource(d, "orders").selected, false);
});

Deno.test("deriveConnector() makes config fields of path params no parent provides and required params", () => {
  const d = derive(["staff", "search"]);
  equal(resource(d, "staff").endpoint.path, "stores/{store_id}/staff");
  equal(d.connector.config?.store_id.doc, "The store.");
  deepEqual(resource(d, "search").endpoint.params, { q: "{q}", mode: "fast" });
  deepEqual(resource(d, "search").endpoint.headers, { "X-Tenant": "{x_tenant}" });
  deepEqual(Object.keys(d.connector.config ?? {}), [
    "base_url",
    "token",
    "store_id",
    "q",
    "x_tenant",
  ]);
  const search = d.resources.find((r) => r.operation.name === "search")!;
  ok(search.notes.some((n) => /required cookie "session" is not sent/.test(n)));
});

Deno.test("deriveConnector() sets base_url, auth, replace, and a paginator and selector per resource", () => {
  const d = derive(["customers"]);
  deepEqual(d.connector.client, {
    base_url: "{base_url}",
    auth: { type: "bearer", token: "{token}" },
  });
  equal(d.connector.config?.base_url.default, "https://shop.example.com/api/");
  equal(d.connector.config?.token.secret, true);
  deepEqual(d.connector.resource_defaults, { write_disposition: "replace" });
  deepEqual(resource(d, "customers"), {
    name: "customers",
    primary_key: "id",
    endpoint: {
      path: "customers",
      data_selector: "data",
      paginator: {
        type: "page_number",
        page_param: "page",
        base_page: 1,
        total_path: "total_pages",
      },
    },
  });
});

Deno.test("deriveConnector() says in comments what it skipped and left out, never silently", () => {
  const d = derive(["customers", "report_csv"]);
  deepEqual(d.skipped.map((s) => [s.operation.path, s.reason]), [
    ["/report.csv", "it answers text/csv, not JSON records"],
  ]);
  const footer = d.annotations.afterOf([]).join("\n");
  match(footer, /GET \/report\.csv \(report_csv\): it answers text\/csv, not JSON records/);
  match(footer, /1 operation\(s\) of the spec are not GET \(POST 1\)/);
  match(footer, /4 more GET endpoint\(s\) of the spec were not chosen/);
  // The incremental hint sits before the params, commented out, with its snippet.
  const before = d.annotations.beforeOf(["resources", 0, "endpoint", "paginator"]);
  equal(before.length, 0);
  const hint = d.annotations.afterOf(["resources", 0, "endpoint"]);
  deepEqual(hint.find((l) => typeof l === "object"), {
    snippet: {
      updated_since: {
        type: "incremental",
        cursor_path: "updated_at",
        initial_value: "1970-01-01T00:00:00Z",
      },
    },
  });
  match(d.annotations.beforeOf(["resources", 0]).join("\n"), /GET \/customers: List customers/);
});

Deno.test("defaultConnectorName() makes an identifier of the spec's title", () => {
  equal(defaultConnectorName("Shop API"), "shop_api");
  equal(defaultConnectorName("GitHub's v3 REST API"), "githubs_v3_rest_api");
  equal(defaultConnectorName("42 things"), "api_42_things");
  equal(defaultConnectorName("???"), "api");
});

Deno.test("deriveConnector() writes each other auth scheme as a snippet that validates when swapped in", () => {
  const document = {
    ...DOCUMENT,
    security: [{ bearer: [] }, { key: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        key: { type: "apiKey", in: "query", name: "api_key" },
      },
    },
  };
  const operations = listOperations(document);
  const d = deriveConnector({ ...SPEC, document }, {
    name: "shop",
    chosen: operations.operations.filter((op) => op.name === "customers"),
    operations,
    specLabel: "shop.yaml",
  });
  const lines = d.annotations.beforeOf(["client", "auth"]);
  const snippets = lines.filter((l) => typeof l === "object").map((l) => l.snippet);
  deepEqual(snippets[0], {
    auth: { type: "api_key", name: "api_key", location: "query", api_key: "{api_key}" },
  });
  // Swapped in as the comment says, the connector is valid.
  const swapped = {
    ...d.connector,
    config: { ...d.connector.config, ...snippets[1] },
    client: { ...d.connector.client, ...snippets[0] },
  };
  equal(validateConnector(swapped, "shop.yaml").client.auth?.type, "api_key");
});
