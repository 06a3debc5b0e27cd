/**
 * The filesystem destination end to end: `dltx run --to filesystem` writes Parquet, JSONL or
 * CSV files in dlt's layout, `dltx query` and `dltx pipeline` read them, and a pipeline
 * without its working folder resumes from the state stored in the bucket.
 */
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { openDuckDb } from "../destinations/duckdb/mod.ts";
import { serveApi, tempProject } from "./_helpers.ts";

const DS = "shop_pipeline_dataset";

/** A shop API: items newer than `since` (incremental on `updated_at`) and tags. */
function shopApi(items: () => unknown[], tags: () => unknown[]) {
  return serveApi({
    "/items": (url) => {
      const since = url.searchParams.get("since") ?? "";
      return items().filter((i) => String((i as { updated_at: string }).updated_at) > since);
    },
    "/tags": () => tags(),
  });
}

function shopConnector(base: string) {
  return {
    name: "shop",
    client: { base_url: base, paginator: "single_page" },
    resources: [
      {
        name: "items",
        endpoint: {
          path: "items",
          params: {
            since: {
              type: "incremental",
              cursor_path: "updated_at",
              initial_value: "2024-01-01T00:00:00Z",
            },
          },
        },
      },
      { name: "tags", write_disposition: "replace" },
    ],
  };
}

const ITEMS = [
  {
    id: 1,
    name: 'a, "quoted"',
    price: 1.5,
    active: true,
    updated_at: "2024-02-01T02:00:00+02:00",
    meta: { color: "red" },
    labels: [{ l: "x" }, { l: "y" }],
  },
  { id: 2, name: "b", price: 2, active: false, updated_at: "2024-03-01T00:00:00Z", labels: [] },
];

/** Rows of a file or glob read with DuckDB, as any engine would. */
async function readFiles(sql: string): Promise<Record<string, unknown>[]> {
  const db = await openDuckDb(":memory:");
  try {
    await db.query("SET TimeZone = 'UTC'");
    return await db.query(sql);
  } finally {
    db.close();
  }
}

/** Files under `dir`, relative to it, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, rel: string) => {
    for await (const e of Deno.readDir(d)) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await walk(join(d, e.name), r);
      else out.push(r);
    }
  };
  await walk(dir, "");
  return out.sort();
}

Deno.test("run --to filesystem writes parquet files that query and a fresh machine read", async () => {
  let items: unknown[] = ITEMS;
  let tags = [{ tag: "x" }, { tag: "y" }];
  await using server = shopApi(() => items, () => tags);
  await using p = await tempProject();
  const connector = await p.writeConnector(shopConnector(server.url));
  const env = { DESTINATION__FILESYSTEM__BUCKET_URL: "lake" };
  const lake = p.path("lake");

  const first = await p.dltx(["run", connector, "--to", "filesystem"], env);
  equal(first.code, 0, first.stderr);
  ok(
    first.stdout.includes(`The filesystem destination used file://${lake} location to store data`),
    first.stdout,
  );
  match(first.stdout, /1 load package\(s\) were loaded to destination filesystem and into dataset/);
  const files = await filesUnder(join(lake, DS));
  for (const table of ["items", "items__labels", "tags"]) {
    ok(
      files.some((f) => new RegExp(`^${table}/\\d+\\.\\d+\\.\\w+\\.parquet$`).test(f)),
      `${files}`,
    );
  }
  ok(files.includes("init") && files.some((f) => f.startsWith("_dlt_loads/shop__")), `${files}`);
  ok(files.some((f) => f.startsWith("_dlt_pipeline_state/shop_pipeline__")), `${files}`);
  ok(files.some((f) => f.startsWith("_dlt_version/shop__")), `${files}`);

  // Any engine reads the files, typed.
  const rows = await readFiles(
    `SELECT id, name, price, active, updated_at, meta__color FROM read_parquet('${lake}/${DS}/items/*.parquet') ORDER BY id`,
  );
  deepStrictEqual(rows, [
    {
      id: 1,
      name: 'a, "quoted"',
      price: 1.5,
      active: true,
      updated_at: new Date("2024-02-01T00:00:00Z"),
      meta__color: "red",
    },
    {
      id: 2,
      name: "b",
      price: 2,
      active: false,
      updated_at: new Date("2024-03-01T00:00:00Z"),
      meta__color: null,
    },
  ]);

  // dltx query runs over the files.
  const query = await p.dltx([
    "query",
    "shop_pipeline",
    `SELECT i.id, count(l.l) AS labels FROM ${DS}.items i LEFT JOIN ${DS}.items__labels l ` +
    "ON l._dlt_parent_id = i._dlt_id GROUP BY i.id ORDER BY i.id",
    "--format",
    "json",
  ]);
  equal(query.code, 0, query.stderr);
  deepStrictEqual(JSON.parse(query.stdout), [{ id: 1, labels: 2 }, { id: 2, labels: 0 }]);
  const info = await p.dltx(["pipeline", "shop_pipeline", "info"]);
  equal(info.code, 0, info.stderr);
  ok(info.stdout.includes(`Destination: filesystem at file://${lake}\n`), info.stdout);
  const refused = await p.dltx(["query", "shop_pipeline", `COPY (SELECT 1) TO '${lake}/x.csv'`]);
  equal(refused.code, 1);
  match(refused.stderr, /read-only: COPY is not allowed/);

  // A new machine: no working folder. State comes from the bucket, so only newer items load;
  // the replaced tags keep only the new files.
  await Deno.remove(p.env.DLTX_PIPELINES_DIR, { recursive: true });
  items = [...ITEMS, { id: 3, name: "c", updated_at: "2024-04-01T00:00:00Z", labels: [] }];
  tags = [{ tag: "z" }];
  const second = await p.dltx(["run", connector, "--to", "filesystem"], env);
  equal(second.code, 0, second.stderr);
  const count = await p.dltx([
    "query",
    "shop_pipeline",
    `SELECT (SELECT list(id ORDER BY id) FROM ${DS}.items) AS ids, ` +
    `(SELECT list(tag) FROM ${DS}.tags) AS tags, ` +
    `(SELECT count(*) FROM ${DS}._dlt_loads) AS loads`,
    "--format",
    "json",
  ]);
  equal(count.code, 0, count.stderr);
  deepStrictEqual(JSON.parse(count.stdout), [{ ids: [1, 2, 3], tags: ["z"], loads: 2 }]);
  equal((await filesUnder(join(lake, DS, "tags"))).length, 1);
});

for (const format of ["jsonl", "csv"] as const) {
  Deno.test(`run --to filesystem writes ${format} files with loader_file_format`, async () => {
    await using server = shopApi(() => ITEMS, () => [{ tag: "x" }]);
    await using p = await tempProject();
    const connector = await p.writeConnector(shopConnector(server.url));
    const lake = p.path("out", "lake");
    const res = await p.dltx(["run", connector, "--to", "filesystem", "--resources", "items"], {
      DESTINATION__FILESYSTEM__BUCKET_URL: `file://${lake}`,
      DESTINATION__FILESYSTEM__LOADER_FILE_FORMAT: format,
      DESTINATION__FILESYSTEM__LAYOUT: "{table_name}/{YYYY}/{load_id}.{file_id}.{ext}",
    });
    equal(res.code, 0, res.stderr);
    const items = (await filesUnder(join(lake, DS))).filter((f) => f.startsWith("items/"));
    equal(items.length, 1);
    // Gzipped by default, as dlt writes them.
    match(items[0], new RegExp(`^items/\\d{4}/\\d+\\.\\d+\\.\\w+\\.${format}\\.gz$`));
    const file = await Deno.open(join(lake, DS, items[0]));
    const text = await new Response(file.readable.pipeThrough(new DecompressionStream("gzip")))
      .text();
    if (format === "jsonl") {
      const first = JSON.parse(text.split("\n")[0]);
      equal(first.updated_at, "2024-02-01T00:00:00+00:00");
      equal(first.name, 'a, "quoted"');
    } else {
      ok(text.split("\n")[0].startsWith("id,name,price,active,updated_at"), text);
      ok(text.includes('1,"a, ""quoted""",1.5,true,2024-02-01T00:00:00+00:00'), text);
    }
    const query = await p.dltx(
      [
        "query",
        "shop_pipeline",
        `SELECT id, updated_at FROM ${DS}.items ORDER BY id`,
        "--format",
        "json",
      ],
      { DESTINATION__FILESYSTEM__LAYOUT: "{table_name}/{YYYY}/{load_id}.{file_id}.{ext}" },
    );
    equal(query.code, 0, query.stderr);
    deepStrictEqual(JSON.parse(query.stdout).map((r: { id: number }) => r.id), [1, 2]);
  });
}

Deno.test("DATA_WRITER__DISABLE_COMPRESSION=true writes plain JSONL and CSV files", async () => {
  await using server = shopApi(() => ITEMS, () => [{ tag: "x" }]);
  await using p = await tempProject();
  const connector = await p.writeConnector(shopConnector(server.url));
  const cases = [
    { format: "jsonl", key: "DATA_WRITER__DISABLE_COMPRESSION", value: "true", ext: "jsonl" },
    {
      format: "csv",
      key: "NORMALIZE__DATA_WRITER__DISABLE_COMPRESSION",
      value: "True",
      ext: "csv",
    },
    { format: "jsonl", key: "DATA_WRITER__DISABLE_COMPRESSION", value: "false", ext: "jsonl.gz" },
  ];
  for (const [i, { format, key, value, ext }] of cases.entries()) {
    const lake = p.path(`lake${i}`);
    const args = ["run", connector, "--to", "filesystem", "--resources", "items"];
    const res = await p.dltx([...args, "--pipeline", `shop${i}`, "--dataset", DS], {
      DESTINATION__FILESYSTEM__BUCKET_URL: lake,
      DESTINATION__FILESYSTEM__LOADER_FILE_FORMAT: format,
      [key]: value,
    });
    equal(res.code, 0, res.stderr);
    const items = (await filesUnder(join(lake, DS))).filter((f) => f.startsWith("items/"));
    equal(items.length, 1);
    ok(items[0].endsWith(`.${ext}`), `${key}=${value}: ${items[0]}`);
    if (!ext.endsWith(".gz")) {
      const text = await Deno.readTextFile(join(lake, DS, items[0]));
      ok(text.includes("2024-02-01T00:00:00+00:00"), text);
    }
  }
});

Deno.test("run --to filesystem refuses remote buckets and a missing bucket_url", async () => {
  await using p = await tempProject();
  const connector = await p.writeConnector(shopConnector("http://127.0.0.1:9"));
  const remote = await p.dltx(["run", connector, "--to", "filesystem"], {
    DESTINATION__FILESYSTEM__BUCKET_URL: "s3://bucket/lake",
  });
  equal(remote.code, 1, remote.stderr);
  match(remote.stderr, /only local paths and file:\/\/ URLs are supported/);
  const missing = await p.dltx(["run", connector, "--to", "filesystem"]);
  equal(missing.code, 1, missing.stderr);
  match(missing.stderr, /bucket_url/);
});
