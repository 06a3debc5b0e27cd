/**
 * The data files of a load: one per job file, converted by DuckDB's `COPY` and written under
 * a temporary name ("staged", possibly while the run still extracts), renamed into place
 * together at the end ("published"), and the removal of the files a `replace` load supersedes.
 *
 * @module
 */

import { dirname, join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Logger } from "../../core/log.ts";
import type { LoadJob, LoadRequest } from "../../core/pipeline/mod.ts";
import { filesystemError, filesystemJobError } from "./errors.ts";
import { jobFileId, listTableFiles, tempPathOf } from "./_files.ts";
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
  /** The hidden name it is written under, in the same folder (see `tempPathOf`). */
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
  const temp = tempPathOf(path);
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
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
 * Renames staged files into place (each rename is atomic). On a failure the files published
 * so far and the staged ones left are removed again.
 *
 * @returns the absolute paths published
 */
export async function publishStaged(staged: readonly StagedFile[]): Promise<Set<string>> {
  const published = new Set<string>();
  try {
    for (const file of staged) {
      await Deno.rename(file.temp, file.path);
      published.add(file.path);
    }
    return published;
  } catch (err) {
    for (const path of published) await Deno.remove(path).catch(() => {});
    await discardStaged(staged);
    throw filesystemError(err, `Cannot move the data files of this load into place`);
  }
}

/** Removes staged files that were not published. */
export async function discardStaged(staged: readonly StagedFile[]): Promise<void> {
  for (const file of staged) await Deno.remove(file.temp).catch(() => {});
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
