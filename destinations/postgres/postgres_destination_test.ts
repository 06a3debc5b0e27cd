/**
 * The PostgreSQL destination against a real server (see tests/_postgres.ts): values arrive
 * exactly, loads are atomic and exactly once, state and schemas come back, and queries only
 * read.
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { freshDatabase, pgQuery, skipReason, testServer } from "../../tests/_postgres.ts";
import { col, deps, schemaOf, SYS, tableOf, withEnv } from "../duckdb/_testing.ts";
import { UserError } from "../../core/errors.ts";
import type { Logger } from "../../core/log.ts";
import { parseConnectionString } from "./credentials.ts";
import { PostgresDestination, type PostgresOptions } from "./postgres_destination.ts";

const server = await testServer();
const ignore = server === undefined;
const DS = "demo_dataset";

function destination(url: string, extra: Partial<PostgresOptions> = {}): PostgresDestination {
  return new PostgresDestination({
    credentials: parseConnectionString(url) as PostgresOptions["credentials"],
    deps,
    ...extra,
  });
}

function warnings(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = {
    debug() {},
    info() {},
    warn(message: string) {
      lines.push(message);
    },
    error() {},
  } as unknown as Logger;
  return { logger, lines };
}

Deno.test({
  name: `load() stores every hostile value exactly ${ignore ? `(skipped: ${skipReason})` : ""}`,
  ignore,
  fn: async () => {
    const url = await freshDatabase(server!);
    const { logger, lines } = warnings();
    const d = destination(url, { logger });
    const texts = [
      "tab\there",
      "line\nbreak",
      "cr\rlf\r\n",
      "back\\slash\\\\",
      "\\N",
      "\\.",
      "quote'\"",
      "ünïcödé 日本 🎉",
      "",
      "  spaces  ",
      "\u0001control\u001f",
    ];
    await withEnv(async (env) => {
      const table = tableOf("v", [
        col("i", "bigint"),
        col("t", "text"),
        col("j", "json"),
        col("b", "bool"),
        col("f", "double"),
        col("big", "bigint"),
        col("huge", "decimal", true, { precision: 38, scale: 0 }),
        col("ts", "timestamp"),
        col("d", "date"),
        col("dec", "decimal"),
        ...SYS,
      ]);
      const lines_ = texts.map((t, i) =>
        JSON.stringify({
          i,
          t,
          j: { t, list: [t, null, 1.5] },
          _dlt_load_id: "1",
          _dlt_id: `r${i}`,
        })
      );
      // Exact numbers as the job writer writes them: raw digits, floats with their point.
      lines_.push(
        '{"i": 100, "t": null, "j": {"big": 12345678901234567890, "f": 1.0, "e": {}}, "b": true, ' +
          '"f": 1e308, "big": 9007199254740993, "huge": 123456789012345678901234567890, ' +
          '"ts": "2024-01-02T03:04:05,5+02:00", "d": "2024-02-29", "dec": 1.25, ' +
          '"_dlt_load_id": "1", "_dlt_id": "n1"}',
        '{"i": 101, "t": "nul\\u0000x", "j": {"k": "a\\u0000b"}, "b": false, "f": 1e400, ' +
          '"big": -9223372036854775808, "ts": "2024-01-02 03:04", "_dlt_load_id": "1", ' +
          '"_dlt_id": "n2"}',
        '{"i": 102, "f": -1e400, "_dlt_load_id": "1", "_dlt_id": "n3"}',
      );
      const job = await env.job("v", lines_.join("\n") + "\n");
      await d.load(env.request("1", schemaOf("h1", table), [job], { datasetName: DS }));
    });
    await d.close();
    const rows = await pgQuery(
      url,
      `SELECT i, t, j::text AS j, b, f::text AS f, big::text AS big, huge::text AS huge, ` +
        `ts, d::text AS d, dec::text AS dec FROM ${DS}.v ORDER BY i`,
    );
    equal(rows.length, texts.length + 3);
    deepEqual(rows.slice(0, texts.length).map((r) => r.t), texts);
    for (let i = 0; i < texts.length; i++) {
      deepEqual(JSON.parse(String(rows[i].j)), { t: texts[i], list: [texts[i], null, 1.5] });
    }
    const [n1, n2, n3] = rows.slice(texts.length);
    equal(n1.t, null);
    equal(n1.j, '{"e": {}, "f": 1.0, "big": 12345678901234567890}');
    equal(n1.b, true);
    equal(n1.f, "1e+308");
    equal(n1.big, "9007199254740993");
    equal(n1.huge, "123456789012345678901234567890");
    equal((n1.ts as Date).toISOString(), "2024-01-02T01:04:05.500Z");
    equal(n1.d, "2024-02-29");
    equal(n1.dec, "1.250000000");
    // U+0000 cannot be stored: it is left out, with a warning naming the column.
    equal(n2.t, "nulx");
    equal(n2.j, '{"k": "ab"}');
    equal(n2.f, "Infinity");
    equal(n2.big, "-9223372036854775808");
    equal((n2.ts as Date).toISOString(), "2024-01-02T03:04:00.000Z");
    equal(n3.f, "-Infinity");
    ok(lines.some((l) => /column "t" of table "v".*U\+0000/.test(l)), lines.join("\n"));
    ok(lines.some((l) => /column "j" of table "v"/.test(l)), lines.join("\n"));
  },
});

Deno.test({
  name: `load() maps dlt's types and makes _dlt_id unique ${ignore ? "(skipped)" : ""}`,
  ignore,
  fn: async () => {
    const url = await freshDatabase(server!);
    const d = destination(url);
    await withEnv(async (env) => {
      const table = tableOf("t", [
        col("a", "text"),
        col("b", "bigint", false),
        col("c", "double"),
        col("d", "bool"),
        col("e", "timestamp"),
        col("f", "date"),
        col("g", "json"),
        col("h", "decimal"),
        col("i", "decimal", true, { precision: 38, scale: 0 }),
        col("_dlt_load_id", "text", false),
        col("_dlt_id", "text", false, { unique: true, row_key: true }),
      ]);
      const job = await env.job("t", [{ b: 1, _dlt_load_id: "1", _dlt_id: "x" }]);
      await d.load(env.request("1", schemaOf("h1", table), [job], { datasetName: DS }));
    });
    await d.close();
    const types = await pgQuery(
      url,
      "SELECT column_name, data_type, numeric_precision, numeric_scale, is_nullable " +
        "FROM information_schema.columns WHERE table_schema = $1 AND table_name = 't' " +
        "ORDER BY ordinal_position",
      [DS],
    );
    deepEqual(types.map((r) => [r.column_name, r.data_type]), [
      ["a", "character varying"],
      ["b", "bigint"],
      ["c", "double precision"],
      ["d", "boolean"],
      ["e", "timestamp with time zone"],
      ["f", "date"],
      ["g", "jsonb"],
      ["h", "numeric"],
      ["i", "numeric"],
      ["_dlt_load_id", "character varying"],
      ["_dlt_id", "character varying"],
    ]);
    deepEqual([types[7].numeric_precision, types[7].numeric_scale], [38, 9]);
    deepEqual([types[8].numeric_precision, types[8].numeric_scale], [38, 0]);
    equal(types[1].is_nullable, "NO");
    const unique = await pgQuery(
      url,
      "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 't'",
      [DS],
    );
    deepEqual(unique.map((r) => String(r.indexdef).replace(/.* USING /, "")), ["btree (_dlt_id)"]);
    // dlt's system tables, with their columns.
    const system = await pgQuery(
      url,
      "SELECT table_name, string_agg(column_name, ',' ORDER BY ordinal_position) AS cols " +
        "FROM information_schema.columns WHERE table_schema = $1 AND table_name LIKE '\\_dlt%' " +
        "GROUP BY 1 ORDER BY 1",
      [DS],
    );
    deepEqual(system.map((r) => [r.table_name, r.cols]), [
      ["_dlt_loads", "load_id,schema_name,status,inserted_at,schema_version_hash"],
      [
        "_dlt_pipeline_state",
        "version,engine_version,pipeline_name,state,created_at,version_hash,_dlt_load_id,_dlt_id",
      ],
      ["_dlt_version", "version,engine_version,inserted_at,schema_name,version_hash,schema"],
    ]);
    // The stored schema is dlt's form (as DuckDB and files store it), readable by dlt.
    const [stored] = await pgQuery(url, `SELECT schema FROM "${DS}"._dlt_version`);
    const doc = JSON.parse(String(stored.schema));
    ok(doc.settings && doc.normalizers, "settings and normalizers, as dlt stores them");
    for (const name of ["_dlt_version", "_dlt_loads", "_dlt_pipeline_state", "t"]) {
      ok(doc.tables[name], `table ${name} in the stored schema`);
    }
  },
});

Deno.test({
  name: `a failed load leaves nothing behind, and a load id loads once ${
    ignore ? "(skipped)" : ""
  }`,
  ignore,
  fn: async () => {
    const url = await freshDatabase(server!);
    const d = destination(url);
    await withEnv(async (env) => {
      const table = tableOf("t", [col("n", "bigint"), ...SYS]);
      const good = await env.job("t", [{ n: 1, _dlt_load_id: "1", _dlt_id: "a" }]);
      const bad = await env.job(
        "t",
        '{"n": "not a number", "_dlt_load_id": "1", "_dlt_id": "b"}\n',
      );
      const schema = schemaOf("h1", table);
      const err = await d.load(env.request("1", schema, [good, bad], { datasetName: DS }))
        .then(() => undefined, (e) => e);
      ok(err instanceof UserError, String(err));
      match(err.message, /Cannot load table "t" from .*: invalid input syntax for type bigint/);
      const schemas = await pgQuery(url, "SELECT nspname FROM pg_namespace WHERE nspname = $1", [
        DS,
      ]);
      equal(schemas.length, 0, "not even the schema stays");
      // The same destination loads again after a failure (a fresh connection).
      const request = env.request("2", schema, [good], { datasetName: DS });
      await d.load(request);
      await d.load(request);
      const [{ n }] = await pgQuery(url, `SELECT count(*)::int AS n FROM ${DS}.t`);
      equal(n, 1);
      const loads = await pgQuery(url, `SELECT load_id, status FROM ${DS}._dlt_loads`);
      deepEqual(loads, [{ load_id: "2", status: 0 }]);
    });
    await d.close();
  },
});

Deno.test({
  name: `restore() reads back the newest state and schema; dropTables() drops ${
    ignore ? "(skipped)" : ""
  }`,
  ignore,
  fn: async () => {
    const url = await freshDatabase(server!);
    const d = destination(url);
    equal(await d.restore(DS, "demo"), undefined, "nothing before the first load");
    // Real load ids: the drop's state row (same clock) sorts after them.
    await withEnv(async (env) => {
      const t = tableOf("t", [col("n", "bigint"), ...SYS]);
      const job = await env.job("t", [{ n: 1, _dlt_load_id: "1", _dlt_id: "a" }]);
      await d.load(env.request("1700000000.1", schemaOf("h1", t), [job], { datasetName: DS }));
      const job2 = await env.job("t", [{ n: 2, _dlt_load_id: "2", _dlt_id: "b" }]);
      const schema2 = schemaOf("h2", t, tableOf("u", [col("x", "text"), ...SYS]));
      await d.load(env.request("1700000000.2", schema2, [job2], { datasetName: DS }));
      const stored = await d.restore(DS, "demo");
      deepEqual(stored?.state, { pipeline_name: "demo", sources: { s: { last: "1700000000.2" } } });
      deepEqual(stored?.schemas.map((s) => s.version_hash), ["h2"]);
      await d.dropTables({
        datasetName: DS,
        tables: ["t"],
        schema: schemaOf("h3"),
        state: { pipelineName: "demo", state: { dropped: true }, version: 3, versionHash: "s3" },
      });
      deepEqual((await d.restore(DS, "demo"))?.state, { dropped: true });
      const left = await pgQuery(
        url,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND " +
          "table_name = 't'",
        [DS],
      );
      equal(left.length, 0);
    });
    await d.close();
  },
});

Deno.test({
  name: `query() reads, and refuses what writes or leaves the dataset ${ignore ? "(skipped)" : ""}`,
  ignore,
  fn: async () => {
    const url = await freshDatabase(server!);
    await pgQuery(
      url,
      "CREATE SCHEMA s; CREATE TABLE s.t (n bigint, j jsonb, d date); " +
        "INSERT INTO s.t VALUES (9007199254740993, '{\"a\": 1}', '2024-02-29'), (2, NULL, NULL); " +
        "CREATE FUNCTION s.sneaky() RETURNS int LANGUAGE sql AS 'INSERT INTO s.t VALUES (3) RETURNING 1'",
    );
    const d = destination(url);
    deepEqual(await d.query("SELECT n, j, d FROM s.t ORDER BY n"), [
      { n: 2, j: null, d: null },
      { n: 9007199254740993n, j: '{"a": 1}', d: "2024-02-29" },
    ]);
    deepEqual(await d.query("SELECT count(*) AS c FROM s.t"), [{ c: 2 }]);
    equal((await d.query("EXPLAIN SELECT * FROM s.t")).length > 0, true);
    equal((await d.query("TABLE s.t")).length, 2);
    deepEqual(await d.query("VALUES (1)"), [{ column1: 1 }]);
    equal((await d.query("SHOW TimeZone"))[0].TimeZone, "UTC");
    const refused: [string, RegExp][] = [
      ["INSERT INTO s.t VALUES (4)", /read-only: INSERT is not allowed/],
      ["DELETE FROM s.t", /read-only: DELETE is not allowed/],
      ["SELECT 1; DELETE FROM s.t", /exactly one SQL statement; got 2/],
      ["SELECT 1; SELECT 2", /exactly one SQL statement/],
      ["COPY s.t TO PROGRAM 'touch /tmp/dltx_pwned'", /read-only: COPY is not allowed/],
      ["COPY (SELECT 1) TO '/tmp/dltx_pwned'", /read-only: COPY is not allowed/],
      ["SELECT pg_read_file('/etc/passwd')", /function pg_read_file\(\) is not allowed/],
      ["SELECT * FROM pg_ls_dir('.')", /function pg_ls_dir\(\)/],
      ["SELECT pg_catalog.pg_read_binary_file('/etc/passwd')", /pg_read_binary_file/],
      [`SELECT U&"\\0070g_read_file"('/etc/passwd')`, /function pg_read_file\(\)/],
      [`SELECT "pg_stat_file"('/etc/passwd')`, /pg_stat_file/],
      ["SELECT lo_import('/etc/passwd')", /function lo_import\(\)/],
      ["SELECT lo_export(1, '/tmp/dltx_pwned')", /lo_export/],
      ["SELECT * FROM dblink('dbname=x', 'DELETE FROM s.t') AS x(a int)", /dblink/],
      ["SELECT set_config('default_transaction_read_only', 'off', false)", /set_config/],
      ["SELECT query_to_xml('DELETE FROM s.t RETURNING 1', true, true, '')", /query_to_xml/],
      ["SELECT * FROM ts_stat('SELECT 1')", /ts_stat/],
      ["SELECT pg_terminate_backend(1)", /pg_terminate_backend/],
      ["SELECT * INTO s.copy FROM s.t", /SELECT INTO is not allowed/],
      ["WITH x AS (DELETE FROM s.t RETURNING 1) SELECT * FROM x", /DELETE is not allowed/],
      ["EXPLAIN ANALYZE DELETE FROM s.t", /EXPLAIN of DELETE is not allowed/],
      ["SELECT rolpassword FROM pg_authid", /reading pg_authid is not allowed/],
      ["SELECT * FROM pg_catalog.pg_shadow", /reading pg_shadow/],
      ["SET default_transaction_read_only = off", /read-only: SET is not allowed/],
      ["BEGIN", /read-only: a transaction statement is not allowed/],
      ["DO $$ BEGIN DELETE FROM s.t; END $$", /read-only: DO is not allowed/],
      ["CREATE TABLE s.x (a int)", /read-only: CREATE TABLE is not allowed/],
      ["SELECT s.sneaky()", /read-only: this statement would write/],
      ["SELECT * FROM s.t FOR UPDATE", /read-only/],
      ["SELEKT 1", /syntax error/],
    ];
    for (const [sql, expected] of refused) {
      await rejects(d.query(sql), (err: Error) => {
        ok(err instanceof UserError, `${sql}: ${err}`);
        match(err.message, expected, sql);
        return true;
      });
    }
    const [{ c }] = await pgQuery(url, "SELECT count(*)::int AS c FROM s.t");
    equal(c, 2, "nothing was written");
    equal(await Deno.stat("/tmp/dltx_pwned").then(() => true, () => false), false);
    await d.close();
  },
});

Deno.test("a dataset name PostgreSQL would cut is refused before anything is written", async () => {
  const { checkSchemaName } = await import("./_transaction.ts");
  checkSchemaName("a".repeat(63));
  let error: Error | undefined;
  try {
    checkSchemaName("ä".repeat(32));
  } catch (err) {
    error = err as Error;
  }
  match(String(error?.message), /is 64 bytes long, and PostgreSQL names are at most 63/);
});
