/**
 * The data files of a load: one per job file, converted by DuckDB's `COPY` into the load's
 * hidden staging folder (`<dataset>/.dltx_staging/<load_id>/`, possibly while the run still
 * extracts), renamed into place together at the end ("published"), and the removal of the files
 * a `replace` load supersedes. Whatever a failed or killed load staged is in its one folder, so
 * {@linkcode discardLoad} removes all of it.
 *
 * @module
 */

import { dirname, join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Logger } from "../../core/log.ts";
import type { LoadJob, LoadRequest } from "../../core/pipeline/mod.ts";
import { filesystemError, filesystemJobError } from "./errors.ts";
import { jobFileId, listTableFiles } from "./_files.ts";
import type { Layout } from "./_layout.ts";
import { compressible, copyJobSql, type FileFormat } from "./_sql.ts";
import { maximumObjectSizeFor } from "../duckdb/read_limits.ts";

/** How data files are written. */
export interface DataFileOptions {
  format: FileFormat;
  layout: Layout;
  /** Gzip JSONL and CSV files (named `.jsonl.gz`, `.csv.gz`), as dlt does by default. */
  compress: boolean;
}

/** A data file written under its temporary name: it becomes visible when published. */
export interface StagedFile {
  /** Where the file goes. */
  path: string;
  /** Where it is written first: the same relative path in the load's staging folder. */
  temp: string;
}

/**
 * Converts one job file into its data file, under the temporary name (tables without
 * columns have none). A load that streams calls this while it still extracts; nothing is
 * visible until {@linkcode publishStaged}.
 *
 * @throws {UserError} naming the table and job file that could not be written
 */
export async function stageDataFile(
  con: DuckDBConnection,
  datasetDir: string,
  request: Pick<LoadRequest, "schema" | "loadId">,
  job: LoadJob,
  options: DataFileOptions,
): Promise<StagedFile | undefined> {
  const columns = Object.values(request.schema.tables[job.table].columns);
  if (columns.length === 0) return undefined;
  const relative = options.layout.filePath({
    schemaName: request.schema.name,
    tableName: job.table,
    loadId: request.loadId,
    fileId: jobFileId(job.path) ?? randomFileId(),
    ext: fileExtension(options.format, options.compress),
  });
  const path = join(datasetDir, ...relative.split("/"));
  const temp = join(stagingDir(datasetDir, request.loadId), ...relative.split("/"));
  try {
    await Deno.mkdir(dirname(temp), { recursive: true });
    const maximumObjectSize = await maximumObjectSizeFor([job.path]);
    await con.run(
      copyJobSql(columns, job.path, temp, {
        format: options.format,
        compress: options.compress,
        maximumObjectSize,
      }),
    );
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw filesystemJobError(err, `Cannot write table "${job.table}" from ${job.path} to ${path}`);
  }
  return { path, temp };
}

/**
 * Renames the staged files of load `loadId` into place (each rename is atomic; the staging
 * folder is in the dataset folder, on the same file system) and removes its staging folder. On
 * a failure the files published so far and the staging folder are removed again.
 *
 * @returns the absolute paths published
 */
export async function publishStaged(
  datasetDir: string,
  loadId: string,
  staged: readonly StagedFile[],
): Promise<Set<string>> {
  const published = new Set<string>();
  try {
    for (const file of staged) {
      await Deno.mkdir(dirname(file.path), { recursive: true });
      await Deno.rename(file.temp, file.path);
      published.add(file.path);
    }
  } catch (err) {
    for (const path of published) await Deno.remove(path).catch(() => {});
    await discardLoad(datasetDir, loadId);
    throw filesystemError(err, `Cannot move the data files of this load into place`);
  }
  await discardLoad(datasetDir, loadId);
  return published;
}

/** The hidden folder the data files of load `loadId` are written to before they are published. */
export function stagingDir(datasetDir: string, loadId: string): string {
  return join(datasetDir, STAGING, loadId);
}

/** The dataset's folder of staging folders; hidden, so no reader takes it for a table. */
const STAGING = ".dltx_staging";

/**
 * Removes what load `loadId` staged and did not publish (a failed load's, or a killed run's,
 * which the next run discards), and the staging folder itself once no load uses it.
 */
export async function discardLoad(datasetDir: string, loadId: string): Promise<void> {
  await Deno.remove(stagingDir(datasetDir, loadId), { recursive: true }).catch(() => {});
  // Not recursive: another load may be staging into it right now.
  await Deno.remove(join(datasetDir, STAGING)).catch(() => {});
}

/** dlt's extension of a data file (its `{ext}`): `jsonl.gz` when gzipped, else the format. */
export function fileExtension(format: FileFormat, compress: boolean): string {
  return compress && compressible(format) ? `${format}.gz` : format;
}

/**
 * Removes the files of `request.replaceTables` (root and child tables of `replace`
 * resources) except `keep`, the files this load wrote.
 */
export async function removeOtherFiles(
  datasetDir: string,
  request: LoadRequest,
  options: { layout: Layout; keep: Set<string>; logger: Logger },
): Promise<void> {
  for (const table of request.replaceTables) {
    const prefix = options.layout.tablePrefix(request.schema.name, table);
    let removed = 0;
    for (const file of await listTableFiles(datasetDir, prefix)) {
      if (options.keep.has(file)) continue;
      await Deno.remove(file);
      removed++;
    }
    if (removed > 0) options.logger.debug(`Replaced table ${table}: removed ${removed} file(s)`);
  }
}

/** 10 random hex chars, as dlt's file ids, for a job file not named the dlt way. */
function randomFileId(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(5)),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}
