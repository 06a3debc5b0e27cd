/**
 * `dltx run --to jsonl`: the source's pages go to stdout as they arrive, one write per page.
 * No load package, no destination, no state committed. When the reader goes away
 * (`| head -n 5`) the source is stopped and the run ends as a success.
 *
 * @module
 */

import type { NameCollision } from "../normalize/mod.ts";
import type { Source } from "../source/mod.ts";
import type { Output } from "./context.ts";
import { type JsonlFormat, pageFormatter } from "./_page_formats.ts";
import { StdoutWriter } from "./_stdout.ts";

/** Options of {@linkcode writeJsonl}. */
export interface WriteJsonlOptions {
  /** Where the lines go (stdout). */
  output: Output;
  /** @default "jsonl" */
  format?: JsonlFormat;
  /** Normalized rows (with `_dlt_table`) instead of records. @default false */
  normalize?: boolean;
  /** Only these resources (and the parents they need). @default every selected resource */
  resources?: string[];
  /** `_dlt_load_id` of normalized rows. */
  loadId: string;
  /** With `normalize`: called once per table and pair of keys that became the same name. */
  onCollision?: (collision: NameCollision) => void;
  signal?: AbortSignal;
}

/** What {@linkcode writeJsonl} wrote. */
export interface JsonlSummary {
  /** Records per resource. */
  records: Record<string, number>;
  /** Normalized rows per table (with `normalize`). */
  rows?: Record<string, number>;
  /** The reader went away before the end; the source was stopped. */
  stopped: boolean;
}

/**
 * Streams the source to `options.output` as JSON lines.
 *
 * @throws whatever the source or the normalizer throws, or the output other than EPIPE
 */
export async function writeJsonl(
  source: Source,
  options: WriteJsonlOptions,
): Promise<JsonlSummary> {
  const resources = options.resources?.length
    ? options.resources
    : source.resources.filter((r) => r.selected).map((r) => r.name);
  const formatter = pageFormatter(source, {
    format: options.format ?? "jsonl",
    normalize: options.normalize ?? false,
    resources,
    loadId: options.loadId,
    onCollision: options.onCollision,
  });
  const out = new StdoutWriter(options.output);
  const records: Record<string, number> = {};
  const pages = source.extract({ resources: options.resources, signal: options.signal });
  for await (const page of pages) {
    records[page.resource] = (records[page.resource] ?? 0) + page.records.length;
    const text = formatter.page(page);
    // Leaving the loop returns the source's generator, which cancels its requests.
    if (text !== "" && !out.write(text)) break;
  }
  if (!out.closed) {
    const end = formatter.end();
    if (end !== "") out.write(end);
  }
  return { records, rows: formatter.rows?.(), stopped: out.closed };
}
