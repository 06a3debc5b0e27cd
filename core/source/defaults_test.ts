import { deepStrictEqual, equal } from "node:assert/strict";
import { effectivePaginator, expandResource, isSingleEntityPath } from "./defaults.ts";
import type { ResourceConfig, ResourceDefaults } from "./types.ts";

Deno.test("expandResource() turns a bare string into name + path", () => {
  deepStrictEqual(expandResource("users"), { name: "users", endpoint: { path: "users" } });
});

Deno.test("expandResource() reads a string endpoint as the path and defaults path to the name", () => {
  equal(expandResource({ name: "a", endpoint: "x/y" }).endpoint.path, "x/y");
  equal(expandResource({ name: "a" }).endpoint.path, "a");
  equal(expandResource({ name: "a", endpoint: { method: "POST" } }).endpoint.path, "a");
});

Deno.test("expandResource() merges resource_defaults as dlt does", () => {
  const defaults: ResourceDefaults = {
    primary_key: "id",
    write_disposition: "merge",
    max_table_nesting: 2,
    columns: { a: { data_type: "text", nullable: false }, b: { data_type: "bigint" } },
    endpoint: {
      params: { per_page: 100, state: "all" },
      json: { filter: { x: 1 }, size: 5 },
      headers: { "X-A": "1" },
      paginator: "header_link",
      data_selector: "items",
    },
  };
  const resource: ResourceConfig = {
    name: "issues",
    write_disposition: "append",
    columns: { a: { nullable: true }, c: { data_type: "bool" } },
    endpoint: {
      params: { state: "open" },
      json: { filter: { y: 2 } },
      headers: { "X-B": "2" },
    },
  };
  const out = expandResource(resource, defaults);
  deepStrictEqual(out.endpoint, {
    // endpoint keys: shallow (headers replaced, not merged)
    headers: { "X-B": "2" },
    paginator: "header_link",
    data_selector: "items",
    path: "issues",
    // params and json: one level deep
    params: { per_page: 100, state: "open" },
    json: { filter: { y: 2 }, size: 5 },
  });
  equal(out.primary_key, "id");
  equal(out.write_disposition, "append");
  equal(out.max_table_nesting, 2);
  deepStrictEqual(out.columns, {
    a: { data_type: "text", nullable: true },
    b: { data_type: "bigint" },
    c: { data_type: "bool" },
  });
  // inputs are left alone
  deepStrictEqual(resource.endpoint, {
    params: { state: "open" },
    json: { filter: { y: 2 } },
    headers: { "X-B": "2" },
  });
});

Deno.test("expandResource() keeps default params/json when the resource has none", () => {
  const out = expandResource("a", { endpoint: { params: { p: 1 }, json: [1, 2] } });
  deepStrictEqual(out.endpoint.params, { p: 1 });
  deepStrictEqual(out.endpoint.json, [1, 2]);
});

Deno.test("effectivePaginator() prefers endpoint, then resource_defaults, then client", () => {
  const client = { base_url: "https://x/", paginator: "json_link" as const };
  equal(effectivePaginator(expandResource("a").endpoint, client), "json_link");
  const withDefaults = expandResource("a", { endpoint: { paginator: "header_link" } });
  equal(effectivePaginator(withDefaults.endpoint, client), "header_link");
  const own = expandResource(
    { name: "a", endpoint: { paginator: "single_page" } },
    { endpoint: { paginator: "header_link" } },
  );
  equal(effectivePaginator(own.endpoint, client), "single_page");
});

Deno.test("isSingleEntityPath() spots a placeholder in the last path segment", () => {
  equal(isSingleEntityPath("issues/{resources.issues.number}"), true);
  equal(isSingleEntityPath("users/{id}/"), true);
  equal(isSingleEntityPath("users/{id}.json"), true);
  equal(isSingleEntityPath("issues/{resources.issues.number}/comments"), false);
  equal(isSingleEntityPath("users"), false);
  equal(isSingleEntityPath("users/{{literal}}"), false);
});

Deno.test('effectivePaginator(): "auto" sets none, so an endpoint falls back to the client (dlt)', () => {
  const client = { base_url: "https://x/", paginator: "json_link" as const };
  // dlt creates no paginator for "auto": the client's is used, even over resource_defaults.
  const auto = expandResource({ name: "a", endpoint: { path: "a", paginator: "auto" } }, {
    endpoint: { paginator: "header_link" },
  });
  equal(effectivePaginator(auto.endpoint, client), "json_link");
  const typed = expandResource({ name: "a", endpoint: { path: "a", paginator: { type: "auto" } } });
  equal(effectivePaginator(typed.endpoint, client), "json_link");
  // A client "auto" means detect it from the first response.
  equal(
    effectivePaginator(auto.endpoint, { base_url: "https://x/", paginator: "auto" }),
    undefined,
  );
  equal(effectivePaginator(expandResource("a").endpoint, { base_url: "https://x/" }), undefined);
});
