/**
 * The load step of one package, shared by a fresh run and by the resumption of a package an
 * interrupted run left behind: everything the commit needs is stored in the package first, so
 * a package in state `normalized` can always be loaded again, and loading it twice is safe
 * (the destination skips a load id it already has).
 *
 * @module
 */

import { basename, join } from "node:path";
import { InternalError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { LOAD_PACKAGE_STATE_FILE, type LoadPackage } from "../package/mod.ts";
import type { Schema } from "../schema/types.ts";
import type { Destination, LoadJob, LoadRequest, LoadSession } from "./destination.ts";
import { destinationState, type PipelineState } from "./state.ts";
import type { WorkingDir } from "./working_dir.ts";
import { loadedDiskFull } from "./_disk_full.ts";

/** What a package keeps so that its load can be committed by a later run. */
export interface PackageSnapshot {
  dataset_name: string;
  /** The pipeline state as it must be once this package is loaded (cursors included). */
  pipeline_state: PipelineState;
  /** Tables emptied by this load (write disposition `replace`). */
  replace_tables: string[];
  /** Rows this load brings per table (kept after loading: the dashboard charts them). */
  row_counts?: Record<string, number>;
}

/** Moves a finished job file to `started_jobs`: it is being loaded from now on. */
export async function startJob(pkg: LoadPackage, job: LoadJob): Promise<LoadJob> {
  const path = join(pkg.dir, "started_jobs", basename(job.path));
  if (path !== job.path) await Deno.rename(job.path, path);
  return { ...job, path };
}

/** Stores the schema and the snapshot, then marks the package `normalized`. */
export async function sealPackage(
  pkg: LoadPackage,
  schema: Schema,
  snapshot: PackageSnapshot,
): Promise<void> {
  await pkg.saveSchema(schema);
  await pkg.writeJson(LOAD_PACKAGE_STATE_FILE, snapshot);
  // Extraction and normalization are one streaming pass, so both states are reached at once.
  await pkg.setState("extracted");
  await pkg.setState("normalized");
}

/** Options of {@linkcode commitPackage}. */
export interface CommitOptions {
  destination: Destination;
  workingDir: WorkingDir;
  /** An open session that already holds some of the jobs (streamed while extracting). */
  session?: LoadSession;
  keepCompletedJobs: boolean;
  logger: Logger;
}

/**
 * Loads a `normalized` package in one destination transaction, then advances the local
 * schema and state, then marks the package `loaded`. A kill between any two steps leaves the
 * package `normalized`, and loading it again is a no-op in the destination.
 *
 * @returns seconds the destination commit took
 */
export async function commitPackage(pkg: LoadPackage, options: CommitOptions): Promise<number> {
  const seconds = await loadIntoDestination(pkg, options);
  try {
    await finishPackage(pkg, options);
  } catch (err) {
    throw loadedDiskFull(err, {
      pipelineName: options.workingDir.pipelineName,
      folder: options.workingDir.root,
      loadId: pkg.loadId,
      location: options.destination.location,
    });
  }
  return seconds;
}

/**
 * The destination part: one transaction with every job of the package and its state.
 * @returns seconds it took
 */
export async function loadIntoDestination(
  pkg: LoadPackage,
  options: Pick<CommitOptions, "destination" | "session">,
): Promise<number> {
  const { schema, snapshot } = await readPackage(pkg);
  const jobs: LoadJob[] = [];
  for (const job of await pkg.jobs("started_jobs")) jobs.push({ table: job.table, path: job.path });
  for (const job of await pkg.jobs("new_jobs")) {
    jobs.push(await startJob(pkg, { table: job.table, path: job.path }));
  }
  const state = snapshot.pipeline_state;
  const request: LoadRequest = {
    datasetName: snapshot.dataset_name,
    loadId: pkg.loadId,
    schema,
    jobs,
    replaceTables: snapshot.replace_tables,
    state: {
      pipelineName: state.pipeline_name,
      state: destinationState(state),
      version: state._state_version,
      versionHash: state._version_hash,
    },
  };
  const started = performance.now();
  if (options.session) await options.session.commit(request);
  else await options.destination.load(request);
  return (performance.now() - started) / 1000;
}

/** The local part, after the destination committed: schema, state, job files, `loaded`. */
export async function finishPackage(
  pkg: LoadPackage,
  options: Pick<CommitOptions, "workingDir" | "keepCompletedJobs">,
): Promise<void> {
  const { schema, snapshot } = await readPackage(pkg);
  await options.workingDir.writeSchema(schema);
  await options.workingDir.writeState(snapshot.pipeline_state);
  for (const job of await pkg.jobs("started_jobs")) {
    if (options.keepCompletedJobs) await pkg.moveJob(job, "completed_jobs");
    else await Deno.remove(job.path);
  }
  await pkg.setState("loaded");
}

async function readPackage(
  pkg: LoadPackage,
): Promise<{ schema: Schema; snapshot: PackageSnapshot }> {
  const schema = await pkg.loadSchema();
  const snapshot = await pkg.readJson<PackageSnapshot>(LOAD_PACKAGE_STATE_FILE);
  if (!snapshot) {
    throw new InternalError(`Load package ${pkg.loadId} has no ${LOAD_PACKAGE_STATE_FILE}`);
  }
  return { schema, snapshot };
}
