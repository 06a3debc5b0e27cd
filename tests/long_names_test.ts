/**
 * ~40 levels of nested lists make table names of 400+ characters. Job file names never grow
 * with them (a long table name is shortened in the file name), DuckDB takes the full names,
 * and the filesystem destination, whose table names are path components, gets names shortened
 * as dlt shortens identifiers over a destination's limit.
 */
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { shortenIdentifier } from "../core/normalize/mod.ts";
import { json, serve, tempProject } from "./_helpers.ts";

const DEPTH = 40;

function nested(id: number): Record<string, unknown> {
  let node: Record<string, unknown> = { name: `leaf ${id}` };
  for (let i = 0; i < DEPTH; i++) node = { name: `level ${i}`, children: [node] };
  return { id, ...node };
}

function connector(base: string) {
  return {
    name: "deep",
    client: { base_url: base, paginator: "single_page" },
    resources: ["items"],
  };
}

const FULL = "items" + "__children".repeat(DEPTH);

async function jobFileNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const pkg of Deno.readDir(dir)) {
    for await (const job of Deno.readDir(join(dir, pkg.name, "completed_jobs"))) {
      names.push(job.name);
    }
  }
  return names;
}

Deno.test("40 levels of nested lists load into DuckDB with their full table names", async () => {
  await using server = serve(() => json([nested(1), nested(2)]));
  await using p = await tempProject();
  const path = await p.writeConnector(connector(server.url));
  const env = { LOAD__DELETE_COMPLETED_JOBS: "false" };
  const res = await p.dltx(["run", path], env);
  equal(res.code, 0, res.stderr);

  const tables = await p.query(
    "deep_pipeline.duckdb",
    "SELECT table_name FROM information_schema.tables WHERE table_schema = " +
      "'deep_pipeline_dataset' AND table_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY 1",
  );
  equal(tables.length, DEPTH + 1);
  ok(tables.some((t) => t.table_name === FULL), "the deepest table keeps its full name");
  const leaves = await p.query(
    "deep_pipeline.duckdb",
    `SELECT name FROM deep_pipeline_dataset."${FULL}" ORDER BY name`,
  );
  deepStrictEqual(leaves.map((r) => r.name), ["leaf 1", "leaf 2"]);

  const jobs = await jobFileNames(join(p.env.DLTX_PIPELINES_DIR, "deep_pipeline", "load"));
  equal(jobs.length, DEPTH + 1);
  for (const name of jobs) ok(name.length <= 130, `job file name of ${name.length} chars`);

  // The package listing names the tables, not the shortened file names.
  const listing = await p.dltx(["pipeline", "deep_pipeline", "load-package"]);
  equal(listing.code, 0, listing.stderr);
  ok(listing.stdout.includes(FULL), listing.stdout.slice(0, 2000));

  // A second run appends to the same tables.
  const again = await p.dltx(["run", path]);
  equal(again.code, 0, again.stderr);
  const [{ n }] = await p.query(
    "deep_pipeline.duckdb",
    `SELECT count(*) AS n FROM deep_pipeline_dataset."${FULL}"`,
  );
  equal(Number(n), 4);
});

Deno.test("40 levels of nested lists load into the filesystem with names shortened as dlt does", async () => {
  await using server = serve(() => json([nested(1), nested(2)]));
  await using p = await tempProject();
  const path = await p.writeConnector(connector(server.url));
  const env = { DESTINATION__FILESYSTEM__BUCKET_URL: p.path("lake") };
  const res = await p.dltx(["run", path, "--to", "filesystem"], env);
  equal(res.code, 0, res.stderr);

  const folders: string[] = [];
  for await (const entry of Deno.readDir(p.path("lake", "deep_pipeline_dataset"))) {
    if (entry.isDirectory && entry.name.startsWith("items")) folders.push(entry.name);
  }
  equal(folders.length, DEPTH + 1);
  for (const folder of folders) ok(folder.length <= 200, `${folder.length}: ${folder}`);
  const deepest = shortenIdentifier(FULL, FULL, 200);
  ok(folders.includes(deepest), `no folder ${deepest}`);

  const query = await p.dltx(
    [
      "query",
      "deep_pipeline",
      `SELECT name FROM deep_pipeline_dataset."${deepest}" ORDER BY name`,
      "--format",
      "json",
    ],
    env,
  );
  equal(query.code, 0, query.stderr);
  deepStrictEqual(JSON.parse(query.stdout).map((r: { name: string }) => r.name), [
    "leaf 1",
    "leaf 2",
  ]);
});
