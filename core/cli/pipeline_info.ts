/**
 * `dltx pipeline <name> info`: what the working folder holds — destination, dataset, state
 * with its incremental cursors, schemas and their resources, loads and pending packages.
 * Worded as dlt's `dlt pipeline <name> info`.
 *
 * @module
 */

import { listPackages, type PackageSummary } from "../package/mod.ts";
import { destinationTypeName, type PipelineState } from "../pipeline/mod.ts";
import type { CliContext } from "./context.ts";
import { cellText, type Row } from "./_format_cell.ts";
import { formatJson } from "./_format_json.ts";
import { formatTable } from "./_format_table.ts";
import { loadIdTime } from "./_format_units.ts";
import { destinationTarget } from "./_pipeline_destination.ts";
import {
  asObject,
  foundLine,
  objectAt,
  openPipelineFolder,
  type PipelineFolder,
  readTrace,
  tablesByResource,
} from "./_pipelines.ts";

/** Options of `dltx pipeline <name> info`. */
export interface PipelineInfoOptions {
  /** Print the whole sources state as JSON. */
  verbose?: boolean;
}

/** How many loaded packages `info` lists. */
const LAST_LOADS = 10;

/**
 * Prints the report of `dltx pipeline <name> info` to stdout.
 *
 * @returns the exit code
 * @throws {UserError} when the pipeline does not exist
 */
export async function pipelineInfoCommand(
  ctx: CliContext,
  name: string,
  options: PipelineInfoOptions = {},
): Promise<number> {
  const folder = await openPipelineFolder(ctx, name);
  const state = folder.state;
  let out = foundLine(folder);
  out += `Working folder: ${folder.workingDir.root}\n`;
  if (state) {
    const target = await destinationTarget(ctx, name, state).catch(() => undefined);
    out += `Destination: ${destinationTypeName(state.destination_type) ?? "unknown"}` +
      (target ? ` at ${target.location}` : "") + "\n";
    out += `Dataset: ${state.dataset_name}\n\n`;
    out += stateSection(state, options.verbose ?? false);
    out += await schemasSection(folder, state);
  } else {
    out += "\nThe pipeline has no state: no load of it committed yet.\n\n";
  }
  out += packagesSection(folder, await listPackages(folder.workingDir.loadDir));
  out += (await readTrace(folder)) === undefined
    ? "Pipeline does not have last run trace.\n"
    : `Pipeline has last run trace. Use 'dltx pipeline ${name} trace' to inspect it.\n`;
  ctx.stdout.write(ctx.masker?.mask(out) ?? out);
  return 0;
}

/** The synchronized state (scalars), its incremental cursors and the local state. */
function stateSection(state: PipelineState, verbose: boolean): string {
  let out = "Synchronized state:\n";
  for (const [key, value] of Object.entries(state)) {
    if (key === "_local" || key === "sources") continue;
    out += `${key}: ${Array.isArray(value) ? value.join(", ") : cellText(value, "")}\n`;
  }
  const sources = state.sources ?? {};
  if (Object.keys(sources).length > 0) {
    out += "\nsources:\n";
    out += verbose
      ? formatJson(sources)
      : "Add -v option to see sources state. Note that it could be large.\n";
  }
  const cursors = incrementalCursors(sources);
  out += "\nIncremental cursors:\n";
  out += cursors.length > 0 ? formatTable(cursors, { footer: false, indent: "  " }) : "  none\n";
  out += "\nLocal state:\n";
  for (const [key, value] of Object.entries(state._local ?? {})) {
    if (value === null || typeof value !== "object") out += `${key}: ${cellText(value, "")}\n`;
  }
  return out + "\n";
}

/** One row per cursor at `sources.<source>.resources.<resource>.incremental.<cursor_path>`. */
function incrementalCursors(sources: Record<string, Record<string, unknown>>): Row[] {
  const rows: Row[] = [];
  for (const [source, sourceState] of Object.entries(sources)) {
    for (const [resource, resourceState] of Object.entries(objectAt(sourceState, "resources"))) {
      const incremental = objectAt(resourceState, "incremental");
      for (const [cursorPath, cursor] of Object.entries(incremental)) {
        const c = asObject(cursor);
        rows.push({
          source,
          resource,
          cursor_path: cursorPath,
          last_value: c.last_value,
          initial_value: c.initial_value,
          // Keys of the rows at the cursor value, kept to drop them on the next run.
          dedup_keys: Array.isArray(c.unique_hashes) ? c.unique_hashes.length : 0,
        });
      }
    }
  }
  return rows;
}

/** Per schema: version and hash, then its resources as dlt lists them. */
async function schemasSection(folder: PipelineFolder, state: PipelineState): Promise<string> {
  if (state.schema_names.length === 0) return "This pipeline does not have a default schema\n\n";
  let out = "";
  for (const schemaName of state.schema_names) {
    const schema = await folder.workingDir.readSchema(schemaName);
    if (!schema) {
      out += `Schema ${schemaName} is missing from ${folder.workingDir.root}/schemas\n\n`;
      continue;
    }
    out += `Resources in schema: ${schemaName} (version ${schema.version}, ` +
      `hash ${schema.version_hash})\n`;
    const sourceState = objectAt(state.sources ?? {}, schemaName);
    const resourceStates = objectAt(sourceState, "resources");
    for (const [resource, tables] of tablesByResource(schema)) {
      const slots = Object.keys(objectAt(resourceStates, resource)).length;
      out += `${resource} with ${tables.length} table(s) and ${slots} resource state slot(s)\n`;
    }
    out += "\n";
  }
  return out;
}

/** Pending packages first (they decide what the next run does), then the last loads. */
function packagesSection(folder: PipelineFolder, packages: PackageSummary[]): string {
  let out = "Working dir content:\n";
  const pending = packages.filter((p) => p.state !== "loaded" && p.state !== "aborted");
  if (pending.length > 0) {
    out += `Has ${pending.length} pending load package(s); the next run finishes or discards ` +
      "them first:\n";
    out += packageTable(pending);
  }
  const loaded = packages.filter((p) => p.state === "loaded").slice(-LAST_LOADS);
  if (loaded.length > 0) {
    const total = packages.filter((p) => p.state === "loaded").length;
    out += `Has ${total} completed load package(s)` +
      (total > loaded.length ? `; the last ${loaded.length}:\n` : ":\n");
    out += packageTable(loaded);
  }
  if (pending.length === 0 && loaded.length === 0) {
    out += `No load packages in ${folder.workingDir.loadDir}\n`;
  }
  return out + "\n";
}

function packageTable(packages: PackageSummary[]): string {
  return formatTable(
    packages.map((p) => ({ load_id: p.loadId, state: p.state, started_at: loadIdTime(p.loadId) })),
    { footer: false, indent: "  " },
  );
}
