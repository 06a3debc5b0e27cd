/**
 * Loads are all or nothing, also when job files were already being inserted while later
 * pages were still extracted (large loads stream into an open DuckDB transaction).
 */
import { equal, match } from "node:assert/strict";
import { fileHash, json, serve, tempProject } from "./_helpers.ts";

const PAGE_SIZE = 1000;
const BODY = "lorem ipsum dolor sit amet ".repeat(25);

/** 30 pages of ~700-byte records (about 20 MiB of job files); page `failAt` answers 404. */
function bigApi(failAt: number | undefined) {
  return (req: Request) => {
    const page = Number(new URL(req.url).searchParams.get("page") ?? 1);
    if (page === failAt) return json({ message: "gone" }, { status: 404 });
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
