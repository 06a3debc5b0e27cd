/**
 * `dltx pipeline <name> load-package [load_id]`: one load package — its state, its job files
 * per folder with table and size, the messages of failed jobs and, with `-v`, the schema
 * update it brings. Worded as dlt's `dlt pipeline <name> load-package`.
 *
 * @module
 */

import { join } from "node:path";
import { UserError } from "../errors.ts";
import { listPackages, LoadPackage, type PackageJob, SCHEMA_UPDATES_FILE } from "../package/mod.ts";
import type { Schema } from "../schema/types.ts";
import type { CliContext } from "./context.ts";
import { formatBytes, loadIdTime } from "./_format_units.ts";
import { formatTable } from "./_format_table.ts";
import { formatYaml } from "./_format_json.ts";
import { asObject, foundLine, openPipelineFolder } from "./_pipelines.ts";

/** Options of `dltx pipeline <name> load-package`. */
export interface PipelineLoadPackageOptions {
  /** Also print the schema update of the package. */
  verbose?: boolean;
}

/**
 * Prints a load package (the newest when `loadId` is not given) to stdout.
 *
 * @returns the exit code
 * @throws {UserError} when the pipeline or the package does not exist
 */
export async function pipelineLoadPackageCommand(
  ctx: CliContext,
  name: string,
  loadId: string | undefined,
  options: PipelineLoadPackageOptions = {},
): Promise<number> {
  const folder = await openPipelineFolder(ctx, name);
  const packages = await listPackages(folder.workingDir.loadDir);
  if (packages.length === 0) {
    throw new UserError(`There are no load packages for pipeline "${name}"`);
  }
  const summary = loadId === undefined
    ? packages[packages.length - 1]
    : packages.find((p) => p.loadId === loadId);
  if (!summary) {
    const ids = packages.slice(-10).map((p) => p.loadId).join(", ");
    throw new UserError(
      `Load package "${loadId}" not found in ${folder.workingDir.loadDir}; ` +
        `${packages.length > 10 ? "the newest packages" : "packages"}: ${ids}`,
    );
  }
  const pkg = await LoadPackage.open(summary.dir);
  const schema = await pkg.loadSchema().catch(() => undefined);
  const update = await schemaUpdate(pkg);
  const jobs = await pkg.jobs();

  let out = foundLine(folder);
  out += `Package ${pkg.loadId} found in ${pkg.dir}\n`;
  out += `The package with load id ${pkg.loadId} for schema ${schema?.name ?? "(none yet)"} ` +
    `is in ${summary.state.toUpperCase()} state. ` +
    (update ? `It updated schema for ${Object.keys(update).length} tables. ` : "") +
    `It was started at ${loadIdTime(pkg.loadId)}.\n`;
  out += "Jobs details:\n";
  out += await jobsSection(pkg, summary.state, jobs);
  if (options.verbose) {
    out += update
      ? "Schema update:\n" + formatYaml({ tables: update })
      : schema
      ? `The package has no ${SCHEMA_UPDATES_FILE}; tables of its schema:\n` +
        formatYaml({ tables: schemaTables(schema) })
      : "The package has no schema yet.\n";
  } else if (update && Object.keys(update).length > 0) {
    out += "Add -v option to see schema update. Note that it could be large.\n";
  }
  ctx.stdout.write(ctx.masker?.mask(out) ?? out);
  return 0;
}

/** The job files by folder, with size; then each failed job's message. */
async function jobsSection(
  pkg: LoadPackage,
  state: string,
  jobs: PackageJob[],
): Promise<string> {
  if (jobs.length === 0) {
    return state === "loaded"
      ? "  No job files: they were deleted after loading " +
        "(set load.delete_completed_jobs = false to keep them).\n"
      : "  No job files.\n";
  }
  const rows = [];
  for (const job of jobs) {
    const size = (await Deno.stat(job.path).catch(() => undefined))?.size;
    rows.push({
      folder: job.folder,
      table: job.table,
      file: job.fileName,
      size: size === undefined ? null : formatBytes(size),
    });
  }
  let out = formatTable(rows, { footer: false, indent: "  " });
  const failed = jobs.filter((job) => job.folder === "failed_jobs");
  for (const job of failed) {
    const message = await pkg.failedMessage(job);
    out += `Job ${job.fileName} of table ${job.table} FAILED: ${message ?? "(no message)"}\n`;
    out += `  file: ${join(pkg.dir, job.folder, job.fileName)}\n`;
  }
  return out;
}

/**
 * The package's schema update as tables: `schema_updates.json` holds either the tables
 * (`{<table>: {...}}`) or a document with a `tables` key.
 */
async function schemaUpdate(pkg: LoadPackage): Promise<Record<string, unknown> | undefined> {
  const update = await pkg.readJson(SCHEMA_UPDATES_FILE).catch(() => undefined);
  if (update === undefined) return undefined;
  const doc = asObject(update);
  return "tables" in doc ? asObject(doc.tables) : doc;
}

/** Tables with their columns' data types, the short form of a schema. */
function schemaTables(schema: Schema): Record<string, unknown> {
  const tables: Record<string, unknown> = {};
  for (const table of Object.values(schema.tables)) {
    const columns: Record<string, string> = {};
    for (const column of Object.values(table.columns)) columns[column.name] = column.data_type;
    tables[table.name] = { ...(table.parent ? { parent: table.parent } : {}), columns };
  }
  return tables;
}
