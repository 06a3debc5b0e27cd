/**
 * Views over a bucket's files, so SQL reads a filesystem dataset like a database: one schema
 * per dataset folder, one view per table over its data files (any mix of Parquet, JSONL and
 * CSV, gzipped or not), typed by the newest stored schema, plus dlt's system tables.
 *
 * @module
 */

import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { LoaderError, UserError } from "../../core/errors.ts";
import type { Column, Schema } from "../../core/schema/types.ts";
import { firstLine, openMemoryDuckDb } from "./_duckdb.ts";
import { exists } from "../../core/exists.ts";
import { INIT_FILE, listTableFiles } from "./_files.ts";
import type { Layout } from "./_layout.ts";
import {
  DEFAULT_MAX_LINE_SIZE,
  maximumObjectSizeArg,
  maximumObjectSizeFor,
  readLimitFor,
} from "../duckdb/read_limits.ts";
import { runReadOnly, sealConnection } from "../duckdb/read_only.ts";
import { duckdbType, jsonColumnsArg, literalList, quoteIdent } from "./_sql.ts";
import { newestSchemas, SYSTEM_TABLE_COLUMNS } from "./_system_files.ts";

/**
 * Runs one read-only statement over the files of the bucket at `bucketDir`, in a fresh
 * in-memory DuckDB (so the views list the files as they are now) sealed before the statement
 * runs: it may read the data files the views read and no other file (views do not carry
 * their own file access, so each file is allowed by path), spills to a private temp folder,
 * and its settings are locked.
 *
 * @param options.where the bucket's location, for messages
 * @throws {UserError} when the files cannot be read, the statement is not a read, it reads
 *   another file, or DuckDB rejects it
 */
export async function queryBucket(
  bucketDir: string,
  sql: string,
  options: { layout: Layout; where: string },
): Promise<Record<string, unknown>[]> {
  const tempDirectory = await Deno.makeTempDir({ prefix: "dltx_query_" });
  const db = await openMemoryDuckDb();
  try {
    const con = db.connection;
    try {
      const files: string[] = [];
      for (const dataset of await listDatasets(bucketDir)) {
        files.push(
          ...await createDatasetViews(con, { bucketDir, dataset, layout: options.layout }),
        );
      }
      await sealConnection(con, { allowedPaths: files, tempDirectory });
    } catch (err) {
      if (err instanceof LoaderError) throw err;
      throw new UserError(`Cannot read the files in ${options.where}: ${firstLine(err)}`, {
        cause: err,
      });
    }
    return await runReadOnly(con, sql, { where: options.where });
  } finally {
    db.close();
    await Deno.remove(tempDirectory, { recursive: true }).catch(() => {});
  }
}

/** The dataset folders of a bucket: those with dlt's `init` marker or a `_dlt_loads` folder. */
export async function listDatasets(bucketDir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(bucketDir)) {
      if (!entry.isDirectory || entry.name.startsWith(".")) continue;
      const dir = join(bucketDir, entry.name);
      if (await exists(join(dir, INIT_FILE)) || await exists(join(dir, "_dlt_loads"))) {
        names.push(entry.name);
      }
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return names.sort();
}

/**
 * Creates schema `dataset` with a view per table of its stored schemas and per system table.
 * A table without files gets an empty view with the schema's columns.
 *
 * @returns the data files the views read
 */
export async function createDatasetViews(
  con: DuckDBConnection,
  options: { bucketDir: string; dataset: string; layout: Layout },
): Promise<string[]> {
  const { bucketDir, dataset, layout } = options;
  const datasetDir = join(bucketDir, dataset);
  await con.run(`CREATE SCHEMA ${quoteIdent(dataset)}`);
  const done = new Set<string>();
  const read: string[] = [];
  for (const [table, columns] of Object.entries(SYSTEM_TABLE_COLUMNS)) {
    const files = await listTableFiles(datasetDir, `${table}/`);
    read.push(...await createView(con, { dataset, table, columns, files }));
    done.add(table);
  }
  for (const schema of await newestSchemas(datasetDir)) {
    for (const table of dataTables(schema)) {
      if (done.has(table.name)) continue;
      done.add(table.name);
      const files = await listTableFiles(datasetDir, layout.tablePrefix(schema.name, table.name));
      read.push(
        ...await createView(con, {
          dataset,
          table: table.name,
          columns: Object.values(table.columns),
          files,
        }),
      );
    }
  }
  return read;
}

function dataTables(schema: Schema) {
  return Object.values(schema.tables).filter((t) =>
    !t.name.startsWith("_dlt_") && Object.keys(t.columns).length > 0
  );
}

/** The data files among `files` by kind; a file of another kind is skipped. */
function dataFiles(files: string[]) {
  return {
    parquet: files.filter((f) => f.endsWith(".parquet")),
    jsonl: files.filter((f) => /\.jsonl?(\.gz)?$/.test(f)),
    csv: files.filter((f) => /\.csv(\.gz)?$/.test(f)),
  };
}

/** Readers per file kind. */
async function readers(
  kinds: ReturnType<typeof dataFiles>,
  columns: readonly Column[],
): Promise<string[]> {
  const { parquet, jsonl, csv } = kinds;
  const out: string[] = [];
  if (parquet.length) out.push(`read_parquet(${literalList(parquet)}, union_by_name=true)`);
  if (jsonl.length) {
    // A record over 16 MiB needs a larger limit (a file's uncompressed size bounds it).
    const limit = await maximumObjectSizeFor(jsonl);
    // Typed by the schema: JSON has no timestamps, and keys a file lacks read as NULL.
    out.push(
      `read_json(${literalList(jsonl)}, format='newline_delimited', records=true, ` +
        `columns=${jsonColumnsArg(columns)}${maximumObjectSizeArg(limit)})`,
    );
  }
  if (csv.length) {
    // All text, cast below; `""` is an empty string, an empty field NULL (as DuckDB wrote
    // them). The dialect is given, so DuckDB sniffs only each file's header.
    const limit = await readLimitFor(csv, DEFAULT_MAX_LINE_SIZE);
    out.push(
      `read_csv(${literalList(csv)}, header=true, union_by_name=true, all_varchar=true, ` +
        `allow_quoted_nulls=false, delim=',', quote='"', escape='"'` +
        `${limit === undefined ? "" : `, max_line_size=${limit}`})`,
    );
  }
  return out;
}

/** Creates one view; returns the data files it reads. */
async function createView(
  con: DuckDBConnection,
  view: { dataset: string; table: string; columns: readonly Column[]; files: string[] },
): Promise<string[]> {
  const { dataset, table, columns, files } = view;
  const name = `${quoteIdent(dataset)}.${quoteIdent(table)}`;
  const kinds = dataFiles(files);
  const sources = await readers(kinds, columns);
  const typed = (c: Column, expr: string) =>
    `CAST(${expr} AS ${duckdbType(c)}) AS ${quoteIdent(c.name)}`;
  if (sources.length === 0) {
    const select = columns.map((c) => typed(c, "NULL")).join(", ");
    await con.run(`CREATE VIEW ${name} AS SELECT ${select} WHERE false`);
    return [];
  }
  const union = sources.map((s) => `SELECT * FROM ${s}`).join(" UNION ALL BY NAME ");
  const described = await con.runAndReadAll(`DESCRIBE ${union}`);
  const present = new Map<string, string>();
  for (const row of described.getRowObjectsJS()) {
    const column = String(row.column_name);
    present.set(column.toLowerCase(), column);
  }
  // The schema's columns in its order and types; a column no file has yet reads as NULL.
  const select = columns.map((c) => {
    const found = present.get(c.name.toLowerCase());
    present.delete(c.name.toLowerCase());
    return typed(c, found === undefined ? "NULL" : quoteIdent(found));
  });
  for (const extra of present.values()) select.push(quoteIdent(extra));
  await con.run(`CREATE VIEW ${name} AS SELECT ${select.join(", ")} FROM (${union})`);
  return [...kinds.parquet, ...kinds.jsonl, ...kinds.csv];
}
