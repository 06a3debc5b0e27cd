/**
 * `dltx pipeline <name> trace`: the last run as `trace.json` recorded it — dlt's steps
 * (extract, normalize, load) with their timings and peak memory, records, HTTP requests,
 * retries and waits per resource, rows per table, and the error of a step that failed.
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
 * A trace as text, in dlt's wording (`Run started at ... and COMPLETED in 1.08 seconds with 3
 * steps.`, `Step extract COMPLETED in 0.31 seconds.`, `Normalized data for the following
 * tables:`), with dltx's extras: the load id, peak memory, and records, HTTP requests and
 * pages per resource.
 */
export function formatTrace(trace: Record<string, unknown>): string {
  const steps = (Array.isArray(trace.steps) ? trace.steps as unknown[] : []).map(asObject);
  const status = runStatus(trace, steps);
  const started = typeof trace.started_at === "string" ? trace.started_at : undefined;
  const seconds = spanSeconds(started, trace.finished_at);
  let out = `Run started at ${started ?? "an unknown time"} and ${status}` +
    (seconds !== undefined ? ` in ${formatSeconds(seconds)} seconds` : "") +
    ` with ${steps.length} steps.\n`;
  if (trace.load_id !== undefined) out += `Load id: ${trace.load_id}\n`;
  for (const step of steps) out += formatStep(step);
  // A failed step carries its error; a trace of an older dltx has it on the run only.
  if (trace.error !== undefined && !steps.some((s) => s.error !== undefined)) {
    out += `Failed due to: ${String(trace.error)}\n`;
  }
  return out;
}

/** dlt's run outcome: FAILED when the run failed, else COMPLETED. */
function runStatus(trace: Record<string, unknown>, steps: Record<string, unknown>[]): string {
  if (trace.status === "failed" || steps.some((s) => s.error !== undefined)) return "FAILED";
  if (trace.status === undefined) return "UNKNOWN";
  return "COMPLETED";
}

function spanSeconds(started: unknown, finished: unknown): number | undefined {
  if (typeof started !== "string" || typeof finished !== "string") return undefined;
  const seconds = (Date.parse(finished) - Date.parse(started)) / 1000;
  return Number.isFinite(seconds) ? seconds : undefined;
}

function formatStep(step: Record<string, unknown>): string {
  const failed = step.error !== undefined;
  let out = `Step ${String(step.step ?? "?")} ${failed ? "FAILED" : "COMPLETED"}`;
  if (typeof step.seconds === "number") out += ` in ${formatSeconds(step.seconds)} seconds`;
  out += ".\n";
  if (failed) out += `Failed due to: ${String(step.error)}\n`;
  if (typeof step.peak_rss_mb === "number") {
    out += `  Peak RSS ${step.peak_rss_mb.toFixed(1)} MB\n`;
  }
  const resources = resourceRows(step);
  if (resources.length > 0) {
    out += "  Resources:\n";
    out += formatTable(resources, { footer: false, indent: "    ", nullText: "-" });
  }
  const rowCounts = objectAt(step, "rowCounts");
  if (Object.keys(rowCounts).length > 0) {
    out += "Normalized data for the following tables:\n";
    for (const [table, rows] of Object.entries(rowCounts)) out += `- ${table}: ${rows} row(s)\n`;
  } else if (step.step === "normalize" && !failed) {
    out += "No data found to normalize\n";
  }
  if (step.step === "load" && !failed && typeof step.destination === "string") {
    out += `Loaded to destination ${step.destination}` +
      (typeof step.dataset === "string" ? ` and into dataset ${step.dataset}` : "") +
      (typeof step.location === "string" ? ` at ${step.location}` : "") + "\n";
  }
  return out;
}

/**
 * Records, HTTP requests, pages, retries, seconds waited (retries and rate-limit pauses) and
 * seconds from first request to last page per resource, from `recordCounts` and `resources`.
 */
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
      retries: s.retries ?? null,
      wait_s: s.wait_seconds ?? null,
      seconds: s.seconds ?? null,
    };
  });
}
