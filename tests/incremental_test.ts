/**
 * Incremental loading end to end: typed cursors over an API whose data changes between runs,
 * boundary records loaded once, `last_value_func: min`, `end_value` backfills, `lag`,
 * `row_order`, and children fetched only for new or updated parents.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { inflateSync } from "node:zlib";
import { type RecordedRequest, serveApi, type TempProject, tempProject } from "./_helpers.ts";

type Row = Record<string, unknown>;

/** The newest committed pipeline state in `_dlt_pipeline_state`, decoded. */
async function committedState(p: TempProject, db: string, ds: string): Promise<Row> {
  const [row] = await p.query(
    db,
    `SELECT state FROM ${ds}._dlt_pipeline_state ORDER BY version DESC LIMIT 1`,
  );
  return JSON.parse(inflateSync(Buffer.from(String(row.state), "base64")).toString("utf8"));
}

/** The committed cursor state of one resource. */
async function cursorOf(
  p: TempProject,
  pipeline: string,
  path: [source: string, resource: string, cursor: string],
): Promise<Row | undefined> {
  const [source, resource, cursor] = path;
  let at: unknown = await committedState(p, `${pipeline}.duckdb`, `${pipeline}_dataset`);
  for (const key of ["sources", source, "resources", resource, "incremental", cursor]) {
    at = (at as Row | undefined)?.[key];
  }
  return at as Row | undefined;
}

/** The query param `name` of the last request to `pathname`. */
function lastParam(requests: RecordedRequest[], pathname: string, name: string): string | null {
  const last = requests.filter((r) => new URL(r.url).pathname === pathname).at(-1);
  ok(last, `no request to ${pathname}`);
  return new URL(last.url).searchParams.get(name);
}

/** Timestamps compare as instants, so the server filters with `Date.parse`. */
const instant = (ts: unknown) => Date.parse(String(ts));

Deno.test("typed cursors load every change once, with merge and append, across schema changes", async () => {
  // Offsets are mixed on purpose: as strings, "2024-05-01T10:30:00+02:00" sorts after
  // "2024-05-01T09:00:00Z", though it is half an hour earlier.
  const rows = new Map<number, Row>([
    [1, { id: 1, updated_at: "2024-05-01T10:00:00+02:00", score: 1 }], // 08:00Z
    [2, { id: 2, updated_at: "2024-05-01T09:00:00Z", score: 2 }], // 09:00Z, the newest
    [3, { id: 3, updated_at: "2024-05-01T10:30:00+02:00", score: 3 }], // 08:30Z
  ]);
  await using server = serveApi({
    "/orders": (url) => {
      // An exact API: records at or after `since`, compared as instants.
      const since = instant(url.searchParams.get("since"));
      return [...rows.values()].filter((r) => instant(r.updated_at) >= since);
    },
    "/events": (url) => {
      // A coarse API: filters by day only, so the client must drop what it loaded already.
      const day = String(url.searchParams.get("from")).slice(0, 10);
      return { data: [...rows.values()].filter((r) => String(r.updated_at).slice(0, 10) >= day) };
    },
  });
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "shop",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [
      {
        name: "orders",
        write_disposition: "merge",
        primary_key: "id",
        endpoint: {
          path: "orders",
          params: {
            since: {
              type: "incremental",
              cursor_path: "updated_at",
              initial_value: "2024-04-30T00:00:00Z",
            },
          },
        },
      },
      {
        name: "events",
        write_disposition: "append",
        primary_key: "id",
        incremental: { cursor_path: "updated_at", initial_value: "2024-04-30T00:00:00Z" },
        endpoint: {
          path: "events",
          data_selector: "data",
          params: { from: "{incremental.start_value}" },
        },
      },
      {
        // No primary key: records at the cursor are told apart by a hash of their content.
        name: "raw_events",
        incremental: { cursor_path: "updated_at", initial_value: "2024-04-30T00:00:00Z" },
        endpoint: {
          path: "events",
          data_selector: "data",
          params: { from: "{incremental.start_value}" },
        },
      },
    ],
  });
  const db = "shop_pipeline.duckdb";
  const ds = "shop_pipeline_dataset";
  const run = async (label: string) => {
    const res = await p.dltx(["run", connector]);
    equal(res.code, 0, `${label}: ${res.stderr}`);
  };
  const orders = () =>
    p.query(
      db,
      `SELECT * EXCLUDE (_dlt_id, _dlt_load_id), strftime(updated_at, '%H:%M') AS utc
       FROM ${ds}.orders ORDER BY id`,
    );
  const events = () =>
    p.query(db, `SELECT id, strftime(updated_at, '%H:%M') AS utc FROM ${ds}.events ORDER BY 1, 2`);

  // Run 1 loads everything from initial_value; the newest record is #2, as an instant.
  await run("run 1");
  equal(lastParam(server.requests, "/orders", "since"), "2024-04-30T00:00:00Z");
  equal(lastParam(server.requests, "/events", "from"), "2024-04-30T00:00:00Z");
  deepEqual((await orders()).map((r) => [r.id, r.score, r.utc]), [
    [1, 1, "08:00"],
    [2, 2, "09:00"],
    [3, 3, "08:30"],
  ]);
  equal(
    (await cursorOf(p, "shop_pipeline", ["shop", "orders", "updated_at"]))?.last_value,
    "2024-05-01T09:00:00Z",
  );
  equal(
    (await cursorOf(p, "shop_pipeline", ["shop", "events", "updated_at"]))?.last_value,
    "2024-05-01T09:00:00Z",
  );

  // Run 2: #1 updated with a new nested field, #4 new with a score of another type.
  rows.set(1, {
    id: 1,
    updated_at: "2024-05-01T12:30:00+02:00", // 10:30Z
    score: 10,
    meta: { source: "import" },
  });
  rows.set(4, { id: 4, updated_at: "2024-05-01T11:00:00+01:00", score: "n/a" }); // 10:00Z
  await run("run 2");
  equal(lastParam(server.requests, "/orders", "since"), "2024-05-01T09:00:00Z");
  equal(lastParam(server.requests, "/events", "from"), "2024-05-01T09:00:00Z");
  deepEqual(
    (await orders()).map((r) => [r.id, r.score, r.score__v_text, r.meta__source, r.utc]),
    [
      [1, 10, null, "import", "10:30"],
      [2, 2, null, null, "09:00"],
      [3, 3, null, null, "08:30"],
      [4, null, "n/a", null, "10:00"],
    ],
  );
  // Append: the update and the new record only; #2 (at the cursor) and #3 (behind it, though
  // it sorts after the cursor as a string) are not loaded again.
  deepEqual((await events()).map((r) => [r.id, r.utc]), [
    [1, "08:00"],
    [1, "10:30"],
    [2, "09:00"],
    [3, "08:30"],
    [4, "10:00"],
  ]);
  const [{ loadOf1 }] = await p.query(
    db,
    `SELECT _dlt_load_id AS loadOf1 FROM ${ds}.orders WHERE id = 1`,
  );

  // Run 3: #5 at the very instant of the cursor, written in another offset: it is new and
  // loads; #1, the record the cursor came from, does not load again.
  rows.set(5, { id: 5, updated_at: "2024-05-01T10:30:00Z", score: 5 });
  await run("run 3");
  // The cursor goes back to the API as the API wrote it.
  equal(lastParam(server.requests, "/orders", "since"), "2024-05-01T12:30:00+02:00");
  deepEqual((await orders()).map((r) => r.id), [1, 2, 3, 4, 5]);
  const [{ reloaded }] = await p.query(
    db,
    `SELECT _dlt_load_id AS reloaded FROM ${ds}.orders WHERE id = 1`,
  );
  equal(reloaded, loadOf1, "the boundary record was not merged again");
  deepEqual((await events()).map((r) => [r.id, r.utc]), [
    [1, "08:00"],
    [1, "10:30"],
    [2, "09:00"],
    [3, "08:30"],
    [4, "10:00"],
    [5, "10:30"],
  ]);

  // Run 4: #5 changes but keeps its cursor value. Deduplication at the cursor goes by
  // primary key where there is one (the change is not seen, as in dlt), else by content.
  rows.set(5, { id: 5, updated_at: "2024-05-01T10:30:00Z", score: 6 });
  await run("run 4");
  equal(lastParam(server.requests, "/events", "from"), "2024-05-01T12:30:00+02:00");
  equal((await events()).length, 6);
  const scores = (await orders()).map((r) => [r.id, r.score]);
  deepEqual(scores, [[1, 10], [2, 2], [3, 3], [4, null], [5, 5]]);
  deepEqual(
    (await p.query(db, `SELECT id, score FROM ${ds}.raw_events ORDER BY id, score`))
      .map((r) => [r.id, r.score]),
    [[1, 1], [1, 10], [2, 2], [3, 3], [4, null], [5, 5], [5, 6]],
  );
  const cursor = await cursorOf(p, "shop_pipeline", ["shop", "orders", "updated_at"]);
  equal(cursor?.last_value, "2024-05-01T12:30:00+02:00");
  equal(cursor?.initial_value, "2024-04-30T00:00:00Z");
  equal((cursor?.unique_hashes as unknown[]).length, 2, "#1 and #5 sit at the last value");
});

Deno.test("a numeric nested cursor with last_value_func min compares as numbers", async () => {
  // A queue served from the back: lower `pos.seq` is newer. As strings, "120" < "95".
  const rows: Row[] = [
    { id: "a", pos: { seq: 950 } },
    { id: "b", pos: { seq: 120 } },
    { id: "c", pos: { seq: 95 } },
  ];
  await using server = serveApi((url) => {
    const max = Number(url.searchParams.get("max_seq"));
    return rows.filter((r) => (r.pos as { seq: number }).seq <= max);
  });
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "queue",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [{
      name: "jobs",
      primary_key: "id",
      endpoint: {
        path: "jobs",
        params: {
          max_seq: {
            type: "incremental",
            cursor_path: "pos.seq",
            initial_value: 1000,
            last_value_func: "min",
          },
        },
      },
    }],
  });
  const seqs = async () =>
    (await p.query(
      "queue_pipeline.duckdb",
      "SELECT id, pos__seq FROM queue_pipeline_dataset.jobs ORDER BY pos__seq DESC",
    )).map((r) => [r.id, r.pos__seq]);

  equal((await p.dltx(["run", connector])).code, 0);
  equal(lastParam(server.requests, "/jobs", "max_seq"), "1000");
  deepEqual(await seqs(), [["a", 950], ["b", 120], ["c", 95]]);
  equal((await cursorOf(p, "queue_pipeline", ["queue", "jobs", "pos.seq"]))?.last_value, 95);

  rows.push({ id: "d", pos: { seq: 90 } }, { id: "e", pos: { seq: 20 } });
  const res = await p.dltx(["run", connector]);
  equal(res.code, 0, res.stderr);
  equal(lastParam(server.requests, "/jobs", "max_seq"), "95");
  deepEqual(await seqs(), [["a", 950], ["b", 120], ["c", 95], ["d", 90], ["e", 20]]);

  equal((await p.dltx(["run", connector])).code, 0);
  equal(lastParam(server.requests, "/jobs", "max_seq"), "20");
  equal((await seqs()).length, 5, "the record at the cursor is not loaded twice");
});

Deno.test("an end_value backfill loads its window and leaves the saved cursor where it was", async () => {
  const rows: Row[] = [
    { id: 1, updated_at: "2024-01-10T00:00:00Z" },
    { id: 2, updated_at: "2024-02-10T00:00:00Z" },
    { id: 3, updated_at: "2024-03-10T00:00:00Z" },
  ];
  await using server = serveApi((url) => {
    const since = instant(url.searchParams.get("since"));
    // The API ignores `until`: the client drops records at or past end_value.
    return rows.filter((r) => instant(r.updated_at) >= since);
  });
  await using p = await tempProject();
  const connector = (incremental: Row) => ({
    name: "hist",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [{
      name: "logs",
      primary_key: "id",
      endpoint: {
        path: "logs",
        // dlt allows end_value only here, not on a param of type incremental.
        incremental: {
          start_param: "since",
          end_param: "until",
          cursor_path: "updated_at",
          ...incremental,
        },
      },
    }],
  });
  const live = await p.writeConnector(
    connector({ initial_value: "2024-02-01T00:00:00Z" }),
    "live.json",
  );
  const backfill = await p.writeConnector(
    connector({ initial_value: "2024-01-01T00:00:00Z", end_value: "2024-02-10T00:00:00Z" }),
    "backfill.json",
  );
  const ids = async () =>
    (await p.query("hist_pipeline.duckdb", "SELECT id FROM hist_pipeline_dataset.logs ORDER BY 1"))
      .map((r) => r.id);

  equal((await p.dltx(["run", live])).code, 0);
  deepEqual(await ids(), [2, 3]);
  equal(lastParam(server.requests, "/logs", "until"), null, "a live run has no end");
  const before = await cursorOf(p, "hist_pipeline", ["hist", "logs", "updated_at"]);
  equal(before?.last_value, "2024-03-10T00:00:00Z");

  const res = await p.dltx(["run", backfill]);
  equal(res.code, 0, res.stderr);
  const backfillUrl = new URL(server.requests.at(-1)!.url);
  equal(backfillUrl.searchParams.get("since"), "2024-01-01T00:00:00Z");
  equal(backfillUrl.searchParams.get("until"), "2024-02-10T00:00:00Z");
  // [initial_value, end_value): #1 only; #2 sits at end_value, #3 past it.
  deepEqual(await ids(), [1, 2, 3]);
  deepEqual(await cursorOf(p, "hist_pipeline", ["hist", "logs", "updated_at"]), before);
  const info = await p.dltx(["pipeline", "hist_pipeline", "info"]);
  equal(info.code, 0, info.stderr);
  match(info.stdout, /hist\s+logs\s+updated_at\s+2024-03-10T00:00:00Z/);

  // The next live run goes on from the saved cursor.
  rows.push({ id: 4, updated_at: "2024-04-10T00:00:00Z" });
  equal((await p.dltx(["run", live])).code, 0);
  equal(lastParam(server.requests, "/logs", "since"), "2024-03-10T00:00:00Z");
  deepEqual(await ids(), [1, 2, 3, 4]);
});

Deno.test("lag re-reads a window that merge absorbs; row_order stops paging at the cursor", async () => {
  // Newest first, two per page: with row_order desc the client stops at the first old record.
  const rows: Row[] = [
    { id: 1, ts: 100 },
    { id: 2, ts: 200 },
    { id: 3, ts: 300 },
  ];
  const sorted = () => [...rows].sort((a, b) => Number(b.ts) - Number(a.ts));
  await using server = serveApi({
    "/feed": (url) => {
      const page = Number(url.searchParams.get("page") ?? 0);
      return {
        items: sorted().slice(page * 2, page * 2 + 2),
        total_pages: Math.ceil(rows.length / 2),
      };
    },
    "/*": (url) => {
      const since = Number(url.searchParams.get("since"));
      return sorted().filter((r) => Number(r.ts) >= since);
    },
  });
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "lagged",
    client: { base_url: server.url },
    resources: [
      {
        name: "ticks",
        write_disposition: "merge",
        primary_key: "id",
        endpoint: {
          path: "ticks",
          paginator: "single_page",
          params: {
            since: { type: "incremental", cursor_path: "ts", initial_value: 0, lag: 150 },
          },
        },
      },
      {
        name: "feed",
        primary_key: "id",
        incremental: { cursor_path: "ts", initial_value: 0, row_order: "desc" },
        endpoint: {
          path: "feed",
          data_selector: "items",
          paginator: { type: "page_number", base_page: 0, total_path: "total_pages" },
        },
      },
    ],
  });
  const db = "lagged_pipeline.duckdb";
  const ds = "lagged_pipeline_dataset";
  equal((await p.dltx(["run", connector])).code, 0);
  equal(lastParam(server.requests, "/ticks", "since"), "0");

  rows.push({ id: 4, ts: 400 }, { id: 5, ts: 500 });
  rows[1] = { id: 2, ts: 200, note: "late edit" }; // inside the lag window
  const feedBefore = server.requests.filter((r) => new URL(r.url).pathname === "/feed").length;
  const res = await p.dltx(["run", connector]);
  equal(res.code, 0, res.stderr);
  // 300 - 150: the lag window is fetched again and merged, not duplicated.
  equal(lastParam(server.requests, "/ticks", "since"), "150");
  deepEqual(
    (await p.query(db, `SELECT id, note FROM ${ds}.ticks ORDER BY id`)).map((r) => [r.id, r.note]),
    [[1, null], [2, "late edit"], [3, null], [4, null], [5, null]],
  );
  // Page 0 holds 500, 400; page 1 holds 300 (the cursor, known) and 200 (behind it): stop.
  const feedPages = server.requests.filter((r) => new URL(r.url).pathname === "/feed")
    .slice(feedBefore).map((r) => new URL(r.url).searchParams.get("page") ?? "0");
  deepEqual(feedPages, ["0", "1"]);
  deepEqual(
    (await p.query(db, `SELECT id FROM ${ds}.feed ORDER BY id`)).map((r) => r.id),
    [1, 2, 3, 4, 5],
  );
  // The saved cursor is the newest value, not the lagged one.
  equal((await cursorOf(p, "lagged_pipeline", ["lagged", "ticks", "ts"]))?.last_value, 500);
});

Deno.test("a child of an incremental parent is fetched only for new and updated parents", async () => {
  const tickets = new Map<number, Row>([
    [1, { id: 1, updated_at: "2024-06-01T08:00:00Z", title: "one" }],
    [2, { id: 2, updated_at: "2024-06-01T09:00:00Z", title: "two" }],
    [3, { id: 3, updated_at: "2024-06-01T12:00:00+02:00", title: "three" }], // 10:00Z
  ]);
  const comments = new Map<number, string[]>([[1, ["c1"]], [2, ["c2"]], [3, ["c3"]]]);
  await using server = serveApi({
    "/tickets": (url) => {
      const since = instant(url.searchParams.get("since"));
      return [...tickets.values()].filter((t) => instant(t.updated_at) >= since);
    },
    "/tickets/:id(\\d+)/comments": (_url, params) => {
      const id = Number(params.id);
      return (comments.get(id) ?? []).map((body, i) => ({ id: `${id}-${i}`, body }));
    },
  });
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "desk",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [
      {
        name: "tickets",
        write_disposition: "merge",
        primary_key: "id",
        endpoint: {
          path: "tickets",
          params: {
            since: {
              type: "incremental",
              cursor_path: "updated_at",
              initial_value: "2024-01-01T00:00:00Z",
            },
          },
        },
      },
      {
        name: "comments",
        write_disposition: "merge",
        primary_key: "id",
        include_from_parent: ["id"],
        endpoint: { path: "tickets/{resources.tickets.id}/comments" },
      },
    ],
  });
  const commentPaths = (from: number) =>
    server.requests.slice(from).map((r) => new URL(r.url).pathname).filter((path) =>
      path.endsWith("/comments")
    );

  equal((await p.dltx(["run", connector])).code, 0);
  deepEqual(commentPaths(0).sort(), [
    "/tickets/1/comments",
    "/tickets/2/comments",
    "/tickets/3/comments",
  ]);

  // #2 is updated (and gets a comment), #4 is new; #3 sits at the cursor and is known.
  tickets.set(2, { id: 2, updated_at: "2024-06-01T11:00:00Z", title: "two!" });
  comments.set(2, ["c2", "c2b"]);
  tickets.set(4, { id: 4, updated_at: "2024-06-01T11:30:00Z", title: "four" });
  comments.set(4, ["c4"]);
  comments.set(1, ["c1", "never fetched"]); // #1 did not change, so its comments are not read
  const from = server.requests.length;
  const res = await p.dltx(["run", connector]);
  equal(res.code, 0, res.stderr);
  equal(lastParam(server.requests, "/tickets", "since"), "2024-06-01T12:00:00+02:00");
  deepEqual(commentPaths(from).sort(), ["/tickets/2/comments", "/tickets/4/comments"]);
  const db = "desk_pipeline.duckdb";
  const ds = "desk_pipeline_dataset";
  deepEqual(
    (await p.query(db, `SELECT id, title FROM ${ds}.tickets ORDER BY id`)).map((r) => [
      r.id,
      r.title,
    ]),
    [[1, "one"], [2, "two!"], [3, "three"], [4, "four"]],
  );
  deepEqual(
    (await p.query(db, `SELECT _tickets_id AS t, body FROM ${ds}.comments ORDER BY id`)).map((
      r,
    ) => [r.t, r.body]),
    [[1, "c1"], [2, "c2"], [2, "c2b"], [3, "c3"], [4, "c4"]],
  );
});
