import { deepStrictEqual, equal, throws } from "node:assert/strict";
import type { Deps } from "../deps.ts";
import { restApiSource } from "./rest_source.ts";
import type { Connector } from "./types.ts";

/** A fake API that answers `[{id: 1}]` and keeps every request. */
function fakeApi() {
  const requests: Request[] = [];
  const deps: Deps = {
    fetch: (input, init) => {
      requests.push(new Request(input, init));
      return Promise.resolve(Response.json([{ id: 1 }]));
    },
    now: () => new Date("2024-01-01T00:00:00Z"),
    sleep: () => Promise.resolve(),
  };
  return { deps, requests };
}

const optional: Connector = {
  name: "opt",
  config: { token: { secret: true, default: null }, api_key: { secret: true, default: null } },
  client: {
    base_url: "https://api.test/",
    headers: { apikey: "{api_key}" },
    auth: { type: "bearer", token: "{token}" },
    paginator: "single_page",
  },
  resources: [
    { name: "items", endpoint: { params: { key: "{api_key}" } } },
    { name: "form", endpoint: { method: "POST", data: { key: "{api_key}", page: "1" } } },
  ],
};

async function run(connector: Connector, config: Record<string, unknown>) {
  const api = fakeApi();
  const source = restApiSource(connector, { config, deps: api.deps, maxAttempts: 1 });
  for await (const _ of source.extract()) { /* drain */ }
  return api.requests;
}

Deno.test("restApiSource() leaves out headers, params and auth of unset optional fields", async () => {
  const [request, form] = await run(optional, {});
  equal(request.headers.has("apikey"), false);
  equal(request.headers.has("authorization"), false);
  equal(request.url, "https://api.test/items");
  equal(await form.text(), "page=1");
  const [given] = await run(optional, { token: "jwt", api_key: "k" });
  equal(given.headers.get("apikey"), "k");
  equal(given.headers.get("authorization"), "Bearer jwt");
  equal(given.url, "https://api.test/items?key=k");
});

Deno.test("restApiSource() fails when an unset optional field is the base_url or in a path", () => {
  throws(
    () =>
      restApiSource({
        name: "opt",
        config: { base_url: { default: null } },
        client: { base_url: "{base_url}" },
        resources: ["items"],
      }, { config: {} }),
    {
      name: "ConfigError",
      message: 'client.base_url "{base_url}" has no value: the config field it names is not set',
    },
  );
  throws(
    () =>
      restApiSource({
        ...optional,
        resources: [{ name: "items", endpoint: "items/{api_key}/x" }],
      }, { config: {} }),
    { name: "ConfigError", message: /placeholder \{api_key\} in endpoint.path .* is not set/ },
  );
});

Deno.test("restApiSource() repeats for_each resources per config item", async () => {
  const connector: Connector = {
    name: "pg",
    config: { tables: { default: null } },
    client: { base_url: "https://db.test/rest/v1/", paginator: "single_page" },
    resources: [{ name: "{table}", for_each: { field: "tables", as: "table" } }],
  };
  const source = restApiSource(connector, { config: { tables: "orders,customers" } });
  deepStrictEqual(source.resources.map((r) => r.name), ["orders", "customers"]);
  const requests = await run(connector, { tables: ["orders", "customers"] });
  deepStrictEqual(requests.map((r) => r.url), [
    "https://db.test/rest/v1/orders",
    "https://db.test/rest/v1/customers",
  ]);
});
