import { deepStrictEqual, equal, match } from "node:assert/strict";
import { ConfigError } from "../errors.ts";
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
      "json_link, header_link, offset, page_number, cursor, header_cursor, single_page " +
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
    client: { base_url: "https://x/", paginator: "auto" },
    resources: [
      { name: "a", write_disposition: "upsert", max_table_nesting: -1 },
      { name: "a", endpoint: { incremental: { cursor_path: "x" } } },
    ],
  });
  const lines = message.split("\n");
  match(lines[0], /client\.paginator is "auto"; leave paginator out/);
  match(message, /resources\[0\]\.write_disposition must be one of append, replace, merge/);
  match(message, /resources\[0\]\.max_table_nesting must be 0 or more \(got -1\)/);
  match(message, /resources\[1\]\.endpoint\.incremental is not supported by dltx yet/);
  match(message, /resources\[1\] reuses the name "a" of resources\[0\]/);
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
