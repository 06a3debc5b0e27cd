/** Command-line options, config files, write dispositions and what a run leaves behind. */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { Buffer } from "node:buffer";
import { json, serve, tempProject } from "./_helpers.ts";

function shopApi(req: Request): Response {
  const url = new URL(req.url);
  if (url.pathname === "/items") return json([{ id: 1, name: "a" }, { id: 2, name: "b" }]);
  if (url.pathname === "/tags") return json([{ tag: "x" }, { tag: "y" }, { tag: "z" }]);
  return json({ message: "not found" }, { status: 404 });
}

function shopConnector(base: string) {
  return {
    name: "shop",
    config: { token: { secret: true }, region: { default: "eu" } },
    client: {
      base_url: base,
      paginator: "single_page",
      headers: { "X-Region": "{region}" },
      auth: { type: "bearer", token: "{token}" },
    },
    resources: [
      { name: "items", write_disposition: "append" },
      { name: "tags", write_disposition: "replace" },
    ],
  };
}

Deno.test("secrets.toml and config.toml in .dlt/ configure a run; env wins over them", async () => {
  await using server = serve(shopApi);
  await using p = await tempProject();
  await Deno.mkdir(p.path(".dlt"));
  await Deno.writeTextFile(
    p.path(".dlt", "secrets.toml"),
    '[sources.shop]\ntoken = "toml-token"\n',
  );
  await Deno.writeTextFile(p.path(".dlt", "config.toml"), '[sources.shop]\nregion = "us"\n');
  const connector = await p.writeConnector(shopConnector(server.url));
  const res = await p.dltx(["run", connector, "--resources", "items"]);
  equal(res.code, 0, res.stderr);
  equal(server.requests[0].headers.get("authorization"), "Bearer toml-token");
  equal(server.requests[0].headers.get("x-region"), "us");
  equal(res.stdout.includes("toml-token"), false);

  const again = await p.dltx(["run", connector, "--resources", "items"], {
    SOURCES__SHOP__REGION: "ap",
  });
  equal(again.code, 0, again.stderr);
  equal(server.requests.at(-1)?.headers.get("x-region"), "ap");
});

Deno.test("--pipeline, --dataset and DESTINATION__DUCKDB__CREDENTIALS choose where data goes", async () => {
  await using server = serve(shopApi);
  await using p = await tempProject();
  const connector = await p.writeConnector(shopConnector(server.url));
  const res = await p.dltx(
    ["run", connector, "--pipeline", "nightly", "--dataset", "raw_shop"],
    { SOURCES__SHOP__TOKEN: "t0k3n", DESTINATION__DUCKDB__CREDENTIALS: "data/warehouse.duckdb" },
  );
  equal(res.code, 0, res.stderr);
  match(res.stdout, /^Pipeline nightly load step completed/m);
  match(res.stdout, /into dataset raw_shop$/m);
  ok(res.stdout.includes(`duckdb:${p.path("data", "warehouse.duckdb")} location`), res.stdout);
  const [row] = await p.query(
    join("data", "warehouse.duckdb"),
    "SELECT count(*) AS n FROM raw_shop.items",
  );
  equal(Number(row.n), 2);
  // The working folder lives under DLTX_PIPELINES_DIR.
  const state = JSON.parse(
    await Deno.readTextFile(join(p.env.DLTX_PIPELINES_DIR, "nightly", "state.json")),
  );
  equal(state.pipeline_name, "nightly");
  equal(state.dataset_name, "raw_shop");
});

Deno.test("append adds rows on every run, replace swaps them; state is stored with the data", async () => {
  await using server = serve(shopApi);
  await using p = await tempProject();
  const connector = await p.writeConnector(shopConnector(server.url));
  const env = { SOURCES__SHOP__TOKEN: "t0k3n" };
  for (let run = 0; run < 3; run++) {
    const res = await p.dltx(["run", connector], env);
    equal(res.code, 0, res.stderr);
  }
  const db = "shop_pipeline.duckdb";
  const counts = await p.query(
    db,
    `SELECT (SELECT count(*) FROM shop_pipeline_dataset.items) AS items,
            (SELECT count(*) FROM shop_pipeline_dataset.tags) AS tags,
            (SELECT count(DISTINCT load_id) FROM shop_pipeline_dataset._dlt_loads) AS loads`,
  );
  deepEqual(
    [Number(counts[0].items), Number(counts[0].tags), Number(counts[0].loads)],
    [6, 3, 3],
  );
  const [stateRow] = await p.query(
    db,
    `SELECT state, pipeline_name FROM shop_pipeline_dataset._dlt_pipeline_state
     ORDER BY created_at DESC LIMIT 1`,
  );
  const state = JSON.parse(
    inflateSync(Buffer.from(String(stateRow.state), "base64")).toString("utf8"),
  );
  equal(state.pipeline_name, "shop_pipeline");
  equal(state.dataset_name, "shop_pipeline_dataset");
  equal("_local" in state, false);
  const versions = await p.query(
    db,
    "SELECT schema_name, version FROM shop_pipeline_dataset._dlt_version",
  );
  equal(versions[0].schema_name, "shop");
});

Deno.test("loaded job files are kept, as dlt keeps them, unless load.delete_completed_jobs is true", async () => {
  await using server = serve(shopApi);
  await using p = await tempProject();
  const connector = await p.writeConnector(shopConnector(server.url));
  const jobFiles = async (pipeline: string) => {
    const files: string[] = [];
    const loadDir = join(p.env.DLTX_PIPELINES_DIR, pipeline, "load");
    for await (const pkg of Deno.readDir(loadDir)) {
      for (const folder of ["new_jobs", "started_jobs", "completed_jobs"]) {
        try {
          for await (const f of Deno.readDir(join(loadDir, pkg.name, folder))) {
            files.push(`${folder}/${f.name}`);
          }
        } catch { /* folder absent */ }
      }
    }
    return files.sort();
  };
  const env = { SOURCES__SHOP__TOKEN: "t0k3n" };
  equal((await p.dltx(["run", connector, "--pipeline", "kept"], env)).code, 0);
  const kept = await jobFiles("kept");
  equal(kept.length, 2, JSON.stringify(kept));
  ok(kept.every((f) => f.startsWith("completed_jobs/")), JSON.stringify(kept));
  // load-package lists them, with their table.
  const pkg = await p.dltx(["pipeline", "kept", "load-package"], env);
  equal(pkg.code, 0, pkg.stderr);
  match(pkg.stdout, /completed_jobs\s+items\s+items\.\S+\.jsonl/);
  const lean = { ...env, LOAD__DELETE_COMPLETED_JOBS: "true" };
  equal((await p.dltx(["run", connector, "--pipeline", "lean"], lean)).code, 0);
  deepEqual(await jobFiles("lean"), []);
});

Deno.test("--resources with an unknown name and --to with an unknown destination fail clearly", async () => {
  await using server = serve(shopApi);
  await using p = await tempProject();
  const connector = await p.writeConnector(shopConnector(server.url));
  const env = { SOURCES__SHOP__TOKEN: "t0k3n" };
  const unknown = await p.dltx(["run", connector, "--resources", "itemz"], env);
  equal(unknown.code, 1);
  match(unknown.stderr, /itemz/);
  match(unknown.stderr, /items/);
  const to = await p.dltx(["run", connector, "--to", "snowflake"], env);
  equal(to.code, 1);
  match(to.stderr, /Unknown destination "snowflake"/);
  equal(server.requests.length, 0, "no request before the options are validated");
});

Deno.test("where the records were found is said with --verbose only; each request once", async () => {
  await using server = serve(shopApi);
  await using p = await tempProject();
  const connector = await p.writeConnector(shopConnector(server.url));
  const env = { SOURCES__SHOP__TOKEN: "t0k3n" };
  const plain = await p.dltx(["run", connector], env);
  equal(plain.code, 0, plain.stderr);
  equal(plain.stderr, "", "a plain run prints nothing but the load info");
  const verbose = await p.dltx(["run", connector, "--verbose"], env);
  equal(verbose.code, 0, verbose.stderr);
  match(verbose.stderr, /^debug: Resource "items": records found at \$$/m);
  const requests = verbose.stderr.split("\n").filter((l) => /\/items\b/.test(l) && /GET/.test(l));
  deepEqual(requests.length, 1, verbose.stderr);
  match(requests[0], /^debug: GET http:\/\/127\.0\.0\.1:\d+\/items -> 200 in \d+ ms \[items\]$/);
  equal(verbose.stderr.includes("t0k3n"), false);
});
