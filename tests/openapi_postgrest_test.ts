/** `dltx init --openapi` on a PostgREST server's root URL, which serves its OpenAPI (2.0). */
import { deepEqual, equal, match } from "node:assert/strict";
import { parse } from "yaml";
import { tempProject } from "./_helpers.ts";
import { startPostgrest } from "./testdata/postgrest/api.ts";

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoid2ViX2Fub24ifQ.c2lnbmF0dXJlLW9mLXRoZS10ZXN0";

Deno.test("init --openapi on PostgREST's root makes the tables resources with header_range paging", async () => {
  await using api = await startPostgrest({ jwt: JWT });
  await using p = await tempProject();
  const init = await p.dltx(["init", "--openapi", `${api.url}/`, "--all", "--name", "pg"]);
  equal(init.code, 0, init.stderr);
  match(init.stdout, /\(standard public schema, Swagger 2\.0\)/);
  match(init.stdout, /pg\.yaml +resources customers, orders \(created\)/);
  // The root (the spec itself) and the rpc function document no JSON body.
  match(init.stdout, /Skipped 2 endpoint\(s\) that answer no JSON records \(root, top_customers\)/);
  const connector = parse(await Deno.readTextFile(p.path("pg.yaml")));
  // PostgREST says host 0.0.0.0:3000; the spec's own URL says where it really is.
  equal(connector.config.base_url.default, `${api.url}/`);
  deepEqual(connector.client.auth, { type: "bearer", token: "{token}" });
  for (const resource of connector.resources) {
    // <pk/> in PostgREST's column descriptions.
    equal(resource.primary_key, "id");
    deepEqual(resource.endpoint.paginator, { type: "header_range", limit: 1000 });
    deepEqual(resource.endpoint.response_actions, [{ status_code: 416, action: "ignore" }]);
  }

  const before = api.requests.length;
  const run = await p.dltx(["run", "./pg.yaml"], { SOURCES__PG__TOKEN: JWT });
  equal(run.code, 0, run.stderr);
  const rows = await p.query(
    "pg_pipeline.duckdb",
    "SELECT (SELECT count(*) FROM pg_pipeline_dataset.customers) AS c, " +
      "(SELECT count(*) FROM pg_pipeline_dataset.orders) AS o",
  );
  deepEqual(rows.map((r) => [Number(r.c), Number(r.o)]), [[6, 23]]);
  const requests = api.requests.slice(before);
  for (const r of requests) equal(r.headers.get("authorization"), `Bearer ${JWT}`);
  // db-max-rows is 10: each range starts after the last row received.
  deepEqual(
    requests.filter((r) => new URL(r.url).pathname === "/orders").map((r) =>
      `${r.headers.get("range-unit")} ${r.headers.get("range")}`
    ),
    ["items 0-999", "items 10-1009", "items 20-1019", "items 23-1022"],
  );
});
