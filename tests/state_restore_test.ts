/**
 * State sync end to end: on a machine without the pipeline's working folder, a run restores
 * state (incremental cursors) and schema from the destination before it extracts; `dltx
 * pipeline <name> sync` does the same on demand; a drop stays dropped on a new machine.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { json, serve, type TempProject, tempProject } from "./_helpers.ts";

type Row = Record<string, unknown>;

const DB = "feed_pipeline.duckdb";
const DS = "feed_pipeline_dataset";
const INITIAL = "2024-01-01T00:00:00Z";

/** An API of events (and users) whose `since` param filters by instant, inclusive. */
function feedApi(events: Row[], users: Row[]) {
  return (req: Request): Response => {
    const url = new URL(req.url);
    const since = Date.parse(url.searchParams.get("since") ?? "");
    const rows = url.pathname === "/events" ? events : users;
    return json(rows.filter((r) => Date.parse(String(r.updated_at)) >= since));
  };
}

function feedConnector(base: string) {
  const since = { type: "incremental", cursor_path: "updated_at", initial_value: INITIAL };
  return {
    name: "feed",
    client: { base_url: base, paginator: "single_page" },
    resources: [
      // Append with a primary key: only the restored unique_hashes keep the record at the
      // cursor from loading twice.
      { name: "events", primary_key: "id", endpoint: { path: "events", params: { since } } },
      {
        name: "users",
        primary_key: "id",
        write_disposition: "merge",
        endpoint: { path: "users", params: { since } },
      },
    ],
  };
}

/** The `since` param of the last request to `pathname`. */
function lastSince(requests: { url: string }[], pathname: string): string | null {
  const last = requests.filter((r) => new URL(r.url).pathname === pathname).at(-1);
  ok(last, `no request to ${pathname}`);
  return new URL(last.url).searchParams.get("since");
}

/** The newest committed state in `_dlt_pipeline_state`, decoded, with its version. */
async function committedState(p: TempProject): Promise<Row> {
  const [row] = await p.query(
    DB,
    `SELECT state FROM ${DS}._dlt_pipeline_state ORDER BY version DESC LIMIT 1`,
  );
  return JSON.parse(inflateSync(Buffer.from(String(row.state), "base64")).toString("utf8"));
}

Deno.test("a run in an empty working folder restores state and schema before extracting", async () => {
  const events: Row[] = [
    { id: 1, updated_at: "2024-02-01T10:00:00+02:00", score: 1 },
    { id: 2, updated_at: "2024-02-01T09:00:00Z", score: 2 },
  ];
  const users: Row[] = [{ id: "u1", updated_at: "2024-02-01T00:00:00Z", name: "ann" }];
  await using server = serve(feedApi(events, users));
  await using p = await tempProject();
  const connector = await p.writeConnector(feedConnector(server.url));
  const pipelineDir = join(p.env.DLTX_PIPELINES_DIR, "feed_pipeline");

  equal((await p.dltx(["run", connector])).code, 0);
  events.push({ id: 3, updated_at: "2024-02-02T12:00:00+01:00", score: 3 }); // 11:00Z
  const second = await p.dltx(["run", connector]);
  equal(second.code, 0, second.stderr);
  equal(lastSince(server.requests, "/events"), "2024-02-01T09:00:00Z");
  const committed = await committedState(p);
  const schemaBefore = JSON.parse(
    await Deno.readTextFile(join(pipelineDir, "schemas", "feed.schema.json")),
  );

  // A new machine: no working folder at all. Meanwhile the API got new and changed data.
  await Deno.remove(p.env.DLTX_PIPELINES_DIR, { recursive: true });
  events.push({ id: 4, updated_at: "2024-02-03T00:00:00Z", score: "n/a", meta: { source: "x" } });
  users[0] = { id: "u1", updated_at: "2024-02-03T00:00:00Z", name: "anne" };
  const third = await p.dltx(["run", connector]);
  equal(third.code, 0, third.stderr);
  match(
    third.stderr,
    new RegExp(
      `Restored the state and 1 schema\\(s\\) of pipeline feed_pipeline from duckdb:${p.path(DB)}`,
    ),
  );
  // The API was asked from the committed cursors, not from initial_value.
  equal(lastSince(server.requests, "/events"), "2024-02-02T12:00:00+01:00");
  equal(lastSince(server.requests, "/users"), "2024-02-01T00:00:00Z");

  // #3 (at the cursor) did not load again; #4's text score went to a variant column, which
  // needs the restored schema: without it `score` would have been inferred as text.
  const rows = await p.query(
    DB,
    `SELECT id, score, score__v_text AS v, meta__source AS src FROM ${DS}.events ORDER BY id`,
  );
  deepEqual(rows.map((r) => [r.id, r.score, r.v, r.src]), [
    [1, 1, null, null],
    [2, 2, null, null],
    [3, 3, null, null],
    [4, null, "n/a", "x"],
  ]);
  deepEqual(
    (await p.query(DB, `SELECT id, name FROM ${DS}.users`)).map((r) => [r.id, r.name]),
    [["u1", "anne"]],
  );

  // State and schema went on from the restored ones.
  const state = await committedState(p);
  equal(state._state_version, (committed._state_version as number) + 1);
  const schemaAfter = JSON.parse(
    await Deno.readTextFile(join(pipelineDir, "schemas", "feed.schema.json")),
  );
  equal(schemaAfter.version, schemaBefore.version + 1);
  ok(schemaAfter.tables.events.columns.score__v_text, "the variant column is in the schema");
  const versions = await p.query(
    DB,
    `SELECT version FROM ${DS}._dlt_version WHERE schema_name = 'feed' ORDER BY version`,
  );
  deepEqual(
    versions.map((v) => Number(v.version)).slice(-2),
    [schemaBefore.version, schemaAfter.version],
    "one new version on top of the restored one",
  );

  // The restored folder is used from now on: no second restore.
  const fourth = await p.dltx(["run", connector]);
  equal(fourth.code, 0, fourth.stderr);
  equal(/Restored the state/.test(fourth.stderr), false, fourth.stderr);
  equal(lastSince(server.requests, "/events"), "2024-02-03T00:00:00Z");
  const [{ n }] = await p.query(DB, `SELECT count(*) AS n FROM ${DS}.events`);
  equal(Number(n), 4);
});

Deno.test("pipeline sync restores state.json into an empty dir; the next run uses its cursor", async () => {
  const events: Row[] = [
    { id: 1, updated_at: "2024-02-01T10:00:00+02:00" },
    { id: 2, updated_at: "2024-02-01T09:00:00Z" },
  ];
  await using server = serve(feedApi(events, []));
  await using p = await tempProject();
  const connector = await p.writeConnector(feedConnector(server.url));
  equal((await p.dltx(["run", connector, "--resources", "events"])).code, 0);

  const fresh = { DLTX_PIPELINES_DIR: p.path("_other_machine") };
  const sync = await p.dltx(["pipeline", "feed_pipeline", "sync"], fresh);
  equal(sync.code, 0, sync.stderr);
  match(
    sync.stdout,
    new RegExp(`^Restored pipeline feed_pipeline from dataset ${DS} in duckdb:`, "m"),
  );
  const state = JSON.parse(
    await Deno.readTextFile(join(fresh.DLTX_PIPELINES_DIR, "feed_pipeline", "state.json")),
  );
  const cursor = state.sources.feed.resources.events.incremental.updated_at;
  equal(cursor.last_value, "2024-02-01T09:00:00Z");
  equal(cursor.initial_value, INITIAL);
  equal(cursor.unique_hashes.length, 1);
  const info = await p.dltx(["pipeline", "feed_pipeline", "info"], fresh);
  equal(info.code, 0, info.stderr);
  match(info.stdout, /feed\s+events\s+updated_at\s+2024-02-01T09:00:00Z/);

  events.push({ id: 3, updated_at: "2024-02-05T00:00:00Z" });
  const run = await p.dltx(["run", connector, "--resources", "events"], fresh);
  equal(run.code, 0, run.stderr);
  equal(/Restored the state/.test(run.stderr), false, "sync already restored it");
  equal(lastSince(server.requests, "/events"), "2024-02-01T09:00:00Z");
  deepEqual(
    (await p.query(DB, `SELECT id FROM ${DS}.events ORDER BY id`)).map((r) => r.id),
    [1, 2, 3],
  );
});

Deno.test("a dropped resource stays dropped on a new machine: it loads from initial_value", async () => {
  const events: Row[] = [{ id: 1, updated_at: "2024-02-01T00:00:00Z" }];
  const users: Row[] = [{ id: "u1", updated_at: "2024-02-01T00:00:00Z", name: "ann" }];
  await using server = serve(feedApi(events, users));
  await using p = await tempProject();
  const connector = await p.writeConnector(feedConnector(server.url));
  equal((await p.dltx(["run", connector])).code, 0);
  const drop = await p.dltx(["pipeline", "feed_pipeline", "drop", "users", "--yes"]);
  equal(drop.code, 0, drop.stderr);

  await Deno.remove(p.env.DLTX_PIPELINES_DIR, { recursive: true });
  const res = await p.dltx(["run", connector]);
  equal(res.code, 0, res.stderr);
  match(res.stderr, /Restored the state/);
  equal(lastSince(server.requests, "/users"), INITIAL);
  equal(lastSince(server.requests, "/events"), "2024-02-01T00:00:00Z");
  deepEqual(
    (await p.query(DB, `SELECT id, name FROM ${DS}.users`)).map((r) => [r.id, r.name]),
    [["u1", "ann"]],
  );
  const [{ n }] = await p.query(DB, `SELECT count(*) AS n FROM ${DS}.events`);
  equal(Number(n), 1, "the event at the cursor was not loaded again");
});

Deno.test({
  name: "a working folder behind the destination takes the newer state from it (dlt's sync)",
  // As dlt's `sync_destination`: every run takes the destination's state when it is ahead of
  // the local one, so a pipeline run from two places, or from a stale copy of the folder,
  // keeps loading exactly once (machine A's third run must not reload B's boundary record).
  async fn() {
    const events: Row[] = [{ id: 1, updated_at: "2024-02-01T00:00:00Z" }];
    await using server = serve(feedApi(events, []));
    await using p = await tempProject();
    const connector = await p.writeConnector(feedConnector(server.url));
    const machineA = { DLTX_PIPELINES_DIR: p.path("_machine_a") };
    const machineB = { DLTX_PIPELINES_DIR: p.path("_machine_b") };
    const run = async (env: Record<string, string>) => {
      const res = await p.dltx(["run", connector, "--resources", "events"], env);
      equal(res.code, 0, res.stderr);
      return res;
    };

    await run(machineA);
    events.push({ id: 2, updated_at: "2024-02-02T00:00:00Z" });
    match((await run(machineB)).stderr, /Restored the state/);
    equal(lastSince(server.requests, "/events"), "2024-02-01T00:00:00Z");

    events.push({ id: 3, updated_at: "2024-02-03T00:00:00Z" });
    await run(machineA);
    equal(lastSince(server.requests, "/events"), "2024-02-02T00:00:00Z", "B's committed cursor");
    deepEqual(
      (await p.query(DB, `SELECT id, count(*) AS n FROM ${DS}.events GROUP BY id ORDER BY id`))
        .map((r) => [r.id, Number(r.n)]),
      [[1, 1], [2, 1], [3, 1]],
    );
    const state = JSON.parse(
      await Deno.readTextFile(join(machineA.DLTX_PIPELINES_DIR, "feed_pipeline", "state.json")),
    );
    equal(
      state.sources.feed.resources.events.incremental.updated_at.last_value,
      "2024-02-03T00:00:00Z",
    );
  },
});
