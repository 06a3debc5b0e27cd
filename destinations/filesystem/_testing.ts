/**
 * Test helpers of the filesystem destination: schema builders, a temporary folder with job
 * files and load requests, and reading files back with DuckDB.
 *
 * @module
 */

import { join, relative } from "node:path";
import type { LoadRequest } from "../../core/pipeline/destination.ts";
import { computeVersionHash, newSchema } from "../../core/schema/mod.ts";
import type { Column, DataType, Schema, Table } from "../../core/schema/types.ts";
import { openMemoryDuckDb, plainRows } from "./_duckdb.ts";

/** The fixed clock of the tests. */
export const NOW = new Date("2025-06-11T18:39:47.541Z");
/** Deps with the fixed clock. */
export const deps = { now: () => NOW };

/** A column. */
export function col(name: string, data_type: DataType, nullable = true): Column {
  return { name, data_type, nullable };
}

/** A table of `columns`; a child table when `parent` is given, else a root of `disposition`. */
export function tableOf(
  name: string,
  columns: Column[],
  options: { parent?: string; disposition?: Table["write_disposition"] } = {},
): Table {
  const table: Table = { name, columns: Object.fromEntries(columns.map((c) => [c.name, c])) };
  if (options.parent) table.parent = options.parent;
  else {
    table.resource = name;
    table.write_disposition = options.disposition ?? "append";
  }
  return table;
}

/** Schema `shop` of `tables`, at `version`, with its real version hash. */
export function schemaOf(version: number, ...tables: Table[]): Schema {
  const schema: Schema = {
    ...newSchema("shop"),
    version,
    tables: Object.fromEntries(tables.map((t) => [t.name, t])),
  };
  schema.version_hash = computeVersionHash(schema);
  return schema;
}

/** `_dlt_load_id` and `_dlt_id` of root tables. */
export const ROOT_SYS: Column[] = [
  col("_dlt_load_id", "text", false),
  col("_dlt_id", "text", false),
];
/** `_dlt_parent_id`, `_dlt_list_idx` and `_dlt_id` of child tables. */
export const CHILD_SYS: Column[] = [
  col("_dlt_parent_id", "text", false),
  col("_dlt_list_idx", "bigint", false),
  col("_dlt_id", "text", false),
];

/** A temporary folder for one test: job files in `jobs/`, the bucket in `bucket/`. */
export interface Env {
  dir: string;
  bucket: string;
  /** The dataset folder of the requests. */
  dataset: string;
  /** Writes a job file (dlt's name `<table>.<file_id>.0.jsonl`); rows or raw text. */
  job(table: string, rows: Record<string, unknown>[] | string): Promise<JobFile>;
  request(
    loadId: string,
    schema: Schema,
    jobs: JobFile[],
    extra?: Partial<LoadRequest>,
  ): LoadRequest;
  /** Every file under the bucket, relative to it, sorted (hidden ones included). */
  files(): Promise<string[]>;
}

/** A job of a request. */
export interface JobFile {
  table: string;
  path: string;
  fileId: string;
}

/** Runs `fn` with a fresh temporary folder, removed afterwards. */
export async function withEnv(fn: (env: Env) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_fs_" });
  await Deno.mkdir(join(dir, "jobs"));
  let n = 0;
  const bucket = join(dir, "bucket");
  const env: Env = {
    dir,
    bucket,
    dataset: join(bucket, "shop_dataset"),
    async job(table, rows) {
      const fileId = `f${String(n++).padStart(9, "0")}`;
      const path = join(dir, "jobs", `${table}.${fileId}.0.jsonl`);
      const text = typeof rows === "string"
        ? rows
        : rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
      await Deno.writeTextFile(path, text);
      return { table, path, fileId };
    },
    request(loadId, schema, jobs, extra = {}) {
      return {
        datasetName: "shop_dataset",
        loadId,
        schema,
        jobs: jobs.map(({ table, path }) => ({ table, path })),
        replaceTables: [],
        state: {
          pipelineName: "shop",
          state: { pipeline_name: "shop", sources: { shop: { last: loadId } } },
          version: 1,
          versionHash: `state-${loadId}`,
        },
        ...extra,
      };
    },
    async files() {
      const out: string[] = [];
      const walk = async (d: string) => {
        for await (const e of Deno.readDir(d)) {
          const p = join(d, e.name);
          if (e.isDirectory) await walk(p);
          else out.push(relative(bucket, p));
        }
      };
      await walk(bucket).catch((err) => {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      });
      return out.sort();
    },
  };
  try {
    await fn(env);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs `sql` on a fresh in-memory DuckDB (to read files back as any engine would). */
export async function duckdbRows(sql: string): Promise<Record<string, unknown>[]> {
  const db = await openMemoryDuckDb();
  try {
    return plainRows(await db.connection.runAndReadAll(sql));
  } finally {
    db.close();
  }
}
