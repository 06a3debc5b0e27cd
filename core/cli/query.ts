/**
 * `dltx query <pipeline> "<sql>" [--format table|json|csv] [--limit N]`: runs one read-only
 * SQL statement on the pipeline's destination and prints the result.
 *
 * The statement must be one read (SELECT, WITH, VALUES, FROM, TABLE, DESCRIBE, SHOW,
 * SUMMARIZE, EXPLAIN), checked by DuckDB's parser before anything runs, and it reads the
 * dataset only: the destination's connection has external access disabled and its settings
 * locked, so no other file, extension or setting is reachable. Anything else exits 1 naming
 * what is allowed.
 *
 * Tables are named with their dataset (`SELECT * FROM shop_pipeline_dataset.items`): `SET`
 * and `USE` are refused, so the dataset cannot become the default schema. A query naming a
 * table without it fails with a hint naming the dataset.
 *
 * @module
 */

import { UserError } from "../errors.ts";
import { withDatasetHint } from "./_read_query.ts";
import type { CliContext } from "./context.ts";
import { formatCsv } from "./_format_csv.ts";
import { formatJson } from "./_format_json.ts";
import { formatTable } from "./_format_table.ts";
import { destinationTarget, openDestination } from "./_pipeline_destination.ts";
import { openPipelineFolder } from "./_pipelines.ts";

/** Options of `dltx query`. */
export interface QueryCommandOptions {
  /** `table`, `json` (an array of objects) or `csv`. @default "table" */
  format?: string;
  /** Print at most this many rows. */
  limit?: string | number;
}

const FORMATS = ["table", "json", "csv"];

/**
 * Runs `sql` read-only on the destination of `pipelineName` and prints the rows to stdout.
 *
 * @returns the exit code
 * @throws {UserError} for an unknown pipeline or format, a bad limit, SQL that DuckDB
 *   rejects, or SQL that is not one read of the dataset
 */
export async function queryCommand(
  ctx: CliContext,
  pipelineName: string,
  sql: string,
  options: QueryCommandOptions = {},
): Promise<number> {
  const format = options.format ?? "table";
  if (!FORMATS.includes(format)) {
    throw new UserError(
      `Unknown query format "${format}" for --format; expected one of ${FORMATS.join(", ")}`,
    );
  }
  const limit = parseLimit(options.limit);
  if (sql.trim() === "") throw new UserError("The query is empty; pass the SQL to run");
  const folder = await openPipelineFolder(ctx, pipelineName);
  const target = await destinationTarget(ctx, pipelineName, folder.state);
  const dataset = folder.state?.dataset_name ?? `${pipelineName}_dataset`;
  const destination = await openDestination(pipelineName, target);
  let rows: Record<string, unknown>[];
  try {
    if (!destination.query) {
      throw new UserError(`The ${destination.type} destination cannot run queries`);
    }
    rows = await destination.query(sql).catch((err) => {
      throw withDatasetHint(err, dataset);
    });
  } finally {
    await destination.close();
  }
  const shown = limit !== undefined && rows.length > limit ? rows.slice(0, limit) : rows;
  let out: string;
  if (format === "json") out = formatJson(shown);
  else if (format === "csv") out = formatCsv(shown);
  else {
    out = formatTable(shown, { footer: false });
    out += shown.length < rows.length
      ? `${rows.length} rows, the first ${shown.length} shown\n`
      : `${rows.length} ${rows.length === 1 ? "row" : "rows"}\n`;
  }
  ctx.stdout.write(out);
  return 0;
}

function parseLimit(limit: string | number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 0) {
    throw new UserError(`--limit must be a whole number of rows, got ${JSON.stringify(limit)}`);
  }
  return n;
}
