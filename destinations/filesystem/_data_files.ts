/**
 * The data files of a load: one per job file, converted by DuckDB's `COPY` and written under
 * a temporary name, and the removal of the files a `replace` load supersedes.
 *
 * @module
 */

import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { UserError } from "../../core/errors.ts";
import type { Logger } from "../../core/log.ts";
import type { LoadJob, LoadRequest } from "../../core/pipeline/mod.ts";
import { firstLine } from "./_duckdb.ts";
import { jobFileId, listTableFiles, writeAtomically } from "./_files.ts";
import type { Layout } from "./_layout.ts";
import { compressible, copyJobSql, type FileFormat } from "./_sql.ts";
import { maximumObjectSizeFor } from "../duckdb/mod.ts";

/** How data files are written. */
export interface DataFileOptions {
  format: FileFormat;
  layout: Layout;
  /** Gzip JSONL and CSV files (named `.jsonl.gz`, `.csv.gz`), as dlt does by default. */
  compress: boolean;
}

/**
 * Writes a data file per job of `request` (tables without columns have none). When one
 * fails, the files written before it are removed again and the error names the table and
 * job file.
 *
 * @returns the absolute paths written
 * @throws {UserError} naming the table and job file that could not be written
 */
export async function writeDataFiles(
  con: DuckDBConnection,
  datasetDir: string,
  request: LoadRequest,
  options: DataFileOptions,
): Promise<Set<string>> {
  const written = new Set<string>();
  try {
    for (const job of request.jobs) {
      const path = await writeDataFile(con, datasetDir, request, job, options);
      if (path) written.add(path);
    }
    return written;
  } catch (err) {
    for (const path of written) await Deno.remove(path).catch(() => {});
    throw err;
  }
}

async function writeDataFile(
  con: DuckDBConnection,
  datasetDir: string,
  request: LoadRequest,
  job: LoadJob,
  options: DataFileOptions,
): Promise<string | undefined> {
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
  try {
    await writeAtomically(path, async (temp) => {
      const maximumObjectSize = await maximumObjectSizeFor([job.path]);
      await con.run(
        copyJobSql(columns, job.path, temp, {
          format: options.format,
          compress: options.compress,
          maximumObjectSize,
        }),
      );
    });
  } catch (err) {
    throw new UserError(
      `Cannot write table "${job.table}" from ${job.path} to ${path}: ${firstLine(err)}`,
      { cause: err },
    );
  }
  return path;
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
