/**
 * What the MCP pipeline tools answer: plain JSON values read from a pipeline's working folder
 * and its destination, through the same helpers as `dltx pipeline` and `dltx query`.
 *
 * @module
 */

import { limitedSql, withDatasetHint } from "../read_query.ts";
import { UserError } from "../../errors.ts";
import { quoteIdent } from "../../sql_quote.ts";
import { destinationTypeName } from "../../pipeline/mod.ts";
import { childTables, columnHints } from "../../schema/mod.ts";
import type { Column, Schema, Table } from "../../schema/types.ts";
import type { CliContext } from "../context.ts";
import { destinationTarget, openDestination } from "../pipeline_destination.ts";
import {
  listPipelineNames,
  openPipelineFolder,
  type PipelineFolder,
  pipelinesDirOf,
  readPipelineSchema,
  readTrace,
  requireState,
} from "../pipelines.ts";

/** Rows `run_query` returns unless told otherwise. */
export const DEFAULT_ROW_LIMIT = 100;
/** The most rows `run_query` returns, so a result fits an assistant's context. */
export const MAX_ROW_LIMIT = 1000;

/** `list_pipelines`: the pipelines dir and each pipeline with its destination and dataset. */
export async function listPipelines(ctx: CliContext): Promise<Record<string, unknown>> {
  const pipelinesDir = pipelinesDirOf(ctx);
  const pipelines = [];
  for (const name of await listPipelineNames(pipelinesDir)) {
    const folder = await openPipelineFolder(ctx, name);
    const state = folder.state;
    pipelines.push({
      name,
      dataset: state?.dataset_name,
      destination: destinationTypeName(state?.destination_type),
      location: state?._local?.destination_location,
      schemas: state?.schema_names ?? [],
      has_state: state !== undefined,
    });
  }
  return { pipelines_dir: pipelinesDir, pipelines };
}

/** `pipeline_state`: the local state, incremental cursors included. */
export async function pipelineState(ctx: CliContext, name: string): Promise<unknown> {
  return requireState(await openPipelineFolder(ctx, name));
}

/**
 * `last_trace`: the trace of the last run, as stored (secrets were masked when it was written).
 *
 * @throws {UserError} when the pipeline never ran
 */
export async function lastTrace(ctx: CliContext, name: string): Promise<unknown> {
  const folder = await openPipelineFolder(ctx, name);
  const trace = await readTrace(folder);
  if (!trace) {
    throw new UserError(
      `Pipeline "${name}" has no trace in ${folder.workingDir.root}: run it first`,
    );
  }
  return trace;
}

/** `list_tables`: each table of a schema with its parent, resource and column count. */
export async function listTables(
  ctx: CliContext,
  name: string,
  schemaName?: string,
): Promise<Record<string, unknown>> {
  const folder = await openPipelineFolder(ctx, name);
  const schema = await readPipelineSchema(folder, schemaName);
  const tables = Object.values(schema.tables).map((t) => ({
    name: t.name,
    parent: t.parent,
    resource: t.resource,
    write_disposition: t.write_disposition,
    columns: Object.keys(t.columns).length,
    system: t.name.startsWith("_dlt_"),
  }));
  return { dataset: datasetOf(folder), schema: schema.name, version: schema.version, tables };
}

/**
 * `table_schema`: a table's columns with their types, nullability and hints, and its child
 * tables.
 *
 * @throws {UserError} for a table the schema does not have, listing those it has
 */
export async function tableSchema(
  ctx: CliContext,
  name: string,
  table: string,
  schemaName?: string,
): Promise<Record<string, unknown>> {
  const folder = await openPipelineFolder(ctx, name);
  const schema = await readPipelineSchema(folder, schemaName);
  const t = findTable(schema, table);
  return {
    dataset: datasetOf(folder),
    schema: schema.name,
    table: t.name,
    parent: t.parent,
    resource: t.resource,
    write_disposition: t.write_disposition,
    merge_strategy: t.merge_strategy,
    columns: Object.values(t.columns).map(columnInfo),
    child_tables: childTables(schema, t).map((c) => c.name),
  };
}

/**
 * `count_rows`: the number of rows of a table in the dataset.
 *
 * @throws {UserError} for a table the schema does not have, or a missing destination
 */
export async function countRows(
  ctx: CliContext,
  name: string,
  table: string,
): Promise<Record<string, unknown>> {
  const folder = await openPipelineFolder(ctx, name);
  // The name is checked against the schema, so only known tables reach the SQL text.
  const t = findTable(await readPipelineSchema(folder), table);
  const dataset = datasetOf(folder);
  const rows = await queryDestination(
    ctx,
    folder,
    `SELECT count(*) AS n FROM ${quoteIdent(dataset)}.${quoteIdent(t.name)}`,
  );
  return { dataset, table: t.name, rows: Number(rows[0]?.n ?? 0) };
}

/** Options of {@linkcode runQuery}. */
export interface RunQueryOptions {
  /** Return at most this many rows (1 to {@linkcode MAX_ROW_LIMIT}). @default 100 */
  limit?: number;
}

/**
 * `run_query`: one read-only SQL statement on the dataset; at most `limit` rows, and whether
 * there were more.
 *
 * @throws {UserError} for a bad limit, or SQL that DuckDB rejects or that would write
 */
export async function runQuery(
  ctx: CliContext,
  name: string,
  sql: string,
  options: RunQueryOptions = {},
): Promise<Record<string, unknown>> {
  const limit = options.limit ?? DEFAULT_ROW_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ROW_LIMIT) {
    throw new UserError(
      `limit must be a whole number from 1 to ${MAX_ROW_LIMIT}, got ${JSON.stringify(limit)}`,
    );
  }
  const statement = sql.trim().replace(/;\s*$/, "");
  if (statement === "") throw new UserError("The query is empty; pass the SQL to run");
  const folder = await openPipelineFolder(ctx, name);
  const rows = await queryDestination(ctx, folder, limitedSql(statement, limit));
  const limited = rows.length > limit;
  const shown = limited ? rows.slice(0, limit) : rows;
  return { dataset: datasetOf(folder), row_count: shown.length, limited, rows: shown };
}

async function queryDestination(
  ctx: CliContext,
  folder: PipelineFolder,
  sql: string,
): Promise<Record<string, unknown>[]> {
  return await withDestination(ctx, folder, (query) => query(sql));
}

/**
 * Opens the pipeline's destination for queries, runs `body` with a query function (read-only
 * statements only, errors hinting at `<dataset>.<table>`) and closes it.
 *
 * @throws {UserError} when the destination is missing or cannot run queries
 */
export async function withDestination<T>(
  ctx: CliContext,
  folder: PipelineFolder,
  body: (query: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  const target = await destinationTarget(ctx, folder.name, folder.state);
  const destination = await openDestination(folder.name, target);
  try {
    if (!destination.query) {
      throw new UserError(`The ${destination.type} destination cannot run queries`);
    }
    const query = destination.query.bind(destination);
    return await body((sql) =>
      query(sql).catch((err) => {
        throw withDatasetHint(err, datasetOf(folder));
      })
    );
  } finally {
    await destination.close();
  }
}

/** The dataset of a pipeline: from its state, else dlt's default `<pipeline>_dataset`. */
export function datasetOf(folder: PipelineFolder): string {
  return folder.state?.dataset_name ?? `${folder.name}_dataset`;
}

/**
 * The table `table` of `schema`.
 *
 * @throws {UserError} for a table the schema does not have, listing those it has
 */
export function findTable(schema: Schema, table: string): Table {
  const t = schema.tables[table];
  if (!t) {
    throw new UserError(
      `Schema "${schema.name}" has no table "${table}"; its tables: ${
        Object.keys(schema.tables).join(", ") || "none"
      }`,
    );
  }
  return t;
}

function columnInfo(column: Column): Record<string, unknown> {
  return {
    name: column.name,
    data_type: column.data_type,
    nullable: column.nullable,
    hints: columnHints(column),
    ...(column.variant ? { variant: true } : {}),
    ...(column.dedup_sort ? { dedup_sort: column.dedup_sort } : {}),
  };
}
