/**
 * The MCP data tools dlt has: `preview_table` (the first rows of a table), `get_row_counts`
 * (rows per table), `get_table_create_sql` (the table's DDL) and `export_schema` (a diagram
 * or dump of the schema). Table and column names are checked against the pipeline's schema
 * and quoted; filters come as structured conditions (`_row_filter.ts`); every query runs
 * read-only on the sealed connection `dltx query` uses.
 *
 * @module
 */

import { columnDefinition } from "../../../destinations/duckdb/sql.ts";
import { UserError } from "../../errors.ts";
import type { Schema, Table } from "../../schema/types.ts";
import type { CliContext } from "../context.ts";
import { cellText } from "../format_cell.ts";
import { formatJson, formatYaml } from "../format_json.ts";
import { openPipelineFolder, readPipelineSchema } from "../pipelines.ts";
import { quoteIdent } from "../../sql_quote.ts";
import { datasetOf, findTable, withDestination } from "./_pipeline_tools.ts";
import { type FilterCondition, missingColumns, whereSql } from "./_row_filter.ts";
import { schemaDbml, schemaMermaid } from "./_schema_export.ts";

/** How the row tools answer: JSON (default), a Markdown table, or JSON lines, as dlt's. */
export const OUTPUT_FORMATS = ["json", "markdown", "jsonl"] as const;

/** One of {@linkcode OUTPUT_FORMATS}. */
export type OutputFormat = typeof OUTPUT_FORMATS[number];

/** Rows `preview_table` returns unless told otherwise (dlt's 10). */
export const DEFAULT_PREVIEW_ROWS = 10;
/** The most rows `preview_table` returns. */
export const MAX_PREVIEW_ROWS = 100;

/** Options of {@linkcode previewTable}. */
export interface PreviewOptions {
  /** @default 10 */
  limit?: number;
  filter?: FilterCondition[];
  /** @default "json" */
  format?: OutputFormat;
}

/**
 * `preview_table`: the first rows of a table, optionally filtered.
 *
 * @throws {UserError} for an unknown pipeline, table or column, or a bad filter or limit
 */
export async function previewTable(
  ctx: CliContext,
  pipeline: string,
  table: string,
  options: PreviewOptions = {},
): Promise<unknown> {
  const limit = options.limit ?? DEFAULT_PREVIEW_ROWS;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PREVIEW_ROWS) {
    throw new UserError(`limit must be a whole number from 1 to ${MAX_PREVIEW_ROWS}`);
  }
  const folder = await openPipelineFolder(ctx, pipeline);
  const t = findTable(await readPipelineSchema(folder), table);
  const dataset = datasetOf(folder);
  const sql = `SELECT * FROM ${quoteIdent(dataset)}.${quoteIdent(t.name)}` +
    `${whereSql(options.filter, t)} LIMIT ${limit}`;
  const rows = await withDestination(ctx, folder, (query) => query(sql));
  return formatRows({ dataset, table: t.name, row_count: rows.length }, rows, options.format);
}

/** Options of {@linkcode getRowCounts}. */
export interface RowCountOptions {
  /** Count only these tables. @default every data table */
  tables?: string[];
  /** Count dlt's `_dlt_*` tables too. @default false */
  dltTables?: boolean;
  /** Count only rows matching; tables without a filter column are skipped. */
  filter?: FilterCondition[];
  /** @default "json" */
  format?: OutputFormat;
}

/**
 * `get_row_counts`: the rows of each table of the pipeline's dataset, optionally counting only
 * the rows that match a filter. Tables of the schema that the destination does not have yet
 * are listed as `not_loaded`.
 *
 * @throws {UserError} for an unknown pipeline or table, or a bad filter
 */
export async function getRowCounts(
  ctx: CliContext,
  pipeline: string,
  options: RowCountOptions = {},
): Promise<unknown> {
  const folder = await openPipelineFolder(ctx, pipeline);
  const schema = await readPipelineSchema(folder);
  const dataset = datasetOf(folder);
  const filter = options.filter ?? [];
  const counts = await withDestination(ctx, folder, async (query) => {
    const existing = (await query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = " +
        `'${dataset.replaceAll("'", "''")}' ORDER BY table_name`,
    )).map((r) => String(r.table_name));
    // dlt's own tables are the destination's, not the schema's: take them from there.
    const tables: Table[] = options.tables?.length
      ? options.tables.map((name) => findTable(schema, name))
      : [
        ...Object.values(schema.tables).filter((t) => !t.name.startsWith("_dlt_")),
        ...(options.dltTables === true
          ? existing.filter((n) => n.startsWith("_dlt_")).map((name) =>
            schema.tables[name] ?? { name, columns: {} } as Table
          )
          : []),
      ];
    const skipped = filter.length === 0 ? [] : tables
      .filter((t) => missingColumns(filter, t).length > 0)
      .map((t) => ({ table_name: t.name, reason: `no column ${missingColumns(filter, t)[0]}` }));
    const counted = tables.filter((t) => !skipped.some((s) => s.table_name === t.name));
    const present = counted.filter((t) => existing.includes(t.name));
    const missing = counted.filter((t) => !existing.includes(t.name)).map((t) => t.name);
    if (present.length === 0) return { rows: [], missing, skipped };
    const sql = present.map((t) =>
      `SELECT '${t.name.replaceAll("'", "''")}' AS table_name, count(*) AS row_count FROM ` +
      `${quoteIdent(dataset)}.${quoteIdent(t.name)}${whereSql(filter, t)}`
    ).join(" UNION ALL ");
    const rows = await query(`SELECT * FROM (${sql}) ORDER BY table_name`);
    return {
      rows: rows.map((r) => ({ table_name: r.table_name, row_count: Number(r.row_count) })),
      missing,
      skipped,
    };
  });
  return formatRows(
    {
      dataset,
      ...(filter.length > 0 ? { filtered: true, skipped: counts.skipped } : {}),
      ...(counts.missing.length > 0 ? { not_loaded: counts.missing } : {}),
    },
    counts.rows,
    options.format,
    "tables",
  );
}

/**
 * `get_table_create_sql`: the `CREATE TABLE` statement of a table as the DuckDB destination
 * creates it, from the stored schema (no query runs).
 *
 * @throws {UserError} for an unknown pipeline or table
 */
export async function getTableCreateSql(
  ctx: CliContext,
  pipeline: string,
  table: string,
): Promise<string> {
  const folder = await openPipelineFolder(ctx, pipeline);
  const t = findTable(await readPipelineSchema(folder), table);
  const columns = Object.values(t.columns).map((c) => `  ${columnDefinition(c, true)}`);
  return `CREATE TABLE ${quoteIdent(datasetOf(folder))}.${quoteIdent(t.name)} (\n${
    columns.join(",\n")
  }\n);\n`;
}

/** What `export_schema` writes: dlt's three and JSON. */
export const SCHEMA_FORMATS = ["mermaid", "yaml", "dbml", "json"] as const;

/** One of {@linkcode SCHEMA_FORMATS}. */
export type SchemaFormat = typeof SCHEMA_FORMATS[number];

/** Options of {@linkcode exportSchema}. */
export interface ExportSchemaOptions {
  /** @default the pipeline's default schema */
  schema?: string;
  /** Tables only, no columns (for large schemas). @default false */
  hideColumns?: boolean;
  /** @default "mermaid" */
  format?: SchemaFormat;
}

/**
 * `export_schema`: the pipeline's schema as a Mermaid ER diagram, DBML, or its stored
 * document (YAML or JSON).
 *
 * @throws {UserError} for an unknown pipeline, schema or format
 */
export async function exportSchema(
  ctx: CliContext,
  pipeline: string,
  options: ExportSchemaOptions = {},
): Promise<string> {
  const folder = await openPipelineFolder(ctx, pipeline);
  const schema = await readPipelineSchema(folder, options.schema);
  const hide = options.hideColumns === true;
  const format = options.format ?? "mermaid";
  switch (format) {
    case "mermaid":
      return schemaMermaid(schema, { hideColumns: hide });
    case "dbml":
      return schemaDbml(schema, { hideColumns: hide });
    case "yaml":
      return formatYaml(hide ? withoutColumns(schema) : schema);
    case "json":
      return formatJson(hide ? withoutColumns(schema) : schema);
    default: {
      const unknown: never = format;
      throw new UserError(
        `Unknown schema format ${JSON.stringify(unknown)}; expected one of ${
          SCHEMA_FORMATS.join(", ")
        }`,
      );
    }
  }
}

function withoutColumns(schema: Schema): unknown {
  const tables = Object.fromEntries(
    Object.entries(schema.tables).map(([name, { columns: _, ...rest }]) => [name, rest]),
  );
  return { ...schema, tables };
}

/** Rows in the asked format: JSON with `head`, a Markdown table, or JSON lines. */
function formatRows(
  head: Record<string, unknown>,
  rows: Record<string, unknown>[],
  format: OutputFormat = "json",
  key = "rows",
): unknown {
  if (format === "jsonl") {
    return rows.map((r) => cellText(r)).join("\n") + (rows.length ? "\n" : "");
  }
  if (format === "markdown") return markdownTable(rows);
  return { ...head, [key]: rows };
}

/** A GitHub-flavoured Markdown table; `|` and line breaks in values are escaped. */
export function markdownTable(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return "(no rows)\n";
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => cellText(v, "").replaceAll("|", "\\|");
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(columns.map(cell)),
    line(columns.map(() => "---")),
    ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
  ].join("\n") + "\n";
}
