/**
 * The PostgreSQL half of `deno task bench --to postgres`: a server to load into (the one in
 * `DLTX_TEST_PG_URL`, else a throwaway cluster from `scripts/pg_test_cluster.sh`), a fresh
 * database per run, the check of what dltx loaded, and the baseline: PostgreSQL's own `COPY`
 * of the same rows from CSV files, into tables made `LIKE` dltx's (indexes included).
 *
 * @module
 */

import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
// @ts-types="@types/pg"
import pg from "pg";
// @ts-types="@types/pg-copy-streams"
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { UserError } from "../core/errors.ts";
import type { BenchCounts, BenchIds } from "./bench_api.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const TABLES = ["issues", "issues__labels"];

/** A database for one bench run, dropped by `close()` (with the cluster, when started here). */
export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Starts (or finds) a server and creates a fresh database on it. */
export async function benchServer(): Promise<BenchServer> {
  let base = Deno.env.get("DLTX_TEST_PG_URL");
  let stopCluster = async () => {};
  if (!base) {
    const script = join(REPO, "scripts", "pg_test_cluster.sh");
    const out = await new Deno.Command("bash", { args: [script, "start"] }).output();
    if (out.code !== 0) {
      throw new UserError(
        "No PostgreSQL server for the bench: set DLTX_TEST_PG_URL, or install PostgreSQL's " +
          "server (apt-get install postgresql) so scripts/pg_test_cluster.sh can start one",
      );
    }
    const text = new TextDecoder().decode(out.stdout);
    base = /DLTX_TEST_PG_URL='([^']*)'/.exec(text)?.[1] ?? "";
    const dir = /DLTX_TEST_PG_DIR='([^']*)'/.exec(text)?.[1] ?? "";
    stopCluster = async () => {
      await new Deno.Command("bash", { args: [script, "stop", dir] }).output();
    };
  }
  const name = `dltx_bench_${Date.now()}`;
  await withClient(base, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async close() {
      await withClient(base!, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
        .catch(() => {});
      await stopCluster();
    },
  };
}

/** What dltx loaded: row counts, the `id` column's type and its exact ids. */
export async function countLoadedPostgres(
  url: string,
  dataset = "bench_dataset",
): Promise<BenchCounts & { idTypes: string; ids: BenchIds }> {
  return await withClient(url, async (c) => {
    const r = await c.query(
      `SELECT (SELECT count(*) FROM ${dataset}.issues)::text AS issues,
              (SELECT count(*) FROM ${dataset}.issues__labels)::text AS labels,
              (SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_name)
                 FROM information_schema.columns WHERE table_schema = '${dataset}'
                  AND table_name = 'issues' AND (column_name = 'id' OR column_name LIKE 'id\\_\\_%'))
                AS id_types,
              (SELECT min(id)::text FROM ${dataset}.issues) AS min,
              (SELECT max(id)::text FROM ${dataset}.issues) AS max,
              (SELECT count(DISTINCT id)::text FROM ${dataset}.issues) AS distinct,
              (SELECT sum(id)::text FROM ${dataset}.issues) AS sum`,
    );
    const row = r.rows[0];
    return {
      issues: Number(row.issues),
      labels: Number(row.labels),
      idTypes: String(row.id_types),
      ids: { min: row.min, max: row.max, distinct: Number(row.distinct), sum: row.sum },
    };
  });
}

/**
 * PostgreSQL's own COPY of the rows dltx loaded: each table is written to a CSV file, then
 * copied from it into an empty table `LIKE` the loaded one (constraints and indexes too).
 *
 * @returns seconds the COPYs took, measured around them
 */
export async function postgresCopyBaseline(
  url: string,
  dir: string,
  dataset = "bench_dataset",
): Promise<number> {
  return await withClient(url, async (c) => {
    await c.query("CREATE SCHEMA baseline");
    const files: [string, string][] = [];
    for (const table of TABLES) {
      const file = join(dir, `${table}.csv`);
      await pipeline(
        c.query(copyTo(`COPY ${dataset}.${table} TO STDOUT WITH (FORMAT csv)`)),
        createWriteStream(file),
      );
      await c.query(`CREATE TABLE baseline.${table} (LIKE ${dataset}.${table} INCLUDING ALL)`);
      files.push([table, file]);
    }
    const started = performance.now();
    for (const [table, file] of files) {
      await pipeline(
        createReadStream(file),
        c.query(copyFrom(`COPY baseline.${table} FROM STDIN WITH (FORMAT csv)`)),
      );
    }
    return (performance.now() - started) / 1000;
  });
}
