/**
 * Load packages on disk, laid out as dlt lays them out: one folder per load id holding the job
 * files of one load, the schema they were normalized with and the package state.
 *
 * ```
 * <loadDir>/<load_id>/
 *   package_state             new | extracted | normalized | loaded | aborted
 *   new_jobs/ started_jobs/ completed_jobs/ failed_jobs/
 *                             <table>.<file_id>.<retry>.jsonl job files (a table name over
 *                             100 bytes shortened as dlt shortens identifiers)
 *   schema.json               the schema after normalization
 *   schema_updates.json       tables/columns the package adds
 *   load_package_state.json   anything else to commit with the load (pipeline state snapshot)
 * ```
 *
 * @module
 */

import { basename, join, resolve } from "node:path";
import type { Schema } from "../schema/types.ts";
import { DataError, InternalError, UserError } from "../errors.ts";
import { parseJson, stringifyJson } from "../json/mod.ts";
import { writeTextAtomic } from "./_atomic_write.ts";
import { parseJobFileName, shortenedJobTables } from "./_job_file_name.ts";
import { JobWriter, type JobWriterOptions } from "./job_writer.ts";
import { compareLoadIds } from "./load_id.ts";

/** Package states, in the order a package moves through them (dlt's names). */
export type PackageState = "new" | "extracted" | "normalized" | "loaded" | "aborted";

/** The folders a job file moves through: new -> started -> completed | failed. */
export type JobFolder = "new_jobs" | "started_jobs" | "completed_jobs" | "failed_jobs";

/** Every job folder, in the order jobs move through them. */
export const JOB_FOLDERS: readonly JobFolder[] = [
  "new_jobs",
  "started_jobs",
  "completed_jobs",
  "failed_jobs",
];

/** One job file of a package. */
export interface PackageJob {
  table: string;
  fileId: string;
  retry: number;
  /** File name within its folder: `<table>.<file_id>.<retry>.jsonl`. */
  fileName: string;
  /** Path of the file. */
  path: string;
  folder: JobFolder;
}

/** A package as {@linkcode listPackages} reports it. */
export interface PackageSummary {
  loadId: string;
  dir: string;
  state: PackageState;
}

/** File of the schema the package was normalized with. */
export const SCHEMA_FILE = "schema.json";
/** File of the schema changes (new tables and columns) the package brings. */
export const SCHEMA_UPDATES_FILE = "schema_updates.json";
/** File for anything else committed with the load, e.g. the pipeline state snapshot. */
export const LOAD_PACKAGE_STATE_FILE = "load_package_state.json";

const STATE_FILE = "package_state";
const FAILED_MESSAGE_SUFFIX = ".exception";
const STATE_ORDER: Record<PackageState, number> = {
  new: 0,
  extracted: 1,
  normalized: 2,
  loaded: 3,
  aborted: 4,
};

/** One load package folder. Create with {@linkcode LoadPackage.create} or open with `open`. */
export class LoadPackage {
  /** The package's load id (its folder name). */
  readonly loadId: string;
  /** The package folder, absolute (job paths handed to destinations must be). */
  readonly dir: string;
  /** Shortened job file table parts -> tables, from `schema.json` once it exists. */
  #shortened?: Map<string, string>;

  private constructor(dir: string) {
    this.dir = resolve(dir);
    this.loadId = basename(this.dir);
  }

  /**
   * Creates the package folder `<loadDir>/<loadId>/` with its job folders, in state `new`.
   *
   * @throws {InternalError} when a package with this load id already exists
   */
  static async create(loadDir: string, loadId: string): Promise<LoadPackage> {
    await Deno.mkdir(loadDir, { recursive: true });
    const pkg = new LoadPackage(join(loadDir, loadId));
    try {
      await Deno.mkdir(pkg.dir);
    } catch (err) {
      if (err instanceof Deno.errors.AlreadyExists) {
        throw new InternalError(`Load package ${loadId} already exists in ${loadDir}`);
      }
      throw err;
    }
    await Promise.all(JOB_FOLDERS.map((f) => Deno.mkdir(join(pkg.dir, f))));
    await pkg.setState("new");
    return pkg;
  }

  /**
   * Opens an existing package folder.
   *
   * @throws {UserError} when `dir` is not a load package
   */
  static async open(dir: string): Promise<LoadPackage> {
    const pkg = new LoadPackage(dir);
    const stat = await Deno.stat(join(pkg.dir, "new_jobs")).catch(() => undefined);
    if (!stat?.isDirectory) {
      throw new UserError(`${dir} is not a load package: it has no new_jobs folder`);
    }
    return pkg;
  }

  /**
   * The package state. A package without a state file counts as `new` (it died while being
   * created).
   *
   * @throws {DataError} when the state file holds something else
   */
  async state(): Promise<PackageState> {
    let text: string;
    try {
      text = (await Deno.readTextFile(join(this.dir, STATE_FILE))).trim();
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return "new";
      throw err;
    }
    if (!(text in STATE_ORDER)) {
      throw new DataError(
        `Load package ${this.loadId} has an unknown state "${text}" in ${this.dir}/${STATE_FILE}`,
      );
    }
    return text as PackageState;
  }

  /**
   * Moves the package to `state`, atomically. States only move forward
   * (new -> extracted -> normalized -> loaded, steps may be skipped); `aborted` is reachable
   * from any state but `loaded`; setting the current state again is a no-op.
   *
   * @throws {InternalError} on a backward move or a move out of `loaded`/`aborted`
   */
  async setState(state: PackageState): Promise<void> {
    const current = await this.state();
    const final = current === "loaded" || current === "aborted";
    if (state !== current && (final || STATE_ORDER[state] < STATE_ORDER[current])) {
      throw new InternalError(
        `Load package ${this.loadId} cannot move from state ${current} to ${state}`,
      );
    }
    await writeTextAtomic(join(this.dir, STATE_FILE), state);
  }

  /**
   * Lists job files, sorted by table and file name. A missing job folder has no jobs.
   *
   * @param folder one folder, or all of them when omitted
   * @throws {DataError} when a file name is not a job file name
   */
  async jobs(folder?: JobFolder): Promise<PackageJob[]> {
    const jobs: PackageJob[] = [];
    const shortened = await this.#shortenedTables();
    for (const f of folder ? [folder] : JOB_FOLDERS) {
      let entries: Deno.DirEntry[];
      try {
        entries = await Array.fromAsync(Deno.readDir(join(this.dir, f)));
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) continue;
        throw err;
      }
      for (const entry of entries) {
        if (!entry.isFile || entry.name.endsWith(FAILED_MESSAGE_SUFFIX)) continue;
        const { table: part, fileId, retry } = parseJobFileName(entry.name);
        const table = shortened?.get(part) ?? part;
        const path = join(this.dir, f, entry.name);
        jobs.push({ table, fileId, retry, fileName: entry.name, path, folder: f });
      }
    }
    return jobs.sort((a, b) =>
      a.table < b.table ? -1 : a.table > b.table ? 1 : a.fileName < b.fileName ? -1 : 1
    );
  }

  /**
   * Moves a job file to another folder (a rename, so it is atomic).
   *
   * @param options `failedMessage`: stored beside a job moved to `failed_jobs`
   * @returns the job at its new place
   */
  async moveJob(
    job: PackageJob,
    toFolder: JobFolder,
    options: { failedMessage?: string } = {},
  ): Promise<PackageJob> {
    const path = join(this.dir, toFolder, job.fileName);
    if (job.folder !== toFolder) await Deno.rename(job.path, path);
    if (options.failedMessage !== undefined && toFolder === "failed_jobs") {
      await Deno.writeTextFile(`${path}${FAILED_MESSAGE_SUFFIX}`, options.failedMessage);
    }
    return { ...job, path, folder: toFolder };
  }

  /** The message stored with a failed job, if any. */
  async failedMessage(job: PackageJob): Promise<string | undefined> {
    const path = join(this.dir, "failed_jobs", job.fileName + FAILED_MESSAGE_SUFFIX);
    return await Deno.readTextFile(path).catch(() => undefined);
  }

  /** Stores the schema the package's jobs were normalized with (`schema.json`). */
  async saveSchema(schema: Schema): Promise<void> {
    await this.writeJson(SCHEMA_FILE, schema);
    this.#shortened = shortenedJobTables(Object.keys(schema.tables));
  }

  /**
   * Reads `schema.json`.
   *
   * @throws {DataError} when the package has no schema
   */
  async loadSchema(): Promise<Schema> {
    const schema = await this.readJson<Schema>(SCHEMA_FILE);
    if (schema === undefined) {
      throw new DataError(`Load package ${this.loadId} has no ${SCHEMA_FILE} in ${this.dir}`);
    }
    return schema;
  }

  /** Writes `value` as JSON to `<dir>/<name>`, atomically. */
  async writeJson(name: string, value: unknown): Promise<void> {
    await writeTextAtomic(join(this.dir, name), stringifyJson(value));
  }

  /**
   * Reads `<dir>/<name>` as JSON.
   *
   * @returns the value, or `undefined` when the file does not exist
   * @throws {DataError} when the file is not valid JSON
   */
  async readJson<T = unknown>(name: string): Promise<T | undefined> {
    let text: string;
    try {
      text = await Deno.readTextFile(join(this.dir, name));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return undefined;
      throw err;
    }
    try {
      return parseJson(text) as T;
    } catch (err) {
      throw new DataError(`${this.dir}/${name} is not valid JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /**
   * The tables whose job file names hold a shortened name (long names), by that name; read
   * from `schema.json` once. Without a schema (a package still being written) the names in
   * the files are all there is.
   */
  async #shortenedTables(): Promise<Map<string, string> | undefined> {
    if (this.#shortened === undefined) {
      // A broken schema fails where it is needed (loading), not in a listing of the jobs.
      const schema = await this.readJson<Schema>(SCHEMA_FILE).catch(() => undefined);
      if (schema?.tables) this.#shortened = shortenedJobTables(Object.keys(schema.tables));
    }
    return this.#shortened;
  }

  /** A writer for new job files in `new_jobs/`. */
  jobWriter(options?: JobWriterOptions): JobWriter {
    return new JobWriter(join(this.dir, "new_jobs"), options);
  }

  /** Deletes the package folder with everything in it. */
  async delete(): Promise<void> {
    await Deno.remove(this.dir, { recursive: true }).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  }
}

/**
 * Lists the packages in `loadDir`, oldest load id first. A missing `loadDir` has none.
 * Folders that are not packages (no `new_jobs/`) are skipped.
 */
export async function listPackages(loadDir: string): Promise<PackageSummary[]> {
  const found: PackageSummary[] = [];
  try {
    for await (const entry of Deno.readDir(loadDir)) {
      if (!entry.isDirectory) continue;
      const pkg = await LoadPackage.open(join(loadDir, entry.name)).catch(() => undefined);
      if (pkg) found.push({ loadId: pkg.loadId, dir: pkg.dir, state: await pkg.state() });
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return found.sort((a, b) => compareLoadIds(a.loadId, b.loadId));
}
