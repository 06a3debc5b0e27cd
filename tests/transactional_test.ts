/**
 * Loads are all or nothing, also when job files were already being inserted while later
 * pages were still extracted (large loads stream into an open DuckDB transaction, or into
 * hidden data files of the filesystem destination).
 */
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { fileHash, json, serve, spawnDltx, type TempProject, tempProject } from "./_helpers.ts";

const PAGE_SIZE = 1000;
const BODY = "lorem ipsum dolor sit amet ".repeat(25);

/**
 * 30 pages of ~700-byte records (about 20 MiB of job files); page `failAt` answers 404, after
 * a second (so the job files finished before it are streamed first, however busy the machine).
 */
function bigApi(failAt: number | undefined) {
  return async (req: Request) => {
    const page = Number(new URL(req.url).searchParams.get("page") ?? 1);
    if (page === failAt) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return json({ message: "gone" }, { status: 404 });
    }
    const records = page > 30 ? [] : Array.from({ length: PAGE_SIZE }, (_, i) => ({
      id: (page - 1) * PAGE_SIZE + i,
      body: BODY,
      user: { login: `u${i % 97}`, id: i % 97 },
      created_at: "2024-05-06T07:08:09Z",
    }));
    return json(records);
  };
}

function connector(base: string) {
  return {
    name: "big",
    client: { base_url: base, paginator: { type: "page_number", base_page: 1, total_path: null } },
    resources: ["records"],
  };
}

const DEBUG = { RUNTIME__LOG_LEVEL: "DEBUG" };

Deno.test("a failure after job files were streamed leaves no database file behind", async () => {
  await using server = serve(bigApi(25));
  await using p = await tempProject();
  const path = await p.writeConnector(connector(server.url));
  const res = await p.dltx(["run", path], DEBUG);
  equal(res.code, 1);
  match(res.stderr, /404 Client Error/);
  // Job files went into DuckDB before the failure ...
  match(res.stderr, /Loaded \d+ rows into records from/);
  // ... and nothing of it stays.
  equal(await fileHash(p.path("big_pipeline.duckdb")), undefined);
  equal(await fileHash(p.path("big_pipeline.duckdb.wal")), undefined);
});

Deno.test("a failure after job files were streamed leaves an existing database as it was", async () => {
  let failAt: number | undefined = undefined;
  await using server = serve((req) => bigApi(failAt)(req));
  await using p = await tempProject();
  const path = await p.writeConnector(connector(server.url));
  const first = await p.dltx(["run", path]);
  equal(first.code, 0, first.stderr);
  const db = "big_pipeline.duckdb";
  const count = async () =>
    (await p.query(
      db,
      `SELECT (SELECT count(*) FROM big_pipeline_dataset.records) AS r,
              (SELECT count(*) FROM big_pipeline_dataset._dlt_loads) AS l,
              (SELECT count(*) FROM big_pipeline_dataset._dlt_pipeline_state) AS s`,
    ))[0];
  const before = await count();
  equal(Number(before.r), 30 * PAGE_SIZE);
  const stateBefore = await Deno.readTextFile(
    `${p.env.DLTX_PIPELINES_DIR}/big_pipeline/state.json`,
  );

  failAt = 25;
  const res = await p.dltx(["run", path], DEBUG);
  equal(res.code, 1);
  match(res.stderr, /Loaded \d+ rows into records from/);
  const after = await count();
  equal(Number(after.r), Number(before.r));
  equal(Number(after.l), Number(before.l));
  equal(Number(after.s), Number(before.s));
  equal(
    await Deno.readTextFile(`${p.env.DLTX_PIPELINES_DIR}/big_pipeline/state.json`),
    stateBefore,
    "local state must not advance without a committed load",
  );
});

/**
 * Three pages of a few records; the answer to page 2 waits until `release()`, and page 2 fails
 * when `fail` is set. `page2` resolves when page 2 was asked for: the run is mid-extraction.
 */
function stallingApi() {
  let release!: () => void;
  let reached!: () => void;
  const api = {
    fail: false,
    page2: new Promise<void>((resolve) => reached = resolve),
    gate: new Promise<void>((resolve) => release = resolve),
    release: () => release(),
    reset() {
      api.page2 = new Promise<void>((resolve) => reached = resolve);
      api.gate = new Promise<void>((resolve) => release = resolve);
    },
  };
  const handler = async (req: Request) => {
    const page = Number(new URL(req.url).searchParams.get("page") ?? 1);
    if (page === 2) {
      reached();
      await api.gate;
      if (api.fail) return json({ message: "gone" }, { status: 404 });
    }
    return json(page > 3 ? [] : [{ id: page * 10 + 1 }, { id: page * 10 + 2 }]);
  };
  return Object.assign(api, { handler });
}

/** Waits until the file exists (a run opened it); fails after 20 s. */
async function fileAppears(path: string): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 20_000;) {
    if (await fileHash(path) !== undefined) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${path} did not appear while the run extracted`);
}

Deno.test("a run holds no existing database while it extracts; a new one opens early and a failure removes it", async () => {
  const api = stallingApi();
  await using server = serve(api.handler);
  await using p = await tempProject();
  const path = await p.writeConnector(connector(server.url));
  const db = "big_pipeline.duckdb";
  /** Runs dltx, checks while it waits for page 2, then lets it go on (also when a check fails). */
  const midRun = async (check: () => Promise<void>) => {
    api.reset();
    const run = p.dltx(["run", path]);
    try {
      await api.page2;
      await check();
    } finally {
      api.release();
    }
    return await run;
  };

  // A first run that fails mid-extraction: the new file was opened early, and is gone again.
  api.fail = true;
  const failed = await midRun(() => fileAppears(p.path(db)));
  equal(failed.code, 1);
  match(failed.stderr, /404 Client Error/);
  equal(await fileHash(p.path(db)), undefined);
  equal(await fileHash(p.path(`${db}.wal`)), undefined);

  // A first run that completes.
  api.fail = false;
  equal((await midRun(() => fileAppears(p.path(db)))).code, 0);

  // The next run, stalled mid-extraction: the existing database is not held, others read it.
  const count = async () =>
    Number((await p.query(db, "SELECT count(*) AS n FROM big_pipeline_dataset.records"))[0].n);
  const second = await midRun(async () => equal(await count(), 6));
  equal(second.code, 0, second.stderr);
  equal(await count(), 12);
});

/** Rows and distinct ids of `records` in the bucket, read through `dltx query`. */
async function bucketRecords(p: TempProject, bucket: string): Promise<{ n: number; ids: number }> {
  const res = await p.dltx([
    "query",
    "big_pipeline",
    "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM big_pipeline_dataset.records",
    "--format",
    "json",
  ], { DESTINATION__FILESYSTEM__BUCKET_URL: bucket });
  equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout)[0];
}

/** Every file under `dir`, relative to it, sorted (hidden ones too); none when it is missing. */
async function filesUnder(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(join(dir, prefix))) {
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory) out.push(...await filesUnder(dir, name));
      else out.push(name);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out.sort();
}

Deno.test("run --to filesystem: files converted while extracting appear only once the load completes", async () => {
  let failAt: number | undefined = 25;
  await using server = serve((req) => bigApi(failAt)(req));
  await using p = await tempProject();
  const path = await p.writeConnector(connector(server.url));
  const bucket = p.path("bucket");
  const env = { ...DEBUG, DESTINATION__FILESYSTEM__BUCKET_URL: bucket };
  const failed = await p.dltx(["run", path, "--to", "filesystem"], env);
  equal(failed.code, 1);
  match(failed.stderr, /404 Client Error/);
  // Job files were converted before the failure ...
  match(failed.stderr, /Converted .*records\.[0-9a-f]+\.0\.jsonl while extracting/);
  // ... and no file of it stays, hidden or not.
  deepStrictEqual(await filesUnder(bucket), []);

  failAt = undefined;
  const ok = await p.dltx(["run", path, "--to", "filesystem"], env);
  equal(ok.code, 0, ok.stderr);
  match(ok.stderr, /Converted .* while extracting/);
  const files = await filesUnder(bucket);
  deepStrictEqual(files.filter((f) => f.split("/").some((part) => part.startsWith("."))), []);
  deepStrictEqual(await bucketRecords(p, bucket), { n: 30 * PAGE_SIZE, ids: 30 * PAGE_SIZE });
});

Deno.test("run --to filesystem: the next run removes what a run killed mid-conversion left", async () => {
  // Page 20 waits until the test lets it go: the run is killed while it waits, with files
  // of the first pages converted (job files rotate at 8 MiB, about 12 pages).
  const gate = Promise.withResolvers<void>();
  const api = bigApi(undefined);
  await using server = serve(async (req) => {
    if (new URL(req.url).searchParams.get("page") === "20") await gate.promise;
    return await api(req);
  });
  await using p = await tempProject();
  const path = await p.writeConnector(connector(server.url));
  const bucket = p.path("bucket");
  const env = { ...p.env, DESTINATION__FILESYSTEM__BUCKET_URL: bucket };
  const run = spawnDltx(["run", path, "--to", "filesystem"], { cwd: p.dir, env, output: "null" });
  const staging = join(bucket, "big_pipeline_dataset", ".dltx_staging");
  const deadline = Date.now() + 60_000;
  while (!(await filesUnder(staging)).some((f) => f.endsWith(".parquet"))) {
    if (Date.now() > deadline) throw new Error("no file was converted while extracting");
    await new Promise((r) => setTimeout(r, 20));
  }
  run.kill("SIGKILL");
  await run.status;
  gate.resolve();
  ok((await filesUnder(staging)).length > 0, "the killed run left its converted files");

  const again = await p.dltx(["run", path, "--to", "filesystem"], {
    DESTINATION__FILESYSTEM__BUCKET_URL: bucket,
  });
  equal(again.code, 0, again.stderr);
  deepStrictEqual(await filesUnder(staging), [], "the next run removed them");
  deepStrictEqual(await bucketRecords(p, bucket), { n: 30 * PAGE_SIZE, ids: 30 * PAGE_SIZE });
});
