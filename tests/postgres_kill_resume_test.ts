/**
 * Exactly once across kills, against PostgreSQL: the CLI is killed with SIGKILL in the middle
 * of a COPY (while extraction streams job files in, and during the commit), right before the
 * commit, and right after it (before the local bookkeeping). After each kill a normal run must
 * leave the tables equal to the source, row for row: no duplicates, nothing lost.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { json, serve, spawnDltx, tempProject } from "./_helpers.ts";
import { packageNames, packageStates } from "./_kill_resume.ts";
import { freshDatabase, pgQuery, skipReason, testServer, withClient } from "./_postgres.ts";

const server = await testServer();
const PAGE = 2000;
const BASE = Date.parse("2024-01-01T00:00:00Z");

/** Record `i`: its cursor grows with `i`; the payload makes job files big enough to catch. */
function record(i: number) {
  return {
    id: i,
    updated_at: new Date(BASE + i * 1000).toISOString(),
    payload: `event ${i}\t"quoted"\\ `.repeat(20),
    tags: [{ name: `t${i % 5}` }],
  };
}

/** Where a kill lands: polled on the server and in the pipeline's load folder. */
type Trigger =
  | "copy while extracting"
  | "copy while committing"
  | "before commit"
  | "after commit"
  | "startup";

const TRIGGERS: Trigger[] = [
  "copy while extracting",
  "copy while committing",
  "before commit",
  "after commit",
  "startup",
  "copy while extracting",
];

Deno.test({
  name: `killing the CLI mid-COPY or around the commit never loses or duplicates a row${
    server ? "" : ` (skipped: ${skipReason})`
  }`,
  ignore: server === undefined,
  fn: async () => {
    const url = await freshDatabase(server!);
    const database = new URL(url).pathname.slice(1);
    let exposed = 0;
    await using api = serve(async (req) => {
      await new Promise((r) => setTimeout(r, 20));
      const u = new URL(req.url);
      const since = Date.parse(u.searchParams.get("since") ?? "1970-01-01T00:00:00Z");
      const page = Number(u.searchParams.get("page") ?? 1);
      const first = Math.max(0, Math.ceil((since - BASE) / 1000));
      const total = Math.max(0, exposed - first);
      const rows = [];
      for (let i = first + (page - 1) * PAGE; i < Math.min(exposed, first + page * PAGE); i++) {
        rows.push(record(i));
      }
      return json({ data: rows, total_pages: Math.ceil(total / PAGE) });
    });
    await using p = await tempProject();
    const connector = await p.writeConnector({
      name: "events",
      client: {
        base_url: api.url,
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
    const env = { ...p.env, DESTINATION__POSTGRES__CREDENTIALS: url };
    const loadDir = join(p.env.DLTX_PIPELINES_DIR, "events_pipeline", "load");
    const landed: string[] = [];

    await withClient(url, async (watch) => {
      /** Whether a dltx backend of this database is inside a COPY that has taken rows. */
      const copying = async () => {
        const r = await watch.query(
          "SELECT count(*)::int AS n FROM pg_stat_progress_copy c JOIN pg_stat_activity a " +
            "USING (pid) WHERE a.datname = $1 AND a.application_name = 'dltx' AND " +
            "c.tuples_processed > 0",
          [database],
        );
        return r.rows[0].n > 0;
      };
      const committed = async (before: number) => {
        const r = await watch.query(
          "SELECT count(*)::int AS n FROM events_pipeline_dataset._dlt_loads",
        ).catch(() => ({ rows: [{ n: 0 }] }));
        return r.rows[0].n > before;
      };
      for (const trigger of TRIGGERS) {
        // New data arrives between runs; past 8 MB (a job file's size) files stream into the
        // load's transaction while extraction goes on, and a COPY of 6 MB lasts long enough to
        // be caught while committing.
        exposed += trigger === "copy while extracting"
          ? 30_000
          : trigger === "copy while committing"
          ? 12_000
          : 5_000;
        const earlier = await packageNames(loadDir);
        const loads = (await pgQuery(
          url,
          "SELECT count(*)::int AS n FROM events_pipeline_dataset._dlt_loads",
        ).catch(() => [{ n: 0 }]))[0].n as number;
        const child = spawnDltx(
          ["run", connector, "--to", "postgres"]
            // Pages one at a time here: fetched concurrently, the extraction of 30,000 rows can
            // end before a job file's COPY is caught on a loaded machine.
            .concat(trigger === "copy while extracting" ? ["--concurrency", "1"] : []),
          { cwd: p.dir, env, output: "null" },
        );
        const started = Date.now();
        let exited = false;
        child.status.then(() => exited = true);
        while (!exited) {
          const states = await packageStates(loadDir, earlier);
          if (trigger === "startup" && Date.now() - started > 150) break;
          if (trigger === "copy while extracting" && states.includes("new") && await copying()) {
            break;
          }
          if (
            trigger === "copy while committing" && states.includes("normalized") &&
            await copying()
          ) break;
          if (trigger === "before commit" && states.includes("normalized")) break;
          if (trigger === "after commit" && await committed(loads)) break;
          await new Promise((r) => setTimeout(r, 2));
        }
        const stage = exited ? "finished" : trigger;
        if (!exited) child.kill("SIGKILL");
        await child.status;
        landed.push(stage);

        const res = await p.dltx(["run", connector, "--to", "postgres"], env);
        equal(res.code, 0, `rerun after a kill at "${trigger}": ${res.stderr}`);
        // Every id once, each row's payload exactly as served (checked on the server).
        const [check] = await pgQuery(
          url,
          "SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, min(id)::int AS min, " +
            "max(id)::int AS max, count(*) FILTER (WHERE payload IS DISTINCT FROM " +
            `repeat('event ' || id || E'\t"quoted"\\\\ ', 20))::int AS wrong ` +
            "FROM events_pipeline_dataset.events",
        );
        deepEqual(
          check,
          { n: exposed, ids: exposed, min: 0, max: exposed - 1, wrong: 0 },
          `rows after a kill at "${trigger}"`,
        );
        const [{ n }] = await pgQuery(
          url,
          "SELECT count(*)::int AS n FROM events_pipeline_dataset.events__tags",
        );
        equal(n, exposed, "child rows follow their parents exactly once");
      }
    });
    // The kills landed where they were meant to, not after the run had finished.
    const kills = landed.filter((s) => s !== "finished").length;
    ok(kills >= TRIGGERS.length - 1, `kills: ${landed.join(", ")}`);
  },
});
