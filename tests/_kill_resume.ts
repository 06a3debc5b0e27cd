/**
 * The kill-and-resume scenario of `kill_resume_test.ts` and `kill_resume_concurrency_test.ts`:
 * the CLI is killed with SIGKILL at 26 points spread over every stage (start-up, extraction
 * with job files streaming into DuckDB, the load commit, the local bookkeeping after it); after
 * each kill a normal run must leave the destination equal to the source, row for row: no
 * duplicates, nothing lost, no cursor ahead of its data.
 *
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { json, serve, spawnDltx, tempProject } from "./_helpers.ts";

const PAGE = 400;
const BASE = Date.parse("2024-01-01T00:00:00Z");

/** Record `i`: its cursor grows with `i`, one second apart. */
function record(i: number) {
  return {
    id: i,
    updated_at: new Date(BASE + i * 1000).toISOString(),
    payload: `event ${i} `.repeat(12),
    tags: [{ name: `t${i % 5}` }],
  };
}

/** Where in a run a kill lands. */
type Trigger =
  | { after: "spawn"; ms: number }
  | { after: "new" | "normalized" | "loaded"; ms: number };

const TRIGGERS: Trigger[] = [
  ...[10, 40, 80, 130, 180].map((ms) => ({ after: "spawn" as const, ms })),
  ...[0, 10, 20, 35, 50, 70, 90, 110, 140, 170].map((ms) => ({ after: "new" as const, ms })),
  ...[0, 1, 2, 3, 5, 8, 12, 20].map((ms) => ({ after: "normalized" as const, ms })),
  ...[0, 1, 3].map((ms) => ({ after: "loaded" as const, ms })),
];

/** The load packages in `loadDir` so far (none when it does not exist yet). */
export async function packageNames(loadDir: string): Promise<Set<string>> {
  const names = new Set<string>();
  try {
    for await (const entry of Deno.readDir(loadDir)) names.add(entry.name);
  } catch { /* no load dir yet */ }
  return names;
}

/** States of the load packages in `loadDir` that are not in `skip` (earlier runs' packages). */
export async function packageStates(loadDir: string, skip = new Set<string>()): Promise<string[]> {
  const states: string[] = [];
  try {
    for await (const entry of Deno.readDir(loadDir)) {
      if (skip.has(entry.name)) continue;
      const state = await Deno.readTextFile(join(loadDir, entry.name, "package_state"))
        .catch(() => "");
      states.push(state.trim());
    }
  } catch { /* no load dir yet */ }
  return states;
}

/** Where the runs load: the DuckDB file (default), or a filesystem bucket of Parquet files. */
export type KillDestination = "duckdb" | "filesystem";

/**
 * Runs the kill scenario: `args` go to every `dltx run` (killed or not), e.g. `--concurrency 1`.
 */
export async function killAndResume(
  args: string[],
  to: KillDestination = "duckdb",
): Promise<{ peakInFlight: number }> {
  let exposed = 3000;
  let inFlight = 0;
  let peakInFlight = 0;
  await using server = serve(async (req) => {
    peakInFlight = Math.max(peakInFlight, ++inFlight);
    // A little latency per page, as a real API has: extraction takes a while to kill.
    await new Promise((r) => setTimeout(r, 15)).finally(() => inFlight--);
    const url = new URL(req.url);
    const since = Date.parse(url.searchParams.get("since") ?? "1970-01-01T00:00:00Z");
    const page = Number(url.searchParams.get("page") ?? 1);
    const rows = [];
    for (let i = 0; i < exposed; i++) {
      if (BASE + i * 1000 >= since) rows.push(i);
    }
    const slice = rows.slice((page - 1) * PAGE, page * PAGE).map(record);
    return json({ data: slice, total_pages: Math.ceil(rows.length / PAGE) });
  });
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "events",
    client: {
      base_url: server.url,
      paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
    },
    resources: [{
      name: "events",
      primary_key: "id",
      endpoint: {
        path: "events",
        data_selector: "data",
        params: {
          since: {
            type: "incremental",
            cursor_path: "updated_at",
            initial_value: "2023-12-31T00:00:00Z",
          },
        },
      },
    }],
  });
  const loadDir = join(p.env.DLTX_PIPELINES_DIR, "events_pipeline", "load");
  const bucket = join(p.dir, "bucket");
  const env = to === "filesystem"
    ? { ...p.env, DESTINATION__FILESYSTEM__BUCKET_URL: bucket }
    : p.env;
  if (to === "filesystem") args = [...args, "--to", "filesystem"];
  const query = async (sql: string): Promise<Record<string, unknown>[]> => {
    if (to === "duckdb") return await p.query("events_pipeline.duckdb", sql);
    const res = await p.dltx(["query", "events_pipeline", sql, "--format", "json"], env);
    equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout);
  };
  const landed: Record<string, number> = {};

  for (const trigger of TRIGGERS) {
    exposed += 2500; // new data arrives between runs
    const earlier = await packageNames(loadDir);
    const child = spawnDltx(["run", connector, ...args], { cwd: p.dir, env, output: "null" });
    const started = Date.now();
    let exited = false;
    child.status.then(() => exited = true);
    // Wait for the trigger's stage, then its delay, then SIGKILL.
    while (!exited) {
      if (trigger.after === "spawn") {
        if (Date.now() - started >= trigger.ms) break;
      } else if ((await packageStates(loadDir, earlier)).includes(trigger.after)) {
        break;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    if (!exited && trigger.ms > 0 && trigger.after !== "spawn") {
      await new Promise((r) => setTimeout(r, trigger.ms));
    }
    const stage = exited
      ? "finished"
      : (await packageStates(loadDir, earlier)).join(",") || "startup";
    if (!exited) child.kill("SIGKILL");
    await child.status;
    landed[stage] = (landed[stage] ?? 0) + 1;

    const res = await p.dltx(["run", connector, ...args], env);
    equal(res.code, 0, `rerun after a kill at ${JSON.stringify(trigger)}: ${res.stderr}`);
    const rows = await query(
      "SELECT id, payload FROM events_pipeline_dataset.events ORDER BY id",
    );
    equal(rows.length, exposed, `row count after a kill at ${JSON.stringify(trigger)}`);
    deepEqual(
      rows.map((r) => [r.id, r.payload]),
      Array.from({ length: exposed }, (_, i) => [i, record(i).payload]),
    );
    const [{ n }] = await query("SELECT count(*) AS n FROM events_pipeline_dataset.events__tags");
    equal(Number(n), exposed, "child rows follow their parents exactly once");
  }
  // At least 20 real kills, landing in every stage: start-up, extraction (package new), the
  // load commit (normalized) and the bookkeeping after it (loaded).
  const kills = TRIGGERS.length - (landed.finished ?? 0);
  ok(kills >= 20, `only ${kills} kills landed before the run ended: ${JSON.stringify(landed)}`);
  for (const stage of ["startup", "new", "normalized"]) {
    ok((landed[stage] ?? 0) >= 2, `kills per stage: ${JSON.stringify(landed)}`);
  }
  return { peakInFlight };
}
