/**
 * Test helpers of the DuckDB destination: schema builders and a temporary folder with job
 * files and load requests.
 *
 * @module
 */

import type { LoadRequest } from "../../core/pipeline/destination.ts";
import type { Column, DataType, Schema, Table } from "../../core/schema/types.ts";
import { newSchema } from "../../core/schema/mod.ts";

/** The fixed clock of the tests. */
export const NOW = new Date("2025-06-11T18:39:47.541Z");
/** Deps with the fixed clock. */
export const deps = { now: () => NOW };

/** A column; `extra` adds hints. */
export function col(
  name: string,
  data_type: DataType,
  nullable = true,
  extra: Partial<Column> = {},
): Column {
  return { name, data_type, nullable, ...extra };
}

/** A table of `columns`; a child table when `parent` is given. */
export function tableOf(name: string, columns: Column[], parent?: string): Table {
  const table: Table = { name, columns: Object.fromEntries(columns.map((c) => [c.name, c])) };
  if (parent) table.parent = parent;
  return table;
}

/** Schema `demo` with `tables`; its version is the number in `hash` ("h2" -> 2). */
export function schemaOf(hash: string, ...tables: Table[]): Schema {
  return {
    ...newSchema("demo"),
    version: Number(hash.replace(/\D/g, "") || 1),
    version_hash: hash,
    tables: Object.fromEntries(tables.map((t) => [t.name, t])),
  };
}

/** `_dlt_load_id` and `_dlt_id` of root tables. */
export const SYS: Column[] = [col("_dlt_load_id", "text", false), col("_dlt_id", "text", false)];

/** A temporary folder for one test. */
export interface Env {
  dir: string;
  dbPath: string;
  /** Writes a job file; rows are objects (serialized) or raw text. */
  job(
    table: string,
    rows: Record<string, unknown>[] | string,
  ): Promise<{ table: string; path: string }>;
  request(
    loadId: string,
    schema: Schema,
    jobs: { table: string; path: string }[],
    extra?: Partial<LoadRequest>,
  ): LoadRequest;
}

/** Runs `fn` with a fresh temporary folder, removed afterwards. */
export async function withEnv(fn: (env: Env) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_duckdb_" });
  let n = 0;
  const env: Env = {
    dir,
    dbPath: `${dir}/db/demo.duckdb`,
    async job(table, rows) {
      const path = `${dir}/${table}.${String(n++).padStart(10, "0")}.0.jsonl`;
      const text = typeof rows === "string"
        ? rows
        : rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
      await Deno.writeTextFile(path, text);
      return { table, path };
    },
    request(loadId, schema, jobs, extra = {}) {
      return {
        datasetName: "demo_dataset",
        loadId,
        schema,
        jobs,
        replaceTables: [],
        state: {
          pipelineName: "demo",
          state: { pipeline_name: "demo", sources: { s: { last: loadId } } },
          version: 1,
          versionHash: `state-${loadId}`,
        },
        ...extra,
      };
    },
  };
  try {
    await fn(env);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
