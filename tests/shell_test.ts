/**
 * dltx in real shell pipelines: `dltx run --to jsonl` feeding `dltx load -`, `| head`, Singer
 * output and input, gzip files, malformed lines. Each test runs `bash -c` with real pipes.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { Buffer } from "node:buffer";
import { openDuckDb } from "../destinations/duckdb/open_duckdb.ts";
import {
  type CliResult,
  DLTX_ARGV,
  fileHash,
  json,
  serve,
  shQuote,
  type TempProject,
  tempProject,
} from "./_helpers.ts";

/** Runs a bash script in the project, with `dltx` as a shell function and pipefail on. */
async function sh(p: TempProject, script: string): Promise<CliResult> {
  const dltx = DLTX_ARGV.map(shQuote).join(" ");
  const command = new Deno.Command("bash", {
    args: ["-c", `set -o pipefail\ndltx() { ${dltx} "$@"; }\n${script}`],
    cwd: p.dir,
    env: p.env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
  const out = await command.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

const PAGES = 3;

/** `items` (3 pages of nested records) and `events` (incremental on `ts`). */
function shopApi(pages = PAGES, perPage = 4) {
  return (req: Request) => {
    const url = new URL(req.url);
    const page = Number(url.searchParams.get("page") ?? 1);
    if (url.pathname === "/items") {
      const items = page > pages ? [] : Array.from({ length: perPage }, (_, i) => {
        const id = (page - 1) * perPage + i;
        return {
          id,
          name: `item ${id} ü`,
          price: id + 0.5,
          user: { login: `u${id % 3}`, isAdmin: id % 2 === 0 },
          created_at: `2024-05-0${1 + (id % 9)}T07:08:09Z`,
          tags: id % 2 ? ["a", "b"] : [],
        };
      });
      return json(items);
    }
    if (url.pathname === "/events") {
      return json([{ id: 1, ts: 10 }, { id: 2, ts: 20 }, { id: 3, ts: 30 }]);
    }
    return json({ message: "not found" }, { status: 404 });
  };
}

function connector(base: string) {
  return {
    name: "shop",
    client: { base_url: base },
    resources: [
      {
        name: "items",
        primary_key: "id",
        endpoint: {
          path: "items",
          paginator: { type: "page_number", base_page: 1, total_path: null },
        },
      },
      {
        name: "events",
        endpoint: {
          path: "events",
          paginator: "single_page",
          incremental: { cursor_path: "ts", initial_value: 15 },
        },
      },
    ],
  };
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

Deno.test("dltx run --to jsonl | dltx load - loads the same rows as dltx run", async () => {
  await using server = serve(shopApi());
  await using p = await tempProject();
  await p.writeConnector(connector(server.url));
  const piped = await sh(
    p,
    "dltx run connector.json --to jsonl --resources items | dltx load - --table items",
  );
  equal(piped.code, 0, piped.stderr);
  match(piped.stdout, /^Pipeline load_items load step completed/);
  // Logs and the summary went to stderr; stdout of `run` carried only data.
  match(piped.stderr, /Wrote 12 record\(s\) of resource\(s\) items to stdout/);
  const direct = await p.dltx(["run", "connector.json", "--resources", "items"]);
  equal(direct.code, 0, direct.stderr);

  const sql = (dataset: string) =>
    `SELECT id, name, price, user__login, user__is_admin, created_at, typeof(created_at) AS t
     FROM ${dataset}.items ORDER BY id`;
  const loaded = await p.query("load_items.duckdb", sql("load_items_dataset"));
  const expected = await p.query("shop_pipeline.duckdb", sql("shop_pipeline_dataset"));
  equal(loaded.length, PAGES * 4);
  deepEqual(loaded, expected);
  equal(loaded[0].t, "TIMESTAMP WITH TIME ZONE");
  equal(loaded[1].name, "item 1 ü");
  const [tags] = await p.query(
    "load_items.duckdb",
    "SELECT count(*) AS n, min(value) AS v FROM load_items_dataset.items__tags",
  );
  deepEqual([Number(tags.n), tags.v], [12, "a"]);
});

Deno.test("dltx run --to jsonl | head -n 1 ends the run quietly with exit 0", async () => {
  const server = serve(shopApi(200, 100));
  await using p = await tempProject();
  await p.writeConnector(connector(server.url));
  const res = await sh(p, "dltx run connector.json --to jsonl --resources items | head -n 1");
  await server[Symbol.asyncDispose]();
  equal(res.code, 0, res.stderr);
  const lines = res.stdout.split("\n").filter(Boolean);
  equal(lines.length, 1);
  equal(JSON.parse(lines[0]).id, 0);
  equal(/error/i.test(res.stderr), false, res.stderr);
  // The source stopped soon after the reader went away, not after 200 pages.
  ok(server.requests.length < 100, `${server.requests.length} requests`);
});

Deno.test("dltx run --to jsonl --normalize writes normalized rows with _dlt_table", async () => {
  await using server = serve(shopApi(1));
  await using p = await tempProject();
  await p.writeConnector(connector(server.url));
  const res = await p.dltx(["run", "connector.json", "--to", "jsonl", "--normalize"]);
  equal(res.code, 0, res.stderr);
  const rows = jsonLines(res.stdout);
  const byTable: Record<string, number> = {};
  for (const row of rows) {
    byTable[String(row._dlt_table)] = (byTable[String(row._dlt_table)] ?? 0) + 1;
  }
  // Events start at their initial value 15: nothing was committed before, nor is now.
  deepEqual(byTable, { items: 4, items__tags: 4, events: 2 });
  const item = rows.find((r) => r._dlt_table === "items" && r.id === 1)!;
  equal(item.user__is_admin, false);
  ok(typeof item._dlt_id === "string" && typeof item._dlt_load_id === "string");
  match(res.stderr, /The incremental state was not committed/);
  equal(await fileHash(p.path("shop_pipeline.duckdb")), undefined);
});

Deno.test("dltx run --to jsonl --format singer writes Singer that dltx load --format singer reads", async () => {
  await using server = serve(shopApi());
  await using p = await tempProject();
  await p.writeConnector(connector(server.url));
  const res = await p.dltx(["run", "connector.json", "--to", "jsonl", "--format", "singer"]);
  equal(res.code, 0, res.stderr);
  const messages = jsonLines(res.stdout);
  const schemaSeen = new Set<string>();
  for (const m of messages.slice(0, -1)) {
    if (m.type === "SCHEMA") schemaSeen.add(String(m.stream));
    else {
      equal(m.type, "RECORD");
      ok(schemaSeen.has(String(m.stream)), `RECORD of ${m.stream} before its SCHEMA`);
    }
  }
  const items = messages.find((m) => m.type === "SCHEMA" && m.stream === "items")!;
  deepEqual(items.key_properties, ["id"]);
  const props = (items.schema as { properties: Record<string, unknown> }).properties;
  deepEqual(props.created_at, { type: ["null", "string"], format: "date-time" });
  const state = messages.at(-1)!;
  equal(state.type, "STATE");
  const value = state.value as {
    resources: Record<string, { incremental: Record<string, { last_value: unknown }> }>;
  };
  equal(value.resources.events.incremental.ts.last_value, 30);

  await Deno.writeTextFile(p.path("singer.jsonl"), res.stdout);
  const loaded = await sh(p, "cat singer.jsonl | dltx load - --format singer --pipeline back");
  equal(loaded.code, 0, loaded.stderr);
  const [counts] = await p.query(
    "back.duckdb",
    `SELECT (SELECT count(*) FROM back_dataset.items) AS items,
            (SELECT count(*) FROM back_dataset.items__tags) AS tags,
            (SELECT sum(ts) FROM back_dataset.events) AS ts`,
  );
  deepEqual([Number(counts.items), Number(counts.tags), Number(counts.ts)], [12, 12, 50]);
  const [row] = await p.query(
    "back.duckdb",
    "SELECT state FROM back_dataset._dlt_pipeline_state ORDER BY created_at DESC LIMIT 1",
  );
  const stored = JSON.parse(inflateSync(Buffer.from(String(row.state), "base64")).toString());
  equal(stored.sources.back.singer_state.resources.events.incremental.ts.last_value, 30);
});

Deno.test("dltx load reads a Singer tap's stream: hints, merge on key_properties, state", async () => {
  await using p = await tempProject();
  const tap = [
    {
      type: "SCHEMA",
      stream: "users",
      schema: {
        properties: {
          id: { type: "integer" },
          code: { type: ["null", "string"] },
          updated: { type: ["null", "string"], format: "date-time" },
        },
      },
      key_properties: ["id"],
    },
    { type: "ACTIVATE_VERSION", stream: "users", version: 1 },
    {
      type: "RECORD",
      stream: "users",
      record: { id: 1, code: "2024-01-01T00:00:00Z", updated: "2024-01-01T00:00:00Z" },
    },
    {
      type: "RECORD",
      stream: "users",
      record: { id: 2, code: "x", updated: "2024-01-02T00:00:00Z" },
    },
    {
      type: "RECORD",
      stream: "users",
      record: { id: 1, code: "y", updated: "2024-01-03T00:00:00Z" },
    },
    { type: "STATE", value: { bookmarks: { users: "2024-01-03" } } },
  ];
  await Deno.writeTextFile(p.path("tap.jsonl"), tap.map((m) => JSON.stringify(m)).join("\n"));
  const res = await sh(
    p,
    "cat tap.jsonl | dltx load - --format singer --write-disposition merge --dataset raw",
  );
  equal(res.code, 0, res.stderr);
  match(res.stderr, /Line 2 of stdin is a Singer message of type "ACTIVATE_VERSION", skipped/);
  const rows = await p.query(
    "load_singer.duckdb",
    "SELECT id, code, typeof(code) AS c, typeof(updated) AS u FROM raw.users ORDER BY id",
  );
  // Deduplicated on key_properties; `code` is text as the schema says, though it once held a date.
  deepEqual(rows.map((r) => [Number(r.id), r.code, r.c, r.u]), [
    [1, "y", "VARCHAR", "TIMESTAMP WITH TIME ZONE"],
    [2, "x", "VARCHAR", "TIMESTAMP WITH TIME ZONE"],
  ]);
  const state = JSON.parse(
    await Deno.readTextFile(join(p.env.DLTX_PIPELINES_DIR, "load_singer", "state.json")),
  );
  deepEqual(state.sources.load_singer.singer_state, { bookmarks: { users: "2024-01-03" } });
});

Deno.test("dltx load: a malformed line fails with its line number, committing nothing", async () => {
  await using p = await tempProject();
  const good = await sh(p, `printf '{"id":1}\\n{"id":2}\\n' | dltx load - --table t`);
  equal(good.code, 0, good.stderr);
  const db = p.path("load_t.duckdb");
  const before = await fileHash(db);
  ok(before);
  await Deno.writeTextFile(p.path("bad.jsonl"), '{"id":3}\n{"id":4}\n{"id": 5,}\n{"id":6}\n');
  const bad = await sh(p, "dltx load bad.jsonl --table t");
  equal(bad.code, 1);
  match(
    bad.stderr,
    /^error: Line 3 of bad\.jsonl is not valid JSON: Expected double-quoted property name at column 10$/m,
  );
  equal(await fileHash(db), before, "the DuckDB file changed");
  const [row] = await p.query(db, "SELECT count(*) AS n FROM load_t_dataset.t");
  equal(Number(row.n), 2);
});

Deno.test("dltx load reads gzip files and several inputs in order", async () => {
  await using p = await tempProject();
  const text = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ id: i, v: `v${i}` })).join(
    "\n",
  );
  const compressed = ReadableStream.from([new TextEncoder().encode(text + "\n")]).pipeThrough(
    new CompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
  await Deno.writeFile(p.path("a.jsonl.gz"), compressed);
  await Deno.writeTextFile(p.path("b.jsonl"), '{"id":1000,"v":"last"}');
  const res = await sh(
    p,
    "echo '{\"id\":-1}' | dltx load a.jsonl.gz - b.jsonl --table t --to duckdb",
  );
  equal(res.code, 0, res.stderr);
  const [row] = await p.query(
    "load_t.duckdb",
    "SELECT count(*) AS n, min(id) AS lo, max(id) AS hi, max(v) FILTER (WHERE id = 999) AS v FROM load_t_dataset.t",
  );
  deepEqual([Number(row.n), Number(row.lo), Number(row.hi), row.v], [1002, -1, 1000, "v999"]);
});

Deno.test("dltx load --to filesystem writes files DuckDB reads back", async () => {
  await using p = await tempProject();
  p.env.DESTINATION__FILESYSTEM__BUCKET_URL = "lake";
  const res = await sh(
    p,
    `printf '{"id":1,"seen_at":"2024-01-01T00:00:00Z"}\\n{"id":2,"seen_at":"2024-01-02T00:00:00Z"}\\n' | ` +
      "dltx load - --table t --to filesystem",
  );
  equal(res.code, 0, res.stderr);
  const glob = p.path("lake", "load_t_dataset", "t", "*.parquet");
  const db = await openDuckDb(":memory:");
  const rows = await db.query(
    `SELECT id, typeof(seen_at) AS t FROM read_parquet('${glob}') ORDER BY id`,
  ).finally(() => db.close());
  deepEqual(rows.map((r) => [Number(r.id), r.t]), [
    [1, "TIMESTAMP WITH TIME ZONE"],
    [2, "TIMESTAMP WITH TIME ZONE"],
  ]);
});
