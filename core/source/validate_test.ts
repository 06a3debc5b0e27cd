import { deepStrictEqual, equal, match } from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import type { EndpointConfig, ResourceConfig } from "./types.ts";
import { validateConnector } from "./validate.ts";

const base = {
  name: "demo",
  client: { base_url: "https://api.example.com/" },
  resources: ["users"],
};

function problem(input: unknown, origin = "./demo.yaml"): string {
  try {
    validateConnector(input, origin);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

Deno.test("validateConnector() accepts a full dlt config and returns it typed", () => {
  const input = {
    name: "github",
    version: "1.0.0",
    config: { access_token: { secret: true, doc: "a PAT" }, owner: { default: "dlt-hub" } },
    client: {
      base_url: "https://api.github.com/repos/{owner}/",
      headers: { "X-Version": 3 },
      auth: { token: "{access_token}" },
      paginator: "header_link",
    },
    resource_defaults: {
      primary_key: "id",
      write_disposition: "merge",
      endpoint: { params: { per_page: 100 } },
    },
    resources: [
      {
        name: "issues",
        endpoint: {
          path: "issues",
          method: "get",
          params: { state: "open", since: null },
          paginator: { type: "offset", limit: 10, total_path: null },
          response_actions: [{ status_code: 404, action: "ignore" }],
        },
        write_disposition: { disposition: "merge", strategy: "upsert" },
      },
      {
        name: "comments",
        endpoint: {
          path: "issues/{issue}/comments",
          params: { issue: { type: "resolve", resource: "issues", field: "number" } },
        },
        include_from_parent: ["id"],
        columns: { body: { data_type: "text" } },
      },
      "labels",
    ],
  };
  const out = validateConnector(input, "./github.json");
  equal(out.name, "github");
  deepStrictEqual(out.client.headers, { "X-Version": "3" });
  const issues = out.resources[0];
  equal(
    typeof issues === "object" && typeof issues.endpoint === "object" && issues.endpoint.method,
    "GET",
  );
  equal(out.resources[2], "labels");
});

Deno.test("validateConnector() names the key path, the allowed values and the bad value", () => {
  const input = {
    ...base,
    resources: ["a", "b", { name: "c", endpoint: { paginator: { type: "pages" } } }],
  };
  equal(
    problem(input),
    'Invalid connector "demo" (./demo.yaml): resources[2].endpoint.paginator.type must be one of ' +
      "json_link, header_link, offset, page_number, cursor, header_cursor, header_range, single_page " +
      '(got "pages")',
  );
});

Deno.test("validateConnector() suggests the closest key for an unknown key", () => {
  const input = { ...base, resources: [{ name: "a", endpoint: { path: "a", paramz: {} } }] };
  equal(
    problem(input),
    'Invalid connector "demo" (./demo.yaml): resources[0].endpoint.paramz is not a known key; ' +
      'did you mean "params"?',
  );
  match(problem({ ...base, clinet: {} }), /clinet is not a known key; did you mean "client"\?/);
  match(
    problem({ ...base, resources: [{ name: "a", zzz: 1 }] }),
    /resources\[0\]\.zzz is not a known key of a resource; known keys: name, endpoint/,
  );
});

Deno.test("validateConnector() requires name and client.base_url", () => {
  const message = problem({ client: {}, resources: ["a"] });
  match(message, /^Invalid connector \(\.\/demo\.yaml\): name is required/);
  match(message, /\n {2}client\.base_url is required/);
  match(
    problem({ ...base, name: "my demo" }),
    /name must start with a letter and hold only letters, digits, _ and - \(got "my demo"\)/,
  );
  match(
    problem({ ...base, client: { base_url: "api.example.com" } }),
    /client\.base_url must be an http:\/\/ or https:\/\/ URL/,
  );
});

Deno.test("validateConnector() rejects json and data together", () => {
  const input = {
    ...base,
    resources: [{ name: "a", endpoint: { method: "POST", json: { q: 1 }, data: { q: "1" } } }],
  };
  match(problem(input), /resources\[0\]\.endpoint has both json and data/);
});

Deno.test("validateConnector() checks auth kinds and their keys without echoing secrets", () => {
  const auth = (value: unknown) => problem({ ...base, client: { ...base.client, auth: value } });
  match(auth({ type: "api_key" }), /client\.auth\.api_key is required/);
  match(auth({ type: "oauth2" }), /client\.auth\.type must be one of bearer, api_key, http_basic/);
  match(auth({ type: "http_basic", username: "u" }), /client\.auth\.password is required/);
  match(auth({ token: "t", name: "x" }), /client\.auth\.name is not a known key of bearer auth/);
  match(
    auth({ type: "api_key", api_key: "k", location: "body" }),
    /location must be one of header, query, cookie \(got "body"\)/,
  );
  const secret = auth({ token: 12345678 });
  match(secret, /client\.auth\.token must be a string \(got a number\)/);
  equal(secret.includes("12345678"), false);
});

Deno.test("validateConnector() allows processing_steps only in TS/JS connectors", () => {
  const input = {
    ...base,
    resources: [{
      name: "a",
      processing_steps: [{ filter: () => true }, { map: (r: unknown) => r }],
    }],
  };
  match(problem(input, "./demo.yaml"), /processing_steps needs a TS\/JS connector/);
  const ok = validateConnector(input, "./demo.ts");
  const resource = ok.resources[0];
  equal(typeof resource === "object" && resource.processing_steps?.length, 2);
  match(
    problem({ ...base, resources: [{ name: "a", processing_steps: [{ map: 1 }] }] }, "./x.ts"),
    /processing_steps\[0\]\.map must be a function \(got 1\)/,
  );
});

Deno.test("validateConnector() reports every problem, one per line", () => {
  const message = problem({
    name: "demo",
    client: { base_url: "https://x/", paginator: "pages" },
    resources: [
      { name: "a", write_disposition: "upsert", max_table_nesting: -1 },
      { name: "a", endpoint: { incremental: { cursor_paht: "x" } } },
    ],
  });
  const lines = message.split("\n");
  match(lines[0], /client\.paginator must be one of json_link, .* \(got "pages"\)/);
  match(message, /resources\[0\]\.write_disposition must be one of append, replace, merge/);
  match(message, /resources\[0\]\.max_table_nesting must be 0 or more \(got -1\)/);
  match(message, /resources\[1\]\.endpoint\.incremental\.cursor_paht is not a known key; did you/);
  match(message, /resources\[1\]\.endpoint\.incremental\.cursor_path is required/);
  match(message, /resources\[1\] reuses the name "a" of resources\[0\]/);
});

Deno.test('validateConnector() reads paginator "auto" and {type: "auto"} as dlt does: detect', () => {
  for (const auto of ["auto", { type: "auto" }]) {
    const ok = validateConnector({
      ...base,
      client: { ...base.client, paginator: auto },
      resources: [{ name: "a", endpoint: { path: "a", paginator: auto } }],
    }, "./x.json");
    equal(ok.client.paginator, "auto");
    const resource = ok.resources[0];
    equal(
      typeof resource === "object" && typeof resource.endpoint === "object" &&
        resource.endpoint.paginator,
      "auto",
    );
  }
  match(
    problem({ ...base, client: { ...base.client, paginator: { type: "auto", limit: 5 } } }),
    /client\.paginator\.limit is not a known key of the auto paginator/,
  );
});

Deno.test("validateConnector() checks paginator keys per type", () => {
  const paginator = (value: unknown) =>
    problem({ ...base, client: { ...base.client, paginator: value } });
  match(paginator({ type: "offset" }), /client\.paginator\.limit is required/);
  match(
    paginator({ type: "json_link", next_url: "a" }),
    /client\.paginator\.next_url is not a known key/,
  );
  match(
    paginator({ type: "cursor", cursor_param: "c", cursor_body_path: "b" }),
    /has both cursor_param and cursor_body_path/,
  );
  match(paginator("jsonlink"), /\(got "jsonlink"; did you mean "json_link"\?\)/);
  const alias = validateConnector(
    { ...base, client: { ...base.client, paginator: "json_response" } },
    "x.json",
  );
  equal(alias.client.paginator, "json_link");
});

Deno.test("validateConnector() rejects non-object input", () => {
  equal(
    problem([1, 2]),
    "Invalid connector (./demo.yaml): the connector must be an object (got a list)",
  );
  match(problem({ ...base, resources: [] }), /resources must not be empty/);
  match(
    problem({ ...base, resources: [3] }),
    /resources\[0\] must be a resource name or an object/,
  );
});

Deno.test("validateConnector() accepts incremental on a resource, an endpoint and a param", () => {
  const input = {
    ...base,
    resources: [
      {
        name: "a",
        incremental: { cursor_path: "ts", initial_value: 0, lag: 5, row_order: "asc" },
      },
      {
        name: "b",
        endpoint: {
          incremental: {
            cursor_path: "meta.ts",
            initial_value: "2024-01-01",
            end_value: "2024-02-01",
            start_param: "from",
            end_param: "to",
            last_value_func: "min",
            on_cursor_value_missing: "exclude",
          },
        },
      },
      {
        name: "c",
        endpoint: {
          params: {
            since: { type: "incremental", cursor_path: "ts", initial_value: null },
          },
        },
      },
    ],
  };
  const out = validateConnector(input, "x.json");
  const [a, b, c] = out.resources as ResourceConfig[];
  deepStrictEqual(a.incremental, { cursor_path: "ts", initial_value: 0, lag: 5, row_order: "asc" });
  deepStrictEqual((b.endpoint as EndpointConfig).incremental?.end_param, "to");
  deepStrictEqual((c.endpoint as EndpointConfig).params?.since, {
    type: "incremental",
    cursor_path: "ts",
  });
});

Deno.test("validateConnector() rejects a second incremental and misplaced incremental keys", () => {
  const resource = (r: Record<string, unknown>) =>
    problem({ ...base, resources: [{ name: "a", ...r }] });
  match(
    resource({
      incremental: { cursor_path: "x" },
      endpoint: { params: { since: { type: "incremental", cursor_path: "y" } } },
    }),
    /resources\[0\] has more than one incremental \(incremental, endpoint\.params\.since\); a resource tracks one cursor, keep one/,
  );
  match(
    resource({ incremental: { cursor_path: "x", start_param: "since" } }),
    /resources\[0\]\.incremental\.start_param sends the range to the API, so it belongs in endpoint\.incremental/,
  );
  match(
    resource({
      endpoint: { params: { since: { type: "incremental", cursor_path: "y", end_value: 3 } } },
    }),
    /resources\[0\]\.endpoint\.params\.since\.end_value cannot be set on a param; set endpoint\.incremental/,
  );
  match(
    resource({ incremental: { cursor_path: "x", end_value: 3 } }),
    /resources\[0\]\.incremental\.end_value needs initial_value/,
  );
  match(
    resource({ incremental: { cursor_path: "x", initial_value: true, lag: -1 } }),
    /initial_value must be a number, a timestamp or a string \(got true\)[^]*lag must be a number, 0 or more \(got -1\)/,
  );
  match(
    resource({ incremental: { cursor_path: "x", range_start: "open" } }),
    /resources\[0\]\.incremental\.range_start is not supported by dltx yet/,
  );
  match(
    resource({ incremental: { cursor_path: "x", last_value_func: "maximum" } }),
    /last_value_func must be one of max, min \(got "maximum"\)/,
  );
});

Deno.test("validateConnector() checks schema_contract modes and entities", () => {
  const contract = (value: unknown) =>
    problem({ ...base, resources: [{ name: "a", schema_contract: value }] });
  equal(
    contract("freez"),
    'Invalid connector "demo" (./demo.yaml): resources[0].schema_contract must be one of ' +
      'evolve, freeze, discard_row, discard_value (got "freez"; did you mean "freeze"?)',
  );
  match(
    contract({ table: "freeze" }),
    /schema_contract\.table is not a known key; did you mean "tables"\?/,
  );
  match(contract({ columns: "drop" }), /schema_contract\.columns must be one of evolve, freeze/);
  match(
    contract(3),
    /schema_contract must be a mode \(evolve, freeze, discard_row, discard_value\)/,
  );
  const ok = validateConnector(
    { ...base, resources: [{ name: "a", schema_contract: { data_type: "discard_row" } }] },
    "x.json",
  );
  deepStrictEqual((ok.resources[0] as ResourceConfig).schema_contract, {
    data_type: "discard_row",
  });
});

Deno.test("validateConnector() checks column hints key by key", () => {
  const columns = (value: unknown) =>
    problem({ ...base, resources: [{ name: "a", columns: value }] });
  match(
    columns({ id: { primary_ky: true } }),
    /columns\.id\.primary_ky is not a known key; did you mean "primary_key"\?/,
  );
  match(
    columns({ id: { colour: 1 } }),
    /columns\.id\.colour is not a known key of column hints; known keys: data_type, /,
  );
  match(columns({ id: { precision: 10 } }), /columns\.id\.precision is not supported by dltx yet/);
  match(
    columns({ id: { hard_delete: "yes" } }),
    /columns\.id\.hard_delete must be true or false \(got "yes"\)/,
  );
  match(columns({ ts: { dedup_sort: "up" } }), /columns\.ts\.dedup_sort must be one of asc, desc/);
  match(
    columns({ ts: { data_type: "string" } }),
    /columns\.ts\.data_type must be one of text, bigint/,
  );
});

Deno.test("validateConnector() takes merge strategies dltx implements", () => {
  const wd = (value: unknown) =>
    problem({ ...base, resources: [{ name: "a", write_disposition: value }] });
  match(
    wd({ disposition: "merge", strategy: "scd2" }),
    /write_disposition\.strategy is "scd2", which dltx does not support yet; use delete-insert, upsert, insert-only/,
  );
  const ok = validateConnector(
    {
      ...base,
      resources: [{
        name: "a",
        write_disposition: { disposition: "merge", strategy: "insert-only" },
      }],
    },
    "x.json",
  );
  deepStrictEqual((ok.resources[0] as ResourceConfig).write_disposition, {
    disposition: "merge",
    strategy: "insert-only",
  });
});

Deno.test("validateConnector() checks for_each: a declared field, a free name, used in the name", () => {
  const good = {
    ...base,
    config: { tables: { default: null } },
    resources: [{ name: "{table}", for_each: { field: "tables", as: "table" } }],
  };
  deepStrictEqual(validateConnector(good, "x.ts").resources[0], good.resources[0]);
  const message = problem({
    ...base,
    config: { tables: { default: null } },
    resource_defaults: { for_each: { field: "tables", as: "t" } },
    resources: [
      { name: "{table}", for_each: { field: "tablez", as: "tables" } },
      { name: "fixed", for_each: { field: "tables", as: "t" } },
    ],
  });
  match(message, /resource_defaults\.for_each is not a known key/);
  match(message, /resources\[0\]\.for_each\.field names "tablez", which is not a config field/);
  match(message, /resources\[0\]\.for_each\.as is "tables", which is also a config field/);
  match(message, /resources\[1\]\.name must contain \{t\}, so that each item of tables/);
});

Deno.test("validateConnector() requires limit for the header_range paginator", () => {
  match(
    problem({ ...base, client: { ...base.client, paginator: { type: "header_range" } } }),
    /client\.paginator\.limit is required/,
  );
});

Deno.test("validateConnector() accepts allowed_hosts: hosts, host:port, URLs, placeholders", () => {
  const hosts = ["cdn.example.com", "files.example.com:8443", "https://x.example.com/", "{mirror}"];
  deepStrictEqual(
    validateConnector({ ...base, allowed_hosts: hosts }, "x.ts").allowed_hosts,
    hosts,
  );
  match(
    problem({ ...base, allowed_hosts: ["not a host"] }),
    /allowed_hosts\[0\] must be a host \("api\.example\.com"\), host:port/,
  );
  match(problem({ ...base, allowed_hosts: "cdn.example.com" }), /allowed_hosts must be a list/);
});

Deno.test("validateConnector() takes parallelized, client.concurrency and client.rate_limit", () => {
  const connector = validateConnector({
    ...base,
    client: { ...base.client, concurrency: 4, rate_limit: { requests_per_second: 2.5 } },
    resource_defaults: { parallelized: true },
    resources: [{ name: "users", parallelized: false }],
  }, "./demo.json");
  equal(connector.client.concurrency, 4);
  deepStrictEqual(connector.client.rate_limit, { requests_per_second: 2.5 });
  equal((connector.resources[0] as ResourceConfig).parallelized, false);
  const bad = problem({
    ...base,
    client: { ...base.client, concurrency: 0, rate_limit: { requests_per_second: "fast" } },
    resources: [{ name: "users", parallelized: "yes" }],
  });
  match(bad, /client\.concurrency must be at least 1 \(got 0\)/);
  match(bad, /client\.rate_limit\.requests_per_second must be a positive number \(got "fast"\)/);
  match(bad, /resources\[0\]\.parallelized must be true or false \(got "yes"\)/);
});
