/** The built-in `postgrest` connector against a local stand-in of PostgREST and Supabase. */
import { deepEqual, equal, match } from "node:assert/strict";
import { type RecordedRequest, type TempProject, tempProject } from "./_helpers.ts";
import { startPostgrest } from "./testdata/postgrest/api.ts";

// A recorded-looking HS256 JWT (role service_role); the stand-in compares it as a string.
const JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIiwiaXNzIjoic3VwYWJhc2UifQ.qN4bC1lJ6m6T1v8d2v3Yh2w4bC0XoB8pZk9Zq0cR7sE";
const API_KEY = "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";
const DB = "postgrest_pipeline.duckdb";
const DS = "postgrest_pipeline_dataset";

async function counts(p: TempProject, tables: string[]): Promise<Record<string, number>> {
  const rows = await p.query(
    DB,
    tables.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM ${DS}.${t}`).join(" UNION ALL "),
  );
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]).sort());
}

/** `<Range header> <offset>/<limit>` of the requests to a path, in order. */
function ranges(requests: RecordedRequest[], path: string): string[] {
  return requests.filter((r) => new URL(r.url).pathname === path).map((r) => {
    const q = new URL(r.url).searchParams;
    return r.headers.has("range")
      ? `${r.headers.get("range-unit")} ${r.headers.get("range")}`
      : `offset=${q.get("offset")} limit=${q.get("limit")}`;
  });
}

Deno.test("postgrest loads Supabase tables with Range paging and an rpc function with offset/limit", async () => {
  await using api = await startPostgrest({ prefix: "/rest/v1", jwt: JWT, apiKey: API_KEY });
  await using p = await tempProject();
  const env = {
    SOURCES__POSTGREST__BASE_URL: `${api.url}/rest/v1`,
    SOURCES__POSTGREST__TABLES: '["orders", "customers"]',
    SOURCES__POSTGREST__RPC: "top_customers",
    SOURCES__POSTGREST__API_KEY: API_KEY,
    SOURCES__POSTGREST__TOKEN: JWT,
  };
  for (let run = 0; run < 2; run++) {
    const res = await p.dltx(["run", "postgrest"], env);
    equal(res.code, 0, res.stderr);
    const out = `${res.stdout}${res.stderr}`;
    equal(out.includes(API_KEY) || out.includes(JWT), false, "secret leaked");
  }
  // Replaced on the second run, not appended.
  deepEqual(await counts(p, ["orders", "customers", "customers__tags", "rpc_top_customers"]), {
    customers: 6,
    customers__tags: 6,
    orders: 23,
    rpc_top_customers: 4,
  });
  for (const r of api.requests) {
    equal(r.headers.get("apikey"), API_KEY);
    equal(r.headers.get("authorization"), `Bearer ${JWT}`);
  }
  const firstRun = api.requests.slice(0, api.requests.length / 2);
  // db-max-rows is 10: every page starts after the last row received, not 1000 further.
  deepEqual(ranges(firstRun, "/rest/v1/orders"), [
    "items 0-999",
    "items 10-1009",
    "items 20-1019",
    "items 23-1022",
  ]);
  deepEqual(ranges(firstRun, "/rest/v1/customers"), ["items 0-999", "items 6-1005"]);
  deepEqual(ranges(firstRun, "/rest/v1/rpc/top_customers"), [
    "offset=0 limit=1000",
    "offset=4 limit=1000",
  ]);
  const rpc = firstRun.find((r) => r.url.includes("/rpc/"))!;
  equal(rpc.method, "POST");
  equal(rpc.headers.get("content-type"), "application/json");
  const [order] = await p.query(DB, `SELECT id, total, note FROM ${DS}.orders WHERE id = 1004`);
  deepEqual({ ...order, id: Number(order.id) }, {
    id: 1004,
    total: 97.63,
    note: "leave at the door",
  });
});

Deno.test("postgrest reads a plain PostgREST anonymously, in another schema and order", async () => {
  await using api = await startPostgrest({ jwt: JWT });
  await using p = await tempProject();
  const res = await p.dltx(["run", "postgrest"], {
    SOURCES__POSTGREST__BASE_URL: api.url,
    SOURCES__POSTGREST__TABLES: "customers",
    SOURCES__POSTGREST__DB_SCHEMA: "api",
    SOURCES__POSTGREST__ORDER: "id.desc",
  });
  equal(res.code, 0, res.stderr);
  for (const r of api.requests) {
    equal(r.headers.has("authorization") || r.headers.has("apikey"), false);
    equal(r.headers.get("accept-profile"), "api");
    equal(new URL(r.url).search, "?order=id.desc");
  }
  const rows = await p.query(DB, `SELECT id FROM ${DS}.customers`);
  equal(rows.length, 6);
});

Deno.test("postgrest reports a missing API key, an unknown table and nothing to load clearly", async () => {
  await using api = await startPostgrest({ prefix: "/rest/v1", jwt: JWT, apiKey: API_KEY });
  await using p = await tempProject();
  const base = { SOURCES__POSTGREST__BASE_URL: `${api.url}/rest/v1` };

  const noKey = await p.dltx(["run", "postgrest"], {
    ...base,
    SOURCES__POSTGREST__TABLES: "orders",
  });
  equal(noKey.code, 1);
  match(
    noKey.stderr,
    /Resource "orders": 401 Client Error: Unauthorized for url: http:\/\/127\.0\.0\.1:\d+\/rest\/v1\/orders.*No API key found in request/s,
  );

  const unknown = await p.dltx(["run", "postgrest"], {
    ...base,
    SOURCES__POSTGREST__TABLES: "order",
    SOURCES__POSTGREST__API_KEY: API_KEY,
  });
  equal(unknown.code, 1);
  match(unknown.stderr, /404 Client Error: Not Found for url: .*\/rest\/v1\/order\b/);
  match(unknown.stderr, /Could not find the table 'public\.order' in the schema cache/);

  const nothing = await p.dltx(["run", "postgrest"], base);
  equal(nothing.code, 1);
  match(
    nothing.stderr,
    /Connector "postgrest" has no resources to load: sources\.postgrest\.tables, sources\.postgrest\.rpc are empty/,
  );
});
