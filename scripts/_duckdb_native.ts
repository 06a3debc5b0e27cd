// A script's entry point prints its result; it is run by scripts/bench.ts only.
// deno-lint-ignore-file no-console
/**
 * The bench's DuckDB-native baseline, run in a fresh process by `scripts/bench.ts`:
 * `deno run -A scripts/_duckdb_native.ts <file.jsonl> <db file>` loads the JSONL file with
 * DuckDB's own `read_json_auto` into table `issues` of a new database file and prints one
 * JSON line `{"seconds": s, "rows": n}`. `--parquet <file.jsonl> <file.parquet>` instead
 * writes the records as one Parquet file with
 * `COPY (SELECT * FROM read_json_auto(...)) TO ... (FORMAT parquet)` (in an in-memory
 * database), the baseline of the filesystem destination.
 *
 * `seconds` is timed inside the process around the load only (the `CREATE TABLE ... AS`
 * plus a `CHECKPOINT`, so the data is in the database file as it is after a dltx load; or
 * the `COPY`); process start-up and opening the database are left out.
 *
 * @module
 */

import { DuckDBInstance } from "@duckdb/node-api";

async function main(args: string[]): Promise<number> {
  const parquet = args[0] === "--parquet";
  const [jsonlPath, outPath] = parquet ? args.slice(1) : args;
  if (!jsonlPath || !outPath) {
    console.error("usage: _duckdb_native.ts <file.jsonl> <db file> | --parquet <file.jsonl> <out>");
    return 2;
  }
  const instance = await DuckDBInstance.create(parquet ? ":memory:" : outPath);
  const conn = await instance.connect();
  try {
    const file = jsonlPath.replaceAll("'", "''");
    if (parquet) {
      const out = outPath.replaceAll("'", "''");
      const started = performance.now();
      await conn.run(`COPY (SELECT * FROM read_json_auto('${file}')) TO '${out}' (FORMAT parquet)`);
      const seconds = (performance.now() - started) / 1000;
      const reader = await conn.runAndReadAll(`SELECT count(*) FROM read_parquet('${out}')`);
      console.log(JSON.stringify({ seconds, rows: Number(reader.getRows()[0][0]) }));
      return 0;
    }
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
