/**
 * Numbers arrive exactly as the API sent them, end to end: ids past 2^53 load exactly into
 * `bigint` (merge and incremental cursors on them included), integers past int64 into
 * `decimal(38,0)` and past 38 digits into text, `1.0` types a double column, `1e400` is
 * infinity; the same through `dltx load` (JSON lines, gzip, Singer), `--to jsonl` and the
 * filesystem destination. The fixture servers write their JSON by hand: JavaScript values
 * could not even hold these numbers.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { serve, type TempProject, tempProject } from "./_helpers.ts";

/** A response with this exact JSON text. */
function jsonText(text: string): Response {
  return new Response(text, { headers: { "content-type": "application/json" } });
}

async function runOk(p: TempProject, args: string[], label: string): Promise<string> {
  const res = await p.dltx(args);
  equal(res.code, 0, `${label}: ${res.stderr}`);
  return res.stdout;
}

/** Each row of `sql` as a list of its values (cast to text in the SQL where exactness matters). */
async function tuples(p: TempProject, db: string, sql: string): Promise<unknown[][]> {
  return (await p.query(db, sql)).map((r) => Object.values(r));
}

/** `{column: DuckDB type}` of a table. */
async function columnTypes(
  p: TempProject,
  db: string,
  schema: string,
  table: string,
): Promise<Record<string, string>> {
  const rows = await p.query(
    db,
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = '${schema}' AND table_name = '${table}' ORDER BY ordinal_position`,
  );
  return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.data_type)]));
}

Deno.test("ids past 2^53 load exactly into bigint, and merge on them keeps every record apart", async () => {
  let body = `[
    {"id": 9007199254740992, "status": "a"},
    {"id": 9007199254740993, "status": "b"},
    {"id": 1234567890123456789, "status": "c"},
    {"id": 9223372036854775807, "status": "d"},
    {"id": -9223372036854775808, "status": "e"}
  ]`;
  await using server = serve(() => jsonText(body));
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "snow",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [{
      name: "things",
      write_disposition: "merge",
      primary_key: "id",
      endpoint: { path: "things" },
    }],
  });
  const db = "snow_pipeline.duckdb";
  const ds = "snow_pipeline_dataset";
  const rows = () =>
    tuples(p, db, `SELECT CAST(id AS VARCHAR), status FROM ${ds}.things ORDER BY id`);

  await runOk(p, ["run", connector], "run 1");
  equal((await columnTypes(p, db, ds, "things")).id, "BIGINT");
  deepEqual(await rows(), [
    ["-9223372036854775808", "e"],
    ["9007199254740992", "a"],
    ["9007199254740993", "b"],
    ["1234567890123456789", "c"],
    ["9223372036854775807", "d"],
  ]);

  // Updating ...993 must not touch ...992, which a rounded id would have hit.
  body = `[{"id": 9007199254740993, "status": "B"}, {"id": 1234567890123456789, "status": "C"}]`;
  await runOk(p, ["run", connector], "run 2");
  deepEqual(await rows(), [
    ["-9223372036854775808", "e"],
    ["9007199254740992", "a"],
    ["9007199254740993", "B"],
    ["1234567890123456789", "C"],
    ["9223372036854775807", "d"],
  ]);
});

Deno.test("integers past int64 go to decimal(38,0), past 38 digits to text; 1.0 types a double", async () => {
  const big = "12345678901234567890";
  const huge = "123456789012345678901234567890123456789012";
  const body = `[
    {"id": 1, "v": 7, "n": ${big}, "h": ${huge}, "price": 1.0, "x": 1e400, "l": [1.0, 2]},
    {"id": 2, "v": ${big}, "n": -99999999999999999999999999999999999999, "h": 5, "price": 2.5,
     "x": -1e400, "l": [0.5]},
    {"id": 3, "v": -${huge}, "n": 0, "price": 3, "x": -0.0, "s": "9007199254740993"},
    {"id": 4, "v": 9223372036854775808, "n": 99999999999999999999999999999999999999,
     "h": 100000000000000000000000000000000000000},
    {"id": 5, "v": -9223372036854775809, "n": -9223372036854775809}
  ]`;
  await using server = serve(() => jsonText(body));
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "nums",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [{ name: "things", endpoint: { path: "things" } }],
  });
  await runOk(p, ["run", connector], "run");
  const db = "nums_pipeline.duckdb";
  const ds = "nums_pipeline_dataset";
  const types = await columnTypes(p, db, ds, "things");
  deepEqual(
    { v: types.v, v__v_decimal: types.v__v_decimal, v__v_text: types.v__v_text, n: types.n },
    { v: "BIGINT", v__v_decimal: "DECIMAL(38,0)", v__v_text: "VARCHAR", n: "DECIMAL(38,0)" },
  );
  deepEqual([types.h, types.price, types.x, types.s], ["VARCHAR", "DOUBLE", "DOUBLE", "VARCHAR"]);
  equal(types.price__v_double, undefined, "2.5 fits the double column 1.0 made");
  equal((await columnTypes(p, db, ds, "things__l")).value, "DOUBLE");
  deepEqual(
    await tuples(
      p,
      db,
      `SELECT CAST(v AS VARCHAR), CAST(v__v_decimal AS VARCHAR), v__v_text, CAST(n AS VARCHAR),
              h, CAST(price AS VARCHAR), CAST(x AS VARCHAR), s
       FROM ${ds}.things ORDER BY id`,
    ),
    [
      ["7", null, null, big, huge, "1.0", "inf", null],
      [null, big, null, "-99999999999999999999999999999999999999", "5", "2.5", "-inf", null],
      [null, null, `-${huge}`, "0", null, "3.0", "-0.0", "9007199254740993"],
      [
        null,
        "9223372036854775808",
        null,
        "99999999999999999999999999999999999999",
        "100000000000000000000000000000000000000",
        null,
        null,
        null,
      ],
      [null, "-9223372036854775809", null, "-9223372036854775809", null, null, null, null],
    ],
  );
});

Deno.test("an incremental cursor on ids past 2^53 filters, sends and stores them exactly", async () => {
  const all = [9007199254740991n, 9007199254740992n, 9007199254740993n];
  await using server = serve((req) => {
    const since = BigInt(new URL(req.url).searchParams.get("since_id") ?? "0");
    const rows = all.filter((id) => id >= since).map((id) => `{"id": ${id}, "name": "n${id}"}`);
    return jsonText(`[${rows.join(",")}]`);
  });
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "inc",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [{
      name: "things",
      primary_key: "id",
      endpoint: {
        path: "things",
        incremental: { cursor_path: "id", start_param: "since_id", initial_value: 0 },
      },
    }],
  });
  const db = "inc_pipeline.duckdb";
  const ds = "inc_pipeline_dataset";
  const ids = async () =>
    (await tuples(p, db, `SELECT CAST(id AS VARCHAR) FROM ${ds}.things ORDER BY id`)).flat();

  await runOk(p, ["run", connector], "run 1");
  deepEqual(await ids(), ["9007199254740991", "9007199254740992", "9007199254740993"]);
  all.push(9007199254740994n);
  await runOk(p, ["run", connector], "run 2");
  const since = new URL(server.requests.at(-1)!.url).searchParams.get("since_id");
  equal(since, "9007199254740993");
  // ...993 came again at the boundary and was recognised by its hash; ...994 is new.
  deepEqual(await ids(), [
    "9007199254740991",
    "9007199254740992",
    "9007199254740993",
    "9007199254740994",
  ]);
  const local = await Deno.readTextFile(
    join(p.env.DLTX_PIPELINES_DIR, "inc_pipeline", "state.json"),
  );
  match(local, /"last_value": 9007199254740994\b/);
  const [row] = await p.query(
    db,
    `SELECT state FROM ${ds}._dlt_pipeline_state ORDER BY created_at DESC LIMIT 1`,
  );
  const stored = inflateSync(Buffer.from(String(row.state), "base64")).toString();
  match(stored, /"last_value":9007199254740994\b/);
});

Deno.test("dltx load reads JSON lines (gzip too) and Singer with exact numbers", async () => {
  await using p = await tempProject();
  const lines = [
    '{"id": 9007199254740993, "price": 1.0}',
    '{"id": 9007199254740992, "price": 2.25}',
    '{"id": 9007199254740993, "price": 3.0}',
  ].join("\n") + "\n";
  const gz = new Uint8Array(
    await new Response(
      new Blob([lines]).stream().pipeThrough(
        new CompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
      ),
    ).arrayBuffer(),
  );
  await Deno.writeFile(p.path("things.jsonl.gz"), gz);
  await runOk(p, [
    "load",
    "things.jsonl.gz",
    "--table",
    "things",
    "--write-disposition",
    "merge",
    "--primary-key",
    "id",
  ], "load jsonl");
  const db = "load_things.duckdb";
  deepEqual(
    await tuples(
      p,
      db,
      "SELECT CAST(id AS VARCHAR), price FROM load_things_dataset.things ORDER BY id",
    ),
    [["9007199254740992", 2.25], ["9007199254740993", 3]],
  );
  equal((await columnTypes(p, db, "load_things_dataset", "things")).price, "DOUBLE");

  const tap = [
    '{"type": "SCHEMA", "stream": "users", "key_properties": ["id"], "schema": ' +
    '{"type": "object", "properties": {"id": {"type": "integer"}}}}',
    '{"type": "RECORD", "stream": "users", "record": {"id": 1234567890123456789}}',
    '{"type": "RECORD", "stream": "users", "record": {"id": 1234567890123456788}}',
    '{"type": "STATE", "value": {"bookmark": 1234567890123456789}}',
  ].join("\n") + "\n";
  await Deno.writeTextFile(p.path("tap.jsonl"), tap);
  await runOk(p, ["load", "tap.jsonl", "--format", "singer"], "load singer");
  deepEqual(
    (await tuples(
      p,
      "load_singer.duckdb",
      "SELECT CAST(id AS VARCHAR) FROM load_singer_dataset.users ORDER BY id",
    )).flat(),
    ["1234567890123456788", "1234567890123456789"],
  );
  const state = await Deno.readTextFile(
    join(p.env.DLTX_PIPELINES_DIR, "load_singer", "state.json"),
  );
  match(state, /"bookmark": 1234567890123456789\b/);
});

Deno.test("run --to jsonl writes records and normalized rows with the API's exact numbers", async () => {
  const body =
    '[{"id": 9007199254740993, "f": 1.0, "x": 1e400, "n": {"big": 123456789012345678901}}]';
  await using server = serve(() => jsonText(body));
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "out",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [{ name: "things", endpoint: { path: "things" } }],
  });
  const records = await runOk(p, ["run", connector, "--to", "jsonl"], "records");
  equal(records, '{"id":9007199254740993,"f":1.0,"x":1e400,"n":{"big":123456789012345678901}}\n');
  const rows = await runOk(p, ["run", connector, "--to", "jsonl", "--normalize"], "rows");
  match(rows, /^\{"id":9007199254740993,"f":1,"x":1e400,"n__big":123456789012345678901,/);
});

for (const format of ["parquet", "jsonl", "csv"] as const) {
  Deno.test(`run --to filesystem writes exact numbers to ${format} files`, async () => {
    const body =
      '[{"id": 9007199254740993, "n": 12345678901234567890, "f": 1.0}, {"id": -9223372036854775808, "n": 1, "f": 2.5}]';
    await using server = serve(() => jsonText(body));
    await using p = await tempProject();
    const connector = await p.writeConnector({
      name: "lake",
      client: { base_url: server.url, paginator: "single_page" },
      resources: [{ name: "things", endpoint: { path: "things" } }],
    });
    const lake = p.path("lake");
    const res = await p.dltx(["run", connector, "--to", "filesystem"], {
      DESTINATION__FILESYSTEM__BUCKET_URL: lake,
      DESTINATION__FILESYSTEM__LOADER_FILE_FORMAT: format,
      DATA_WRITER__DISABLE_COMPRESSION: "true",
    });
    equal(res.code, 0, res.stderr);
    const dir = join(lake, "lake_pipeline_dataset", "things");
    const [file] = [...Deno.readDirSync(dir)].map((e) => join(dir, e.name));
    if (format !== "parquet") {
      const text = await Deno.readTextFile(file);
      ok(text.includes("9007199254740993"), text);
      ok(text.includes("-9223372036854775808"), text);
      ok(text.includes("12345678901234567890"), text);
    }
    // Read back through dltx query: the same exact values.
    const query = await p.dltx([
      "query",
      "lake_pipeline",
      "SELECT CAST(id AS VARCHAR) AS id, CAST(n AS VARCHAR) AS n, f FROM lake_pipeline_dataset.things ORDER BY id",
      "--format",
      "json",
    ], { DESTINATION__FILESYSTEM__BUCKET_URL: lake });
    equal(query.code, 0, query.stderr);
    deepEqual(JSON.parse(query.stdout), [
      { id: "-9223372036854775808", n: "1", f: 2.5 },
      { id: "9007199254740993", n: "12345678901234567890", f: 1 },
    ]);
  });
}

Deno.test("a cursor paginator sends a cursor past 2^53 back exactly, in the query and the body", async () => {
  const next = "1234567890123456789";
  const seen: string[] = [];
  await using server = serve(async (req) => {
    const url = new URL(req.url);
    const cursor = req.method === "POST"
      ? /"after":\s*(\d+)/.exec(await req.text())?.[1] ?? null
      : url.searchParams.get("after");
    seen.push(`${req.method} ${cursor}`);
    if (cursor === null) return jsonText(`{"data": [{"id": 1}], "next": ${next}}`);
    if (cursor === next) return jsonText(`{"data": [{"id": 2}], "next": null}`);
    return new Response(`unknown cursor ${cursor}`, { status: 400 });
  });
  await using p = await tempProject();
  const paginator = (body: boolean) => ({
    type: "cursor",
    cursor_path: "next",
    ...(body ? { cursor_body_path: "after" } : { cursor_param: "after" }),
  });
  const connector = await p.writeConnector({
    name: "pages",
    client: { base_url: server.url },
    resources: [
      { name: "q", endpoint: { path: "q", data_selector: "data", paginator: paginator(false) } },
      {
        name: "b",
        endpoint: {
          path: "b",
          method: "POST",
          json: {},
          data_selector: "data",
          paginator: paginator(true),
        },
      },
    ],
  });
  await runOk(p, ["run", connector], "run");
  deepEqual(seen.sort(), [
    "GET 1234567890123456789",
    "GET null",
    "POST 1234567890123456789",
    "POST null",
  ]);
  const [counts] = await p.query(
    "pages_pipeline.duckdb",
    "SELECT (SELECT count(*) FROM pages_pipeline_dataset.q) AS q, (SELECT count(*) FROM pages_pipeline_dataset.b) AS b",
  );
  deepEqual([Number(counts.q), Number(counts.b)], [2, 2]);
});

Deno.test("a TS connector's processing steps get and return exact numbers through its sandbox", async () => {
  await using server = serve(() =>
    jsonText(`[{"id": 9007199254740993, "score": 1.0}, {"id": 1234567890123456789, "score": 2.5}]`)
  );
  await using p = await tempProject();
  // The step sees bigints (arithmetic on them works) and hands them back; 1.0 stays a float
  // in the record the step changed (a new object built by the step has no float marks).
  await Deno.writeTextFile(
    p.path("snow.ts"),
    `export default {
  name: "snow",
  client: { base_url: ${JSON.stringify(server.url)}, paginator: "single_page" },
  resources: [{
    name: "things",
    endpoint: { path: "things" },
    processing_steps: [{ map: (r) => { r.next_id = r.id + 1n; return r; } }],
  }],
};
`,
  );
  await runOk(p, ["run", "./snow.ts"], "run");
  const db = "snow_pipeline.duckdb";
  const ds = "snow_pipeline_dataset";
  deepEqual(
    await tuples(
      p,
      db,
      `SELECT CAST(id AS VARCHAR), CAST(next_id AS VARCHAR), score FROM ${ds}.things ORDER BY id`,
    ),
    [
      ["9007199254740993", "9007199254740994", 1],
      ["1234567890123456789", "1234567890123456790", 2.5],
    ],
  );
  const types = await columnTypes(p, db, ds, "things");
  equal(types.id, "BIGINT");
  equal(types.next_id, "BIGINT");
  equal(types.score, "DOUBLE");
});
