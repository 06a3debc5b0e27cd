/** `deno task demo` and the built-in demo connector, end to end. */
import { deepEqual, equal, match } from "node:assert/strict";
import { join } from "node:path";
import { startDemoApi } from "../scripts/demo_api.ts";
import { REPO, tempProject } from "./_helpers.ts";

const EXPECTED_ROWS = {
  customer_reviews: 121,
  customers: 50,
  customers__tags: 100,
  orders: 120,
  orders__items: 275,
  products: 30,
};

Deno.test("deno task demo loads the sample shop and prints load info and row counts", async () => {
  await using p = await tempProject();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", join(REPO, "deno.json"), join(REPO, "scripts", "demo.ts")],
    cwd: p.dir,
    env: p.env,
    clearEnv: true,
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  equal(out.code, 0, new TextDecoder().decode(out.stderr));
  match(stdout, /^Pipeline demo_pipeline load step completed in \d+\.\d\d seconds$/m);
  match(
    stdout,
    /^1 load package\(s\) were loaded to destination duckdb and into dataset demo_pipeline_dataset$/m,
  );
  equal(
    stdout.includes(
      `The duckdb destination used duckdb:${p.path("demo_pipeline.duckdb")} location to store data`,
    ),
    true,
    stdout,
  );
  match(stdout, /^Load package \d+\.\d{6} is LOADED and contains no failed jobs$/m);
  for (const [table, rows] of Object.entries(EXPECTED_ROWS)) {
    match(stdout, new RegExp(`^\\s+${table}\\s+${rows}$`, "m"));
  }
});

Deno.test("the demo connector snake_cases names, keeps types and replaces on a second run", async () => {
  const api = await startDemoApi();
  try {
    await using p = await tempProject();
    const env = { SOURCES__DEMO__BASE_URL: api.url, SOURCES__DEMO__API_KEY: api.apiKey };
    for (let run = 0; run < 2; run++) {
      const res = await p.dltx(["run", "demo"], env);
      equal(res.code, 0, res.stderr);
      equal(res.stdout.includes(api.apiKey), false);
    }
    const db = "demo_pipeline.duckdb";
    const counts = await p.query(
      db,
      Object.keys(EXPECTED_ROWS).map((t) =>
        `SELECT '${t}' AS t, count(*) AS n FROM demo_pipeline_dataset.${t}`
      ).join(" UNION ALL ") + " ORDER BY t",
    );
    deepEqual(Object.fromEntries(counts.map((r) => [r.t, Number(r.n)])), EXPECTED_ROWS);
    const types = await p.query(
      db,
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'demo_pipeline_dataset' AND table_name = 'customers'
       AND column_name IN ('first_name', 'address__city', 'loyalty_points', 'is_active', 'created_at')
       ORDER BY column_name`,
    );
    deepEqual(types.map((r) => [r.column_name, r.data_type]), [
      ["address__city", "VARCHAR"],
      ["created_at", "TIMESTAMP WITH TIME ZONE"],
      ["first_name", "VARCHAR"],
      ["is_active", "BOOLEAN"],
      ["loyalty_points", "BIGINT"],
    ]);
    const [loads] = await p.query(
      db,
      "SELECT count(*) AS n FROM demo_pipeline_dataset._dlt_loads WHERE status = 0",
    );
    equal(Number(loads.n), 2);
  } finally {
    await api.close();
  }
});
