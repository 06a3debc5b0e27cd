/**
 * The filesystem destination: writes each job file of a load as a Parquet, JSONL or CSV file
 * (through DuckDB's `COPY`) into `<bucket>/<dataset>/<layout>`, with dlt's system tables as
 * files; restores state from them and queries the files with DuckDB.
 *
 * @module
 */

import { join } from "node:path";
import { defaultDeps, type Deps } from "../../core/deps.ts";
import { ConfigError, InternalError, UserError } from "../../core/errors.ts";
import { type Logger, silentLogger } from "../../core/log.ts";
import { newLoadId } from "../../core/package/mod.ts";
import type {
  Destination,
  DropRequest,
  LoadJob,
  LoadRequest,
  LoadSession,
  StoredPipeline,
} from "../../core/pipeline/mod.ts";
import { type MergeStrategy, rootTableOf } from "../../core/schema/mod.ts";
import { type Bucket, parseBucketUrl } from "./_bucket.ts";
import {
  discardLoad,
  publishStaged,
  removeOtherFiles,
  stageDataFile,
  type StagedFile,
} from "./_data_files.ts";
import { loadDuckDb } from "../duckdb/_module.ts";
import { type MemoryDuckDb, openMemoryDuckDb } from "./_duckdb.ts";
import { exists } from "../../core/exists.ts";
import { filesystemError } from "./errors.ts";
import { listTableFiles } from "./_files.ts";
import { DEFAULT_LAYOUT, Layout } from "./_layout.ts";
import { FILE_FORMATS, type FileFormat } from "./_sql.ts";
import {
  initDataset,
  isLoaded,
  pruneStateFiles,
  readStoredPipeline,
  writeLoadFile,
  writeSchemaFile,
  writeStateFile,
} from "./_system_files.ts";
import { queryBucket } from "./_views.ts";

export type { FileFormat } from "./_sql.ts";

/** Options of {@linkcode FilesystemDestination}. */
export interface FilesystemOptions {
  /** The bucket: a local folder (created when missing) or a `file:///abs/folder` URL. */
  bucketUrl: string;
  /**
   * The format of the data files (dlt's `loader_file_format`).
   *
   * @default {"parquet"}
   */
  fileFormat?: FileFormat;
  /**
   * Where a data file goes inside the dataset folder (dlt's `layout`), with the placeholders
   * `{table_name}`, `{load_id}`, `{file_id}`, `{ext}`, `{schema_name}`, `{curr_date}`,
   * `{timestamp}`, `{load_package_timestamp}` and the date tokens `{YYYY}`, `{MM}`, `{DD}`,
   * `{HH}`, `{mm}`, `{Q}`, ... (UTC, from the load package's creation time).
   *
   * @default {"{table_name}/{load_id}.{file_id}.{ext}"}
   */
  layout?: string;
  /**
   * Write JSONL and CSV files plain instead of gzipped (dlt's
   * `data_writer.disable_compression`); Parquet has its own compression.
   *
   * @default {false}
   */
  disableCompression?: boolean;
  /**
   * How many state files per pipeline to keep (dlt's `max_state_files`); 0 keeps all.
   *
   * @default {100}
   */
  maxStateFiles?: number;
  /** Where the destination reports what it does. @default {silentLogger} */
  logger?: Logger;
  /** The clock for `inserted_at`/`created_at`. @default {defaultDeps} */
  deps?: Pick<Deps, "now">;
}

/**
 * Loads into files under a local folder, laid out as dlt's filesystem destination:
 * `<bucket>/<dataset>/<table>/<load_id>.<file_id>.<ext>` plus `_dlt_loads`,
 * `_dlt_pipeline_state` and `_dlt_version` as JSONL files.
 *
 * Every file is written under a hidden name first and renamed, so a reader never sees half a
 * file. A load writes its data files first, into the dataset's hidden staging folder (a run's
 * session converts them while it still extracts, see {@linkcode FilesystemDestination.begin}),
 * and renames them into place together; `replace` then removes the tables' older files; the
 * `_dlt_loads` file, written last, marks the load complete.
 *
 * @example Usage
 * ```ts ignore
 * const destination = new FilesystemDestination({ bucketUrl: "file:///data/lake" });
 * try {
 *   await destination.load(request);
 * } finally {
 *   await destination.close();
 * }
 * ```
 */
export class FilesystemDestination implements Destination {
  /** Always `filesystem`. */
  readonly type = "filesystem";
  /** `file:///abs/bucket`, as load info prints it. */
  readonly location: string;
  /**
   * A table name is a folder (or part of a file name) in the bucket, and a path component
   * has at most 255 bytes: 200 leaves room for `.{load_id}.{file_id}.{ext}` in layouts that
   * put them in the same component, and for the temporary name a file is written under.
   */
  readonly maxIdentifierLength = 200;
  /**
   * None: as in dlt, `merge` tables load as `append` (with a warning), so a reader sees every
   * version of a row, the newest load's last.
   */
  readonly mergeStrategies: readonly MergeStrategy[] = [];
  /** The absolute bucket folder. */
  readonly bucketPath: string;
  /** The format data files are written in. */
  readonly fileFormat: FileFormat;
  /** Whether JSONL and CSV files are gzipped (`<load_id>.<file_id>.jsonl.gz`). */
  readonly compress: boolean;
  readonly #layout: Layout;
  readonly #maxStateFiles: number;
  readonly #logger: Logger;
  readonly #now: () => Date;
  #db?: Promise<MemoryDuckDb>;

  /**
   * Makes the destination; nothing is written until the first load.
   *
   * @param options the bucket, file format and layout
   * @throws {ConfigError} for a bucket URL that is not local, an unknown file format or an
   *   invalid layout
   */
  constructor(options: FilesystemOptions) {
    const bucket: Bucket = parseBucketUrl(options.bucketUrl);
    const { fileFormat = "parquet", layout = DEFAULT_LAYOUT, maxStateFiles = 100 } = options;
    if (!FILE_FORMATS.includes(fileFormat)) {
      throw new ConfigError(
        `The filesystem destination cannot write "${fileFormat}" files; ` +
          `loader_file_format must be one of ${FILE_FORMATS.join(", ")}`,
      );
    }
    if (!Number.isInteger(maxStateFiles)) {
      throw new ConfigError(`maxStateFiles must be a whole number, got ${maxStateFiles}`);
    }
    this.bucketPath = bucket.path;
    this.location = bucket.url;
    this.fileFormat = fileFormat;
    this.compress = options.disableCompression !== true;
    this.#layout = new Layout(layout);
    this.#maxStateFiles = maxStateFiles;
    this.#logger = options.logger ?? silentLogger;
    this.#now = (options.deps ?? defaultDeps).now;
  }

  /** The layout template data files are placed by. */
  get layout(): string {
    return this.#layout.template;
  }

  /**
   * Writes the load's data files, removes the older files of `replace` tables, then writes
   * the schema, state and `_dlt_loads` files. A load id already in `_dlt_loads` is skipped,
   * so retrying a package whose load completed never duplicates rows. When a data file fails,
   * the files this load wrote are removed again and nothing changed.
   *
   * @throws {UserError} naming the table and job file that could not be written
   * @throws {InternalError} when a job's table is not in the schema
   */
  async load(request: LoadRequest): Promise<void> {
    await this.#complete(request, []);
  }

  /**
   * Converts the job files of append tables into data files while the run still extracts,
   * into the load's hidden staging folder; `commit()` converts the rest and renames them all
   * into place, so a reader never sees a data file of a load that did not complete. A run
   * killed mid-way leaves only hidden files, which {@linkcode FilesystemDestination.discardLoad}
   * removes.
   */
  begin(datasetName: string, loadId: string): Promise<LoadSession> {
    let datasetDir: string;
    try {
      datasetDir = this.#datasetDir(datasetName);
    } catch (err) {
      return Promise.reject(err);
    }
    const staged: StagedFile[] = [];
    const converted = new Set<string>();
    /** Whether the load id is complete already (then nothing is written); asked once. */
    let loaded: Promise<boolean> | undefined;
    let open = true;
    const session: LoadSession = {
      addJobs: async (jobs, schema) => {
        loaded ??= this.#isLoaded(datasetDir, schema.name, loadId);
        if (!open || await loaded) return;
        const { connection } = await this.#duckdb();
        for (const job of jobs) {
          if (!open) return;
          const file = await stageDataFile(connection, datasetDir, { schema, loadId }, job, {
            format: this.fileFormat,
            layout: this.#layout,
            compress: this.compress,
          });
          converted.add(job.path);
          if (file) {
            staged.push(file);
            this.#logger.debug(
              `Converted ${job.path} while extracting (visible as ${file.path} at commit)`,
            );
          }
        }
      },
      commit: async (request) => {
        open = false;
        const rest = request.jobs.filter((job) => !converted.has(job.path));
        await this.#complete({ ...request, jobs: rest }, staged, request.jobs);
      },
      rollback: async () => {
        open = false;
        await discardLoad(datasetDir, loadId);
      },
    };
    return Promise.resolve(session);
  }

  /** Imports DuckDB's module in the background; opens nothing. */
  warmUp(): void {
    loadDuckDb().catch(() => {}); // The load imports it again and reports the failure.
  }

  /** Always: converting job files early locks no one out, and shows nothing before commit. */
  beginsEarly(): Promise<boolean> {
    return Promise.resolve(true);
  }

  /**
   * Removes the data files load `loadId` converted and never published: a run killed while
   * it extracted leaves them in the dataset's hidden staging folder, and the next run of the
   * pipeline discards that load.
   */
  async discardLoad(datasetName: string, loadId: string): Promise<void> {
    await discardLoad(this.#datasetDir(datasetName), loadId);
  }

  /**
   * The load of `request.jobs`, after the `staged` files (of `allJobs`, default the request's)
   * were converted already: converts the rest, publishes them all, then the system files.
   */
  async #complete(
    request: LoadRequest,
    staged: StagedFile[],
    allJobs: readonly LoadJob[] = request.jobs,
  ): Promise<void> {
    const tables = mergeTables({ ...request, jobs: [...allJobs] });
    for (const table of tables) {
      // dlt's filesystem destination falls back the same way, with the same warning.
      this.#logger.warn(
        `Destination filesystem does not support any merge strategies and \`merge\` write ` +
          `disposition for table \`${table}\` cannot be met: falling back to \`append\` on ` +
          `\`${table}\``,
      );
    }
    const { schema, loadId } = request;
    const datasetDir = this.#datasetDir(request.datasetName);
    const started = performance.now();
    if (await this.#isLoaded(datasetDir, schema.name, loadId)) {
      await discardLoad(datasetDir, loadId);
      this.#logger.info(
        `Load package ${loadId} is already in ${request.datasetName}/_dlt_loads; ` +
          "not loading it again",
      );
      return;
    }
    const options = { format: this.fileFormat, layout: this.#layout, compress: this.compress };
    const all = [...staged];
    try {
      const { connection } = await this.#duckdb();
      for (const job of request.jobs) {
        const file = await stageDataFile(connection, datasetDir, request, job, options);
        if (file) all.push(file);
      }
    } catch (err) {
      await discardLoad(datasetDir, loadId);
      throw err;
    }
    const written = await publishStaged(datasetDir, loadId, all);
    const layout = this.#layout;
    try {
      await initDataset(datasetDir);
      await removeOtherFiles(datasetDir, request, { layout, keep: written, logger: this.#logger });
      await this.#writeSystemFiles(datasetDir, request);
    } catch (err) {
      // The new data files are complete and older ones may be gone already: they stay, and
      // without its `_dlt_loads` file the load counts as not done.
      throw filesystemError(
        err,
        `Load package ${loadId} wrote its data files to ${datasetDir} but could not complete`,
      );
    }
    this.#logger.debug(
      `Wrote ${written.size} ${this.fileFormat} file(s) of package ${loadId} to ${datasetDir} ` +
        `in ${((performance.now() - started) / 1000).toFixed(2)} s`,
    );
  }

  async #isLoaded(datasetDir: string, schemaName: string, loadId: string): Promise<boolean> {
    try {
      return await isLoaded(datasetDir, schemaName, loadId);
    } catch (err) {
      throw filesystemError(err, `Cannot read dataset folder ${datasetDir}`);
    }
  }

  async #writeSystemFiles(datasetDir: string, request: LoadRequest): Promise<void> {
    const { schema, loadId, state } = request;
    const now = this.#now();
    await writeSchemaFile(datasetDir, schema, { id: loadId, now });
    const stateFile = await writeStateFile(datasetDir, state, {
      loadId,
      schemaHash: schema.version_hash,
      now,
    });
    try {
      await writeLoadFile(datasetDir, schema, { loadId, now });
    } catch (err) {
      // A state whose load is not complete must not be restored.
      if (stateFile) await Deno.remove(stateFile).catch(() => {});
      throw err;
    }
    await pruneStateFiles(datasetDir, state.pipelineName, this.#maxStateFiles);
  }

  /**
   * The newest state of `pipelineName` in `datasetName` and the newest version of each of its
   * schemas, read from the system files.
   *
   * @returns `undefined` when the dataset or the pipeline's state files are missing
   * @throws {DataError} when a stored state or schema cannot be decoded
   */
  async restore(datasetName: string, pipelineName: string): Promise<StoredPipeline | undefined> {
    try {
      return await readStoredPipeline(this.#datasetDir(datasetName), pipelineName);
    } catch (err) {
      throw filesystemError(
        err,
        `Cannot restore pipeline ${pipelineName} from dataset ${datasetName} at ${this.location}`,
      );
    }
  }

  /**
   * Removes the files of `request.tables` and stores `request.schema` and `request.state` as
   * new versions (no `_dlt_loads` file: nothing was loaded).
   *
   * @throws {UserError} when the dataset folder does not exist or a file cannot be removed
   */
  async dropTables(request: DropRequest): Promise<void> {
    const { datasetName, tables, schema, state } = request;
    const datasetDir = this.#datasetDir(datasetName);
    if (!(await exists(datasetDir))) {
      throw new UserError(
        `Cannot drop tables from dataset ${datasetName}: there is no folder ${datasetDir}`,
      );
    }
    const now = this.#now();
    const loadId = newLoadId(now);
    try {
      for (const table of tables) {
        const files = await listTableFiles(
          datasetDir,
          this.#layout.tablePrefix(schema.name, table),
        );
        this.#logger.debug(`Dropping table ${datasetName}.${table}: ${files.length} file(s)`);
        for (const file of files) await Deno.remove(file);
      }
      await writeSchemaFile(datasetDir, schema, { id: loadId, now });
      await writeStateFile(datasetDir, state, { loadId, schemaHash: schema.version_hash, now });
    } catch (err) {
      throw filesystemError(
        err,
        `Cannot drop tables ${tables.join(", ")} from dataset ${datasetName}`,
      );
    }
  }

  /**
   * Runs one read-only statement (SELECT, DESCRIBE, SHOW, EXPLAIN, ...) over the bucket's
   * files: every dataset folder is a schema with a view per table (`<dataset>.<table>`), and
   * DuckDB may read files inside the bucket only.
   *
   * @throws {UserError} when the bucket does not exist, the statement writes, or DuckDB
   *   rejects it
   */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    if (!(await exists(this.bucketPath))) {
      throw new UserError(
        `There is no bucket folder at ${this.bucketPath}: nothing has been loaded there yet`,
      );
    }
    return await queryBucket(this.bucketPath, sql, {
      layout: this.#layout,
      where: this.location,
    });
  }

  /** Releases DuckDB. */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    (await db?.catch(() => undefined))?.close();
  }

  #datasetDir(datasetName: string): string {
    if (datasetName === "" || /[/\\]/.test(datasetName) || datasetName.startsWith(".")) {
      throw new ConfigError(
        `The dataset name "${datasetName}" cannot be a folder name in the bucket ` +
          `${this.location}`,
      );
    }
    return join(this.bucketPath, datasetName);
  }

  async #duckdb(): Promise<MemoryDuckDb> {
    // One thread converts a job file at ~1M rows/s and leaves the other cores to extraction.
    this.#db ??= openMemoryDuckDb({ threads: 1 });
    try {
      return await this.#db;
    } catch (err) {
      this.#db = undefined;
      throw err;
    }
  }
}

/**
 * A filesystem destination for a bucket, as dlt's `dlt.destinations.filesystem(bucket_url)`.
 *
 * @example Usage
 * ```ts
 * import { filesystem } from "./filesystem_destination.ts";
 * const dir = await Deno.makeTempDir();
 * const destination = filesystem(`file://${dir}`, { fileFormat: "jsonl" });
 * if (destination.location !== `file://${dir}`) throw new Error(destination.location);
 * await destination.close();
 * await Deno.remove(dir);
 * ```
 */
export function filesystem(
  bucketUrl: string,
  options: Omit<FilesystemOptions, "bucketUrl"> = {},
): FilesystemDestination {
  return new FilesystemDestination({ ...options, bucketUrl });
}

/**
 * The root tables with write disposition `merge` that `request` loads into: merge is not
 * supported on files (dlt supports it only for delta and iceberg tables), so they append.
 *
 * @throws {InternalError} when a job's table is not in the schema (a bug of the caller)
 */
function mergeTables(request: LoadRequest): string[] {
  const { schema } = request;
  const merged = new Set<string>();
  for (const job of request.jobs) {
    if (!schema.tables[job.table]) {
      throw new InternalError(
        `Job ${job.path} is for table "${job.table}", which is not in schema "${schema.name}"`,
      );
    }
    const root = rootTableOf(schema, job.table);
    if (root.write_disposition === "merge") merged.add(root.name);
  }
  return [...merged];
}
