// A script's entry point prints its result; it is run by scripts/bench.ts only.
// deno-lint-ignore-file no-console
/**
 * The bench's DuckDB-native baseline, run in a fresh process by `scripts/bench.ts`:
 * `deno run -A scripts/_duckdb_native.ts <file.jsonl> <db file>` loads the JSONL file with
 * DuckDB's own `read_json_auto` into table `issues` of a new database file and prints one
 * JSON line `{"seconds": s, "rows": n}`.
 *
 * `seconds` is timed inside the process around the load only (the `CREATE TABLE ... AS`
 * plus a `CHECKPOINT`, so the data is in the database file as it is after a dltx load);
 * process start-up and opening the database are left out.
 *
 * @module
 */

import { DuckDBInstance } from "@duckdb/node-api";

async function main(args: string[]): Promise<number> {
  const [jsonlPath, dbPath] = args;
  if (!jsonlPath || !dbPath) {
    console.error("usage: _duckdb_native.ts <file.jsonl> <db file>");
    return 2;
  }
  const instance = await DuckDBInstance.create(dbPath);
  const conn = await instance.connect();
  try {
    const file = jsonlPath.replaceAll("'", "''");
    const started = performance.now();
    await conn.run(`CREATE TABLE issues AS SELECT * FROM read_json_auto('${file}')`);
    await conn.run("CHECKPOINT");
    const seconds = (performance.now() - started) / 1000;
    const reader = await conn.runAndReadAll("SELECT count(*) FROM issues");
    const rows = Number(reader.getRows()[0][0]);
    console.log(JSON.stringify({ seconds, rows }));
    return 0;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

if (import.meta.main) Deno.exitCode = await main(Deno.args);
