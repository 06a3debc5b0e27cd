/**
 * A record larger than DuckDB's JSON reader takes by default (`maximum_object_size`, 16 MiB,
 * which in practice stops records past 32 MiB) loads whole into DuckDB and into files of
 * every format, and reads back through `dltx query`.
 */
import { deepStrictEqual, equal } from "node:assert/strict";
import { serve, tempProject } from "./_helpers.ts";

/** 40 MiB of text in one field: past both 16 and 32 MiB. */
const BIG = 40 * 1024 * 1024;

function api() {
  // Built once: the server answers every run with the same bytes.
  const body = JSON.stringify([
    { id: 1, note: "small before" },
    { id: 2, blob: "x".repeat(BIG - 1) + "y", nested: { tail: "end" } },
    { id: 3, note: "small after" },
  ]);
  return () => new Response(body, { headers: { "content-type": "application/json" } });
}

function connector(base: string) {
  return {
    name: "big",
    client: { base_url: base, paginator: "single_page" },
    resources: ["records"],
  };
}

const CHECK_SQL = "SELECT id, length(blob) AS len, right(blob, 1) AS last, nested__tail AS tail " +
  "FROM big_pipeline_dataset.records ORDER BY id";

const EXPECTED = [
  { id: 1, len: null, last: null, tail: null },
  { id: 2, len: BIG, last: "y", tail: "end" },
  { id: 3, len: null, last: null, tail: null },
];

Deno.test("a 40 MiB record loads into DuckDB whole", async () => {
  await using server = serve(api());
  await using p = await tempProject();
  const path = await p.writeConnector(connector(server.url));
  const res = await p.dltx(["run", path]);
  equal(res.code, 0, res.stderr);
  const rows = await p.query("big_pipeline.duckdb", CHECK_SQL);
  deepStrictEqual(
    rows.map((r) => ({ ...r, id: Number(r.id), len: r.len === null ? null : Number(r.len) })),
    EXPECTED,
  );
});

for (const format of ["parquet", "jsonl", "csv"]) {
  Deno.test(`a 40 MiB record loads into ${format} files and reads back`, async () => {
    await using server = serve(api());
    await using p = await tempProject();
    const path = await p.writeConnector(connector(server.url));
    const env = {
      DESTINATION__FILESYSTEM__BUCKET_URL: p.path("lake"),
      DESTINATION__FILESYSTEM__LOADER_FILE_FORMAT: format,
    };
    const res = await p.dltx(["run", path, "--to", "filesystem"], env);
    equal(res.code, 0, res.stderr);
    const query = await p.dltx(["query", "big_pipeline", CHECK_SQL, "--format", "json"], env);
    equal(query.code, 0, query.stderr);
    const rows = JSON.parse(query.stdout) as Record<string, unknown>[];
    deepStrictEqual(
      rows.map((r) => ({ ...r, id: Number(r.id), len: r.len === null ? null : Number(r.len) })),
      EXPECTED,
    );
  });
}
