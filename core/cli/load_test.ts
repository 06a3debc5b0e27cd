import { deepEqual, equal, match, rejects } from "node:assert/strict";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { Buffer } from "node:buffer";
import { openDuckDb } from "../../destinations/duckdb/open_duckdb.ts";
import { defaultDeps } from "../deps.ts";
import type { CliContext } from "./context.ts";
import { loadCommand, type LoadCommandOptions } from "./load.ts";

interface TestContext extends CliContext, AsyncDisposable {
  out: () => string;
  err: () => string;
}

async function context(stdin = ""): Promise<TestContext> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_load_" });
  let out = "";
  let err = "";
  return {
    args: [],
    env: { DLTX_PIPELINES_DIR: join(dir, "_pipelines"), HOME: join(dir, "_home") },
    cwd: dir,
    stdout: { isTerminal: false, write: (t) => void (out += t) },
    stderr: { isTerminal: false, write: (t) => void (err += t) },
    stdin: ReadableStream.from([new TextEncoder().encode(stdin)]),
    deps: defaultDeps,
    out: () => out,
    err: () => err,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function query(path: string, sql: string) {
  const db = await openDuckDb(path);
  try {
    return await db.query(sql);
  } finally {
    await db.close();
  }
}

Deno.test("loadCommand() loads stdin into <table> of pipeline load_<table>", async () => {
  await using ctx = await context('{"id":1,"userName":"a"}\n{"id":2,"userName":"b"}\n');
  equal(await loadCommand(ctx, ["-"], { table: "Users" }), 0);
  match(ctx.out(), /^Pipeline load_users load step completed/);
  match(ctx.out(), /into dataset load_users_dataset$/m);
  const rows = await query(
    join(ctx.cwd, "load_users.duckdb"),
    "SELECT id, user_name FROM load_users_dataset.users ORDER BY id",
  );
  deepEqual(rows.map((r) => [Number(r.id), r.user_name]), [[1, "a"], [2, "b"]]);
});

Deno.test("loadCommand() merges on --primary-key", async () => {
  await using first = await context('{"id":1,"v":"a"}\n{"id":2,"v":"b"}\n');
  const options: LoadCommandOptions = {
    table: "t",
    writeDisposition: "merge",
    primaryKey: "id",
    pipeline: "p",
  };
  equal(await loadCommand(first, ["-"], options), 0);
  const second = {
    ...first,
    stdin: ReadableStream.from([new TextEncoder().encode('{"id":2,"v":"B"}\n')]),
  };
  equal(await loadCommand(second, ["-"], options), 0);
  const rows = await query(
    join(first.cwd, "p.duckdb"),
    "SELECT id, v FROM p_dataset.t ORDER BY id",
  );
  deepEqual(rows.map((r) => [Number(r.id), r.v]), [[1, "a"], [2, "B"]]);
});

Deno.test("loadCommand() stores the last Singer STATE in the pipeline state", async () => {
  const messages = [
    {
      type: "SCHEMA",
      stream: "users",
      schema: { properties: { id: { type: "integer" } } },
      key_properties: ["id"],
    },
    { type: "RECORD", stream: "users", record: { id: 1 } },
    { type: "STATE", value: { bookmarks: { users: 1 } } },
  ];
  await using ctx = await context(messages.map((m) => JSON.stringify(m) + "\n").join(""));
  equal(await loadCommand(ctx, ["-"], { format: "singer", dataset: "raw" }), 0);
  const db = join(ctx.cwd, "load_singer.duckdb");
  deepEqual((await query(db, "SELECT id FROM raw.users")).map((r) => Number(r.id)), [1]);
  const [row] = await query(db, "SELECT state FROM raw._dlt_pipeline_state");
  const state = JSON.parse(inflateSync(Buffer.from(String(row.state), "base64")).toString());
  deepEqual(state.sources.load_singer, { singer_state: { bookmarks: { users: 1 } } });
});

Deno.test("loadCommand() checks its options before reading anything", async () => {
  await using ctx = await context();
  const cases: [string[], LoadCommandOptions, RegExp][] = [
    [["-"], {}, /^dltx load needs --table <name>/],
    [["-"], { format: "singer", table: "t" }, /^--table does not apply to --format singer/],
    [
      ["-"],
      { table: "t", format: "csv" },
      /^Unknown --format "csv" for dltx load; expected one of jsonl, singer$/,
    ],
    [
      ["-"],
      { table: "t", writeDisposition: "upsert" },
      /^Unknown --write-disposition "upsert"; expected one of append, replace, merge$/,
    ],
    [
      ["-"],
      { table: "t", to: "snowflake" },
      /^Unknown destination "snowflake" for --to; expected one of duckdb, filesystem, postgres/,
    ],
    [["-", "-"], { table: "t" }, /^stdin \(-\) can be read only once/],
    [["missing.jsonl"], { table: "t" }, /^Cannot read missing\.jsonl: no such file$/],
    [["."], { table: "t" }, /^Cannot read \.: not a file$/],
  ];
  for (const [inputs, options, message] of cases) {
    await rejects(loadCommand(ctx, inputs, options), { name: /Error$/, message });
  }
  // Nothing was created.
  deepEqual([...Deno.readDirSync(ctx.cwd)].map((e) => e.name), []);
});
