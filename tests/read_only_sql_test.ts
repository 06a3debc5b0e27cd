/**
 * Read-only SQL reads only the dataset, on every surface that runs a user's SQL: `dltx query`,
 * the MCP server's `run_query` and the dashboard's explorer, each spawned as the real CLI.
 * Every attack must fail with a clear message AND leave no trace: no file written, no folder
 * created, no secret or system file content in any output, the database file unchanged.
 */
import { equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { fileHash, json, REPO, serve, type TempProject, tempProject } from "./_helpers.ts";

const SECRET = "e2e-secret-5d41402abc4b2a76";
const DS = "shop_pipeline_dataset";
const READ_ONLY = /are read-only: .* Use SELECT \(or WITH, VALUES, FROM, TABLE, DESCRIBE/;
const OUTSIDE = /read the dataset only: DuckDB may not open/;

function shopApi(): Response {
  return json([{ id: 1, name: "a", tags: [{ t: "x" }] }, { id: 2, name: "b", tags: [] }]);
}

/** Files and folders an attack would leave behind, relative to the project. */
const TRACES = ["copied.csv", "copied.parquet", "attached.duckdb", "exported", "profile.json"];

/** Each attack with what its refusal says. */
function attacks(dir: string): [string, RegExp][] {
  return [
    ["SELECT * FROM read_text('.dlt/secrets.toml')", OUTSIDE],
    [`SELECT content FROM read_text('${dir}/.dlt/secrets.toml')`, OUTSIDE],
    [`SELECT * FROM '${dir}/.dlt/secrets.toml'`, /Query failed on .*secrets\.toml/],
    ["SELECT * FROM read_csv('/etc/passwd')", OUTSIDE],
    ["SELECT * FROM read_blob('/etc/hostname')", OUTSIDE],
    ["SELECT * FROM glob('/root/*')", OUTSIDE],
    [`SELECT * FROM glob('${dir}/*')`, OUTSIDE],
    [`SELECT count(*) FROM ${DS}.items, read_text('${dir}/.dlt/secrets.toml')`, OUTSIDE],
    [`COPY (SELECT 1) TO '${dir}/copied.csv'`, READ_ONLY],
    [`COPY ${DS}.items TO '${dir}/copied.parquet' (FORMAT parquet)`, READ_ONLY],
    [`ATTACH '${dir}/attached.duckdb' AS a`, READ_ONLY],
    ["INSTALL httpfs", READ_ONLY],
    ["LOAD httpfs", READ_ONLY],
    ["SET threads = 1", READ_ONLY],
    ["RESET threads", READ_ONLY],
    [`SET profiling_output = '${dir}/profile.json'`, READ_ONLY],
    ["PRAGMA enable_profiling", READ_ONLY],
    [`EXPORT DATABASE '${dir}/exported'`, READ_ONLY],
    ["CHECKPOINT", READ_ONLY],
    [`DELETE FROM ${DS}.items`, READ_ONLY],
    [`SELECT 1; COPY (SELECT 1) TO '${dir}/copied.csv'`, READ_ONLY],
    [`SELECT 1 /* ; */ ; EXPORT DATABASE '${dir}/exported'`, READ_ONLY],
    [`SELECT 1 -- ;\n; ATTACH '${dir}/attached.duckdb' AS a`, READ_ONLY],
    [`/* SELECT */ COPY (SELECT 1) TO '${dir}/copied.csv'`, READ_ONLY],
    [`-- SELECT 1\nEXPORT DATABASE '${dir}/exported'`, READ_ONLY],
    [`EXPLAIN ANALYZE COPY (SELECT 1) TO '${dir}/copied.csv'`, READ_ONLY],
    ["SELECT * FROM enable_logging(storage := 'stdout')", READ_ONLY],
    ["SELECT * FROM query('SELECT * FROM read_text(''.dlt/secrets.toml'')')", READ_ONLY],
    ["SELECT 1; SELECT 2", /exactly one SQL statement; got 2/],
  ];
}

/** Reads that must keep working, with a text their answer contains. */
const READS: [string, string][] = [
  [`SELECT name FROM ${DS}.items ORDER BY id`, "a"],
  [`DESCRIBE ${DS}.items`, "_dlt_id"],
  ["SHOW ALL TABLES", "items__tags"],
  [`SUMMARIZE ${DS}.items`, "column_name"],
  [`EXPLAIN SELECT * FROM ${DS}.items`, "explain"],
  [`WITH t AS (SELECT count(*) AS n FROM ${DS}.items__tags) SELECT n FROM t`, "1"],
];

async function project(): Promise<{ p: TempProject; db: string } & AsyncDisposable> {
  const api = serve(shopApi);
  const p = await tempProject();
  const connector = await p.writeConnector({
    name: "shop",
    client: { base_url: api.url, paginator: "single_page" },
    resources: ["items"],
  });
  const run = await p.dltx(["run", connector]);
  equal(run.code, 0, run.stderr);
  await api[Symbol.asyncDispose]();
  await Deno.mkdir(p.path(".dlt"), { recursive: true });
  await Deno.writeTextFile(
    p.path(".dlt", "secrets.toml"),
    `[sources.shop]\napi_key = "${SECRET}"\n`,
  );
  return {
    p,
    db: p.path("shop_pipeline.duckdb"),
    async [Symbol.asyncDispose]() {
      await p[Symbol.asyncDispose]();
    },
  };
}

/** Asserts no attack left a trace and no output carries a secret or system file content. */
async function assertNoSideEffects(p: TempProject, outputs: string[]): Promise<void> {
  for (const name of TRACES) {
    ok(!(await Deno.stat(p.path(name)).then(() => true, () => false)), `${name} was created`);
  }
  // INSTALL would download into ~/.duckdb; the project's home has none.
  ok(!(await Deno.stat(join(p.env.HOME, ".duckdb")).then(() => true, () => false)));
  for (const text of outputs) {
    ok(!text.includes(SECRET), `the secret leaked: ${text}`);
    ok(!/root:.*:0:0:/.test(text), `/etc/passwd leaked: ${text}`);
    ok(!text.includes("connector.json"), `a folder listing leaked: ${text}`);
  }
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(fn));
  }
}

Deno.test("dltx query refuses every attack with exit 1 and one clear line", async () => {
  await using env = await project();
  const { p, db } = env;
  const before = await fileHash(db);
  const outputs: string[] = [];
  await inBatches(attacks(p.dir), 4, async ([sql, message]) => {
    // `--` ends the options: an attack may start with `--`.
    const res = await p.dltx(["query", "shop_pipeline", "--", sql]);
    outputs.push(res.stdout, res.stderr);
    equal(res.code, 1, `${sql}\n${res.stdout}${res.stderr}`);
    equal(res.stdout, "", sql);
    match(res.stderr, message, sql);
    equal(res.stderr.trim().split("\n").length, 1, res.stderr);
  });
  await inBatches(READS, 3, async ([sql, expected]) => {
    const res = await p.dltx(["query", "shop_pipeline", sql, "--format", "json"]);
    equal(res.code, 0, `${sql}\n${res.stderr}`);
    ok(res.stdout.includes(expected), `${sql}: ${res.stdout}`);
  });
  await assertNoSideEffects(p, outputs);
  equal(await fileHash(db), before, "the database file changed");
  ok(!(await Deno.stat(`${db}.wal`).then(() => true, () => false)));
});

Deno.test("dltx query on a filesystem bucket reads its data files only", async () => {
  await using env = await project();
  const { p } = env;
  await using api = serve(shopApi);
  const connector = await p.writeConnector({
    name: "lake",
    client: { base_url: api.url, paginator: "single_page" },
    resources: ["items"],
  }, "lake.json");
  // The bucket is the project folder itself: .dlt/secrets.toml lies inside it.
  const bucket = { DESTINATION__FILESYSTEM__BUCKET_URL: p.dir };
  const run = await p.dltx(["run", connector, "--to", "filesystem"], bucket);
  equal(run.code, 0, run.stderr);
  const outputs: string[] = [];
  await inBatches(attacks(p.dir).slice(0, 10), 4, async ([sql]) => {
    const res = await p.dltx(["query", "lake_pipeline", "--", sql], bucket);
    outputs.push(res.stdout, res.stderr);
    equal(res.code, 1, `${sql}\n${res.stdout}${res.stderr}`);
    match(res.stderr, /read the dataset only|are read-only|Query failed on file:/, sql);
  });
  const ok1 = await p.dltx(
    ["query", "lake_pipeline", "SELECT name FROM lake_pipeline_dataset.items ORDER BY id"],
    bucket,
  );
  equal(ok1.code, 0, ok1.stderr);
  match(ok1.stdout, /\ba\b[\s\S]*\bb\b/);
  await assertNoSideEffects(p, outputs);
});

Deno.test("MCP run_query refuses every attack as a tool error and keeps serving", async () => {
  await using env = await project();
  const { p, db } = env;
  const before = await fileHash(db);
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "-A", "--config", join(REPO, "deno.json"), join(REPO, "main.ts"), "mcp"],
    cwd: p.dir,
    env: p.env,
    stderr: "pipe",
  });
  const client = new Client({ name: "dltx-e2e", version: "0" });
  await client.connect(transport);
  const outputs: string[] = [];
  const runQuery = async (sql: string) => {
    const res = await client.callTool({
      name: "run_query",
      arguments: { pipeline: "shop_pipeline", sql },
    });
    const text = (res.content as { text: string }[]).map((c) => c.text).join("");
    outputs.push(text);
    return { isError: res.isError === true, text };
  };
  try {
    for (const [sql, message] of attacks(p.dir)) {
      const res = await runQuery(sql);
      ok(res.isError, `${sql}: ${res.text}`);
      match(res.text, message, sql);
    }
    for (const [sql, expected] of READS) {
      const res = await runQuery(sql);
      ok(!res.isError, `${sql}: ${res.text}`);
      ok(res.text.includes(expected), `${sql}: ${res.text}`);
    }
  } finally {
    await client.close();
  }
  await assertNoSideEffects(p, outputs);
  equal(await fileHash(db), before, "the database file changed");
});

/** Reads stdout until the dashboard prints its URL. */
async function dashboardUrl(stdout: ReadableStream<Uint8Array>): Promise<URL> {
  const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`dashboard exited before printing its URL: ${text}`);
    text += value;
    const m = text.match(/http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}/);
    if (m) {
      reader.releaseLock();
      stdout.cancel().catch(() => {});
      return new URL(m[0]);
    }
  }
}

Deno.test("the dashboard explorer refuses every attack with a JSON error", async () => {
  await using env = await project();
  const { p, db } = env;
  const before = await fileHash(db);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      join(REPO, "deno.json"),
      join(REPO, "main.ts"),
      "pipeline",
      "shop_pipeline",
      "show",
      "--no-open",
    ],
    cwd: p.dir,
    env: p.env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const outputs: string[] = [];
  try {
    const url = await dashboardUrl(child.stdout);
    const token = url.hash.replace("#token=", "");
    const post = async (sql: string) => {
      const res = await fetch(`${url.origin}/api/pipelines/shop_pipeline/query`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ sql }),
      });
      const text = await res.text();
      outputs.push(text);
      return { status: res.status, text, body: JSON.parse(text) };
    };
    for (const [sql, message] of attacks(p.dir)) {
      const res = await post(sql);
      equal(res.status, 400, `${sql}: ${res.text}`);
      match(res.body.error, message, sql);
    }
    for (const [sql, expected] of READS) {
      const res = await post(sql);
      equal(res.status, 200, `${sql}: ${res.text}`);
      ok(res.text.includes(expected), `${sql}: ${res.text}`);
    }
  } finally {
    child.kill("SIGINT");
    await child.status;
  }
  await assertNoSideEffects(p, outputs);
  equal(await fileHash(db), before, "the database file changed");
});
