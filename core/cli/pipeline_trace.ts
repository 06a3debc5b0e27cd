/**
 * `dltx pipeline <name> trace`: the last run as `trace.json` recorded it — status, timings,
 * steps with peak memory, rows per table, records and HTTP requests per resource, the error.
 * Secrets were masked when the trace was written; it is printed as it is.
 *
 * @module
 */

import { UserError } from "../errors.ts";
import type { CliContext } from "./context.ts";
import type { Row } from "./_format_cell.ts";
import { formatJson } from "./_format_json.ts";
import { formatTable } from "./_format_table.ts";
import { formatSeconds } from "./_format_units.ts";
import { asObject, foundLine, objectAt, openPipelineFolder, readTrace } from "./_pipelines.ts";

/** Options of `dltx pipeline <name> trace`. */
export interface PipelineTraceOptions {
  /** `text` (default) or `json` (the trace file as it is). */
  format?: string;
}

/**
 * Prints the last run's trace to stdout.
 *
 * @returns the exit code
 * @throws {UserError} when the pipeline does not exist or the format is unknown
 */
export async function pipelineTraceCommand(
  ctx: CliContext,
  name: string,
  options: PipelineTraceOptions = {},
): Promise<number> {
  const format = options.format ?? "text";
  if (format !== "text" && format !== "json") {
    throw new UserError(`Unknown trace format "${format}" for --format; expected text or json`);
  }
  const folder = await openPipelineFolder(ctx, name);
  const trace = await readTrace(folder);
  const mask = (text: string) => ctx.masker?.mask(text) ?? text;
  if (format === "json") {
    ctx.stdout.write(mask(formatJson(trace ?? null)));
    return 0;
  }
  let out = foundLine(folder);
  out += trace === undefined ? "Pipeline does not have last run trace.\n" : formatTrace(trace);
  ctx.stdout.write(mask(out));
  return 0;
}

/**
 * A trace as text, in dlt's wording (`Run started at ... and LOADED in 1.08 seconds with 2
 * steps.`, `Step load COMPLETED in 0.31 seconds.`).
 */
export function formatTrace(trace: Record<string, unknown>): string {
  const steps = Array.isArray(trace.steps) ? trace.steps as unknown[] : [];
  const status = String(trace.status ?? "unknown").toUpperCase();
  const started = typeof trace.started_at === "string" ? trace.started_at : undefined;
  const finished = typeof trace.finished_at === "string" ? trace.finished_at : undefined;
  const seconds = started && finished
    ? (Date.parse(finished) - Date.parse(started)) / 1000
    : undefined;
  let out = `Run started at ${started ?? "an unknown time"} and ${status}` +
    (seconds !== undefined && Number.isFinite(seconds)
      ? ` in ${formatSeconds(seconds)} seconds`
      : "") +
    ` with ${steps.length} step(s).\n`;
  if (trace.load_id !== undefined) out += `Load id: ${trace.load_id}\n`;
  for (const step of steps) out += formatStep(asObject(step));
  if (trace.error !== undefined) out += `Failed with error: ${String(trace.error)}\n`;
  return out;
}

function formatStep(step: Record<string, unknown>): string {
  const parts = [`Step ${String(step.step ?? "?")} COMPLETED`];
  if (typeof step.seconds === "number") parts.push(`in ${formatSeconds(step.seconds)} seconds`);
  let out = parts.join(" ");
  if (typeof step.peak_rss_mb === "number") {
    out += `, peak RSS ${step.peak_rss_mb.toFixed(1)} MB`;
  }
  out += ".\n";
  const rowCounts = objectAt(step, "rowCounts");
  if (Object.keys(rowCounts).length > 0) {
    out += "  Rows per table:\n";
    const rows = Object.entries(rowCounts).map(([table, rows]) => ({ table, rows }));
    out += formatTable(rows, { footer: false, indent: "    " });
  }
  const resources = resourceRows(step);
  if (resources.length > 0) {
    out += "  Resources:\n";
    out += formatTable(resources, { footer: false, indent: "    ", nullText: "-" });
  }
  return out;
}

/** Records, HTTP requests and pages per resource, from `recordCounts` and `resources`. */
function resourceRows(step: Record<string, unknown>): Row[] {
  const records = objectAt(step, "recordCounts");
  const stats = objectAt(step, "resources");
  const names = [...new Set([...Object.keys(records), ...Object.keys(stats)])];
  return names.map((resource) => {
    const s = objectAt(stats, resource);
    return {
      resource,
      records: records[resource] ?? s.records ?? 0,
      requests: s.requests ?? null,
      pages: s.pages ?? null,
    };
  });
}
