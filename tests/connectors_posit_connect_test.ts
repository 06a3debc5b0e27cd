/** The built-in `posit_connect` connector against a local stand-in of the Posit Connect API. */
import { deepEqual, equal, match } from "node:assert/strict";
import { tempProject } from "./_helpers.ts";
import { startPositConnect } from "./testdata/posit_connect/api.ts";

const API_KEY = "kVq3Rz8PmW2xYt6Nc4Hd9Lb7Jf5Gs1Ae";
const DB = "posit_connect_pipeline.duckdb";
const DS = "posit_connect_pipeline_dataset";

Deno.test("posit_connect loads content, each content item, users page by page and OAuth integrations", async () => {
  await using api = await startPositConnect(API_KEY);
  await using p = await tempProject();
  const res = await p.dltx(["run", "posit_connect"], {
    SOURCES__POSIT_CONNECT__BASE_URL: `${api.url}/__api__`,
    SOURCES__POSIT_CONNECT__API_KEY: API_KEY,
  });
  equal(res.code, 0, res.stderr);
  equal(`${res.stdout}${res.stderr}`.includes(API_KEY), false, "API key leaked");

  const tables = ["content", "content__tags", "content_item", "users", "oauth_integrations"];
  const rows = await p.query(
    DB,
    tables.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM ${DS}.${t}`).join(" UNION ALL "),
  );
  deepEqual(Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]).sort()), {
    content: 3,
    content__tags: 1,
    content_item: 3,
    oauth_integrations: 2,
    users: 7,
  });
  for (const r of api.requests) equal(r.headers.get("authorization"), `Key ${API_KEY}`);
  const paths = api.requests.map((r) => {
    const url = new URL(r.url);
    return `${url.pathname}${url.search}`;
  });
  deepEqual(paths.filter((p) => p.includes("/users")), [
    "/__api__/v1/users?page_size=500&page_number=1",
    // `total` counts users, not pages: the first empty page ends the list.
    "/__api__/v1/users?page_size=500&page_number=2",
  ]);
  equal(paths.filter((p) => /\/v1\/content\/[\w-]+$/.test(p)).length, 3);
  deepEqual(
    await p.query(
      DB,
      `SELECT c.name, c.owner__username AS owner, i.app_mode FROM ${DS}.content c
       JOIN ${DS}.content_item i USING (guid) ORDER BY c.name`,
    ),
    [
      { name: "churn-model-api", owner: "jchen", app_mode: "python-fastapi" },
      { name: "quarterly-report", owner: "mkeller", app_mode: "quarto-static" },
      { name: "sales-dashboard", owner: "jchen", app_mode: "python-shiny" },
    ],
  );
  const [integration] = await p.query(
    DB,
    `SELECT config__client_id AS client_id FROM ${DS}.oauth_integrations WHERE template = 'github'`,
  );
  equal(integration.client_id, "Iv1.8a61f9b3a7aba766");
});

Deno.test("posit_connect reports a wrong API key and a missing one clearly", async () => {
  await using api = await startPositConnect(API_KEY);
  await using p = await tempProject();
  const base = { SOURCES__POSIT_CONNECT__BASE_URL: `${api.url}/__api__` };

  const wrong = await p.dltx(["run", "posit_connect", "--resources", "users"], {
    ...base,
    SOURCES__POSIT_CONNECT__API_KEY: "not-the-key-0000",
  });
  equal(wrong.code, 1);
  match(
    wrong.stderr,
    /Resource "users": 401 Client Error: Unauthorized for url: http:\/\/127\.0\.0\.1:\d+\/__api__\/v1\/users\?page_size=500&page_number=1.*The requested operation requires authentication/s,
  );
  equal(wrong.stderr.includes("not-the-key-0000"), false, "API key leaked");

  const missing = await p.dltx(["run", "posit_connect"], base);
  equal(missing.code, 1);
  match(missing.stderr, /Missing 1 field\(s\) in configuration/);
  match(missing.stderr, /SOURCES__POSIT_CONNECT__API_KEY/);
});
