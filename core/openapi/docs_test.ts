import { deepEqual, equal, match, ok } from "node:assert/strict";
import { parse } from "yaml";
import { deriveConnector } from "./derive.ts";
import { openApiDocs, openApiDocsYaml } from "./docs.ts";
import { listOperations } from "./operations.ts";
import { SHOP_DOCUMENT, SHOP_SPEC } from "./_testing.ts";

function docs(names: string[]) {
  const operations = listOperations(SHOP_DOCUMENT);
  const chosen = operations.operations.filter((op) => names.includes(op.name));
  return deriveConnector(SHOP_SPEC, { name: "shop", chosen, operations, specLabel: "shop.yaml" });
}

Deno.test("openApiDocs() lists each resource's endpoint, params and their use, paging and fields", () => {
  const d = docs(["customers", "search", "report_csv"]);
  const out = openApiDocs(d);
  // deno-lint-ignore no-explicit-any
  const customers = (out.resources as any[]).find((r) => r.name === "customers");
  equal(customers.endpoint, "GET /customers");
  deepEqual(customers.params.map((p: { name: string; used_as: string }) => [p.name, p.used_as]), [
    ["page", "set by the paginator"],
    ["updated_since", "not sent (optional)"],
  ]);
  equal(customers.paginator.type, "page_number");
  match(customers.paging, /"page" query param/);
  deepEqual(customers.response_fields, { id: "integer, required", updated_at: "string" });
  equal(customers.incremental.status, "commented out in the connector");
  deepEqual(out.skipped, [{
    endpoint: "GET /report.csv",
    name: "report_csv",
    reason: "it answers text/csv, not JSON records",
  }]);
  equal((out.other_get_endpoints as Record<string, string>).staff, "GET /stores/{store_id}/staff");
});

Deno.test("openApiDocs() names where credentials come from, never a value", () => {
  const out = openApiDocs(docs(["customers"]));
  deepEqual((out.auth as Record<string, unknown>).active, {
    scheme: "bearer",
    type: "bearer",
    token: "from config {token}",
  });
  // deno-lint-ignore no-explicit-any
  const token = (out.config as any[]).find((f) => f.name === "token");
  deepEqual([token.secret, token.file, token.env], [
    true,
    ".dlt/secrets.toml",
    "SOURCES__SHOP__TOKEN",
  ]);
  equal("default" in token, false);
});

Deno.test("openApiDocsYaml() is YAML with a header comment", () => {
  const text = openApiDocsYaml(docs(["customers"]));
  ok(text.startsWith("# shop: what the OpenAPI spec says"));
  equal(parse(text).connector, "shop");
});
