import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { configList, expandForEach } from "./for_each.ts";
import type { Connector, ResourceConfig } from "./types.ts";

const connector: Connector = {
  name: "pg",
  config: { tables: { default: null }, functions: { default: null } },
  client: { base_url: "https://db.test/rest/v1" },
  resources: [
    "health",
    {
      name: "{table}",
      for_each: { field: "tables", as: "table" },
      table_name: "t_{table}",
      endpoint: { path: "{table}", params: { select: "*", "{{literal}}": "{table}" } },
    },
    {
      name: "rpc_{fn}",
      for_each: { field: "functions", as: "fn" },
      endpoint: { path: "rpc/{fn}", method: "POST", json: {} },
    },
  ],
};

const names = (c: Connector) => c.resources.map((r) => typeof r === "string" ? r : r.name);

Deno.test("expandForEach() makes one resource per item, in place of the template", () => {
  const out = expandForEach(connector, { tables: ["orders", "line items"], functions: "top" });
  deepStrictEqual(names(out), ["health", "orders", "line items", "rpc_top"]);
  const orders = out.resources[1] as ResourceConfig;
  deepStrictEqual(orders, {
    name: "orders",
    table_name: "t_orders",
    endpoint: { path: "orders", params: { select: "*", "{{literal}}": "orders" } },
  });
  equal((out.resources[3] as ResourceConfig).endpoint && "rpc/top", "rpc/top");
  // The template is left alone for the next run.
  equal((connector.resources[1] as ResourceConfig).name, "{table}");
});

Deno.test("expandForEach() escapes braces of an item inside endpoint templates", () => {
  const out = expandForEach(connector, { tables: ["a{b}"], functions: null });
  const endpoint = (out.resources[1] as ResourceConfig).endpoint as { path: string };
  equal(endpoint.path, "a{{b}}");
});

Deno.test("expandForEach() rejects repeated names and an empty result", () => {
  throws(() => expandForEach(connector, { tables: ["health"], functions: null }), {
    name: "ConfigError",
    message:
      'Two resources are named "health"; check the names listed in tables, functions for repeats or clashes with other resources',
  });
  const only = { ...connector, resources: connector.resources.slice(1) };
  throws(() => expandForEach(only, { tables: [], functions: null }), {
    name: "ConfigError",
    message:
      'Connector "pg" has no resources to load: sources.pg.tables, sources.pg.functions are empty; list what to load there, e.g. tables = ["a", "b"] in .dlt/config.toml',
  });
});

Deno.test("configList() reads lists, JSON lists and comma-separated names", () => {
  deepStrictEqual(configList(["a", " b ", 3], "k"), ["a", "b", "3"]);
  deepStrictEqual(configList('["a","b"]', "k"), ["a", "b"]);
  deepStrictEqual(configList(" a, b,,c ", "k"), ["a", "b", "c"]);
  deepStrictEqual(configList(null, "k"), []);
  throws(() => configList([{ a: 1 }], "sources.pg.tables"), {
    message: 'sources.pg.tables[0] must be a name (a non-empty string), got {"a":1}',
  });
  throws(() => configList("[a", "sources.pg.tables"), {
    message: "sources.pg.tables is not a valid JSON list: [a",
  });
  throws(() => configList(5, "sources.pg.tables"), {
    message: 'sources.pg.tables must be a list of names, e.g. ["orders", "customers"] (got 5)',
  });
});
