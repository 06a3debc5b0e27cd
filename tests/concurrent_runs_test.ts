/**
 * Two processes on one pipeline at the same time: the pipeline lock lets one write the working
 * folder; the other fails at once naming the holder's pid (or waits with `--wait`) and never
 * touches the first one's load package.
 */
import { equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { exists } from "../core/exists.ts";
import { json, serve, spawnDltx, type TempProject, tempProject } from "./_helpers.ts";

const PAGES = 8;
const PAGE_SIZE = 50;

/** An API whose pages after the first wait for `gate`: a run lasts until the test says. */
function gatedApi(gate: Promise<void>) {
  return async (req: Request) => {
    const page = Number(new URL(req.url).searchParams.get("page") ?? 1);
    if (page > 1) await gate;
    await new Promise((r) => setTimeout(r, 20));
    const records = Array.from({ length: PAGE_SIZE }, (_, i) => ({
      id: (page - 1) * PAGE_SIZE + i,
      name: `record ${i}`,
    }));
    return json({ data: records, total_pages: PAGES });
  };
}

function connector(base: string) {
  return {
    name: "slow",
    client: {
      base_url: base,
      paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
    },
    resources: [{
      name: "records",
      primary_key: "id",
      write_disposition: "merge",
      endpoint: { path: "records", data_selector: "data" },
    }],
  };
}

/** Starts `dltx <args>` in the project without waiting for it. */
function spawnInProject(p: TempProject, args: string[]) {
  return spawnDltx(args, { cwd: p.dir, env: p.env });
}

/** Waits until the pipeline's lock file names `pid`: that process holds the lock. */
async function lockHeldBy(p: TempProject, pipeline: string, pid: number): Promise<void> {
  const path = join(p.env.DLTX_PIPELINES_DIR, pipeline, "pipeline.lock");
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const text = await Deno.readTextFile(path).catch(() => "");
    if (text && JSON.parse(text).pid === pid) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`process ${pid} never took the lock of ${pipeline}`);
}

/** Names of the load packages of the pipeline. */
async function packages(p: TempProject, pipeline: string): Promise<string[]> {
  const dir = join(p.env.DLTX_PIPELINES_DIR, pipeline, "load");
  const names = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

/**
 * Reads `stream` as text until `pattern` shows up (`found`); `rest()` waits for the process
 * and returns its whole output.
 */
function readUntil(stream: ReadableStream<Uint8Array>, pattern: RegExp) {
  let text = "";
  const found = Promise.withResolvers<void>();
  const done = (async () => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      if (pattern.test(text)) found.resolve();
    }
    found.reject(new Error(`never printed ${pattern}: ${text}`));
  })();
  return {
    found: found.promise,
    async rest(child: Deno.ChildProcess) {
      await done;
      const status = await child.status;
      const stdout = await new Response(child.stdout).text();
      return { code: status.code, stdout, stderr: text };
    },
  };
}

async function finished(child: Deno.ChildProcess) {
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("a second run of a running pipeline fails at once and leaves the first one alone", async () => {
  const gate = Promise.withResolvers<void>();
  await using server = serve(gatedApi(gate.promise));
  await using p = await tempProject();
  const path = await p.writeConnector(connector(server.url));
  const first = spawnInProject(p, ["run", path]);
  let firstExited = false;
  first.status.then(() => firstExited = true);
  await lockHeldBy(p, "slow_pipeline", first.pid);
  // The first run's package exists now (or is about to): the second must not touch it.
  await new Promise((r) => setTimeout(r, 300));
  const live = await packages(p, "slow_pipeline");
  equal(live.length, 1, `the first run's package: ${live}`);

  const second = await p.dltx(["run", path]);
  equal(second.code, 1, second.stderr);
  match(
    second.stderr,
    new RegExp(`^error: Pipeline "slow_pipeline" is being run by process ${first.pid};`, "m"),
  );
  ok(!/internal error|Discarding/.test(second.stderr), second.stderr);
  equal(firstExited, false, "the second run failed at once, not after the first one");
  // The other writers of the working folder are refused the same way.
  const drop = await p.dltx(["pipeline", "slow_pipeline", "drop", "records", "--yes"]);
  equal(drop.code, 1, drop.stderr);
  match(drop.stderr, new RegExp(`is being run by process ${first.pid}`));
  const sync = await p.dltx(["pipeline", "slow_pipeline", "sync"]);
  equal(sync.code, 1, sync.stderr);
  match(sync.stderr, new RegExp(`is being run by process ${first.pid}`));
  const load = await p.dltx(["load", "-", "--table", "x", "--pipeline", "slow_pipeline"]);
  equal(load.code, 1, load.stderr);
  match(load.stderr, new RegExp(`is being run by process ${first.pid}`));

  gate.resolve();
  const res = await finished(first);
  equal(res.code, 0, res.stderr);
  match(res.stdout, new RegExp(`Load package ${live[0]} is LOADED`));
  const rows = await p.query(
    "slow_pipeline.duckdb",
    "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM slow_pipeline_dataset.records",
  );
  equal(Number(rows[0].n), PAGES * PAGE_SIZE);
  equal(Number(rows[0].ids), PAGES * PAGE_SIZE);
  // Free again: the next run goes through.
  const again = await p.dltx(["run", path]);
  equal(again.code, 0, again.stderr);
});

Deno.test("run --wait waits for the running one, says for whom, then loads", async () => {
  const gate = Promise.withResolvers<void>();
  await using server = serve(gatedApi(gate.promise));
  await using p = await tempProject();
  const path = await p.writeConnector(connector(server.url));
  const first = spawnInProject(p, ["run", path]);
  await lockHeldBy(p, "slow_pipeline", first.pid);
  const second = spawnInProject(p, ["run", path, "--wait"]);
  // The first run goes on once the second one is waiting for it.
  const waiting = readUntil(second.stderr, /waiting for it to finish/);
  await waiting.found;
  gate.resolve();
  const [a, b] = await Promise.all([finished(first), waiting.rest(second)]);
  equal(a.code, 0, a.stderr);
  equal(b.code, 0, b.stderr);
  match(
    b.stderr,
    new RegExp(
      `Pipeline "slow_pipeline" is being run by process ${first.pid}; waiting for it to finish`,
    ),
  );
  ok(!/Discarding/.test(a.stderr + b.stderr), a.stderr + b.stderr);
  const loads = await p.query(
    "slow_pipeline.duckdb",
    "SELECT load_id FROM slow_pipeline_dataset._dlt_loads ORDER BY load_id",
  );
  equal(loads.length, 2, "both runs committed a load");
  const rows = await p.query(
    "slow_pipeline.duckdb",
    "SELECT count(*) AS n FROM slow_pipeline_dataset.records",
  );
  equal(Number(rows[0].n), PAGES * PAGE_SIZE, "merged on the primary key: no duplicates");
});

Deno.test("two pipelines run at once from one folder both load, and leave no file but their databases", async () => {
  const gate = Promise.withResolvers<void>();
  await using server = serve(gatedApi(gate.promise));
  await using p = await tempProject();
  const path = await p.writeConnector(connector(server.url));
  const a = spawnInProject(p, ["run", path, "--pipeline", "one"]);
  const b = spawnInProject(p, ["run", path, "--pipeline", "two"]);
  await lockHeldBy(p, "one", a.pid);
  await lockHeldBy(p, "two", b.pid);
  // Both are mid-extraction with their new databases open (a new file is opened early).
  const deadline = Date.now() + 30_000;
  while (!(await exists(p.path("one.duckdb")) && await exists(p.path("two.duckdb")))) {
    if (Date.now() > deadline) throw new Error("the runs never opened their databases");
    await new Promise((r) => setTimeout(r, 20));
  }
  gate.resolve();
  const [ra, rb] = await Promise.all([finished(a), finished(b)]);
  equal(ra.code, 0, ra.stderr);
  equal(rb.code, 0, rb.stderr);
  for (const name of ["one", "two"]) {
    const rows = await p.query(
      `${name}.duckdb`,
      `SELECT count(*) AS n FROM ${name}_dataset.records`,
    );
    equal(Number(rows[0].n), PAGES * PAGE_SIZE, name);
  }
  const entries = [];
  for await (const entry of Deno.readDir(p.dir)) entries.push(entry.name);
  equal(
    entries.sort().join(" "),
    "_home _pipelines connector.json one.duckdb two.duckdb",
    "the project folder holds the databases and nothing else DuckDB made",
  );
});
