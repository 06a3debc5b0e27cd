/**
 * A pipeline: extract -> normalize -> load for one source into one destination dataset, with
 * its working folder (state, schema, load packages, trace).
 *
 * @module
 */

import { defaultDeps, type Deps } from "../deps.ts";
import { LoaderError } from "../errors.ts";
import { type Logger, silentLogger } from "../log.ts";
import { Normalizer } from "../normalize/mod.ts";
import { LoadPackage, newLoadId } from "../package/mod.ts";
import { bumpVersion, newSchema } from "../schema/mod.ts";
import type { Schema } from "../schema/types.ts";
import type { ResourceInfo, Source } from "../source/types.ts";
import type { Destination, LoadRequest } from "./destination.ts";
import { StreamLoader } from "./_stream_loader.ts";
import type { LoadInfo } from "./load_info.ts";
import { peakRssMb } from "./_memory.ts";
import {
  bumpStateVersion,
  destinationState,
  newPipelineState,
  type PipelineState,
} from "./state.ts";
import { defaultPipelinesDir, WorkingDir } from "./working_dir.ts";

/** Buffered job-file bytes above which the writer flushes to disk between pages. */
const FLUSH_BYTES = 4 * 1024 * 1024;

/** Options of {@linkcode pipeline}. */
export interface PipelineOptions {
  pipelineName: string;
  /** @default `<pipelineName>_dataset` */
  datasetName?: string;
  destination: Destination;
  /** @default `DLTX_PIPELINES_DIR` or `~/.dltx/pipelines` */
  pipelinesDir?: string;
  logger?: Logger;
  deps?: Deps;
  /** Masks secrets in everything written to the trace. */
  masker?: { mask(text: string): string };
  /**
   * Keep the job files of loaded packages (dlt's `load.delete_completed_jobs` = false).
   * They are the data once more, so by default only the package's state and schema stay.
   * @default false
   */
  keepCompletedJobs?: boolean;
}

/** Options of one {@linkcode Pipeline.run}. */
export interface RunOptions {
  /** Only these resources (and the parents they need). */
  resources?: string[];
  signal?: AbortSignal;
}

/** Counts of one extract-and-normalize pass. */
interface NormalizeCounts {
  rowCounts: Record<string, number>;
  recordCounts: Record<string, number>;
}

/** A configured pipeline; `run()` loads a source. */
export class Pipeline {
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly destination: Destination;
  readonly workingDir: WorkingDir;
  readonly #logger: Logger;
  readonly #deps: Deps;
  readonly #mask: (text: string) => string;
  readonly #keepCompletedJobs: boolean;

  constructor(options: PipelineOptions) {
    this.pipelineName = options.pipelineName;
    this.datasetName = options.datasetName ?? `${options.pipelineName}_dataset`;
    this.destination = options.destination;
    this.#logger = options.logger ?? silentLogger;
    this.#deps = options.deps ?? defaultDeps;
    this.#mask = options.masker ? (t) => options.masker!.mask(t) : (t) => t;
    this.#keepCompletedJobs = options.keepCompletedJobs ?? false;
    const dir = options.pipelinesDir ?? defaultPipelinesDir(Deno.env.toObject());
    this.workingDir = new WorkingDir(dir, this.pipelineName);
  }

  /**
   * Extracts the source, normalizes its records into a load package and loads the package in
   * one destination transaction. The local state and schema advance only after the commit.
   *
   * @throws {UserError} on bad config, HTTP errors, bad data or a failed load; nothing is
   * committed then.
   */
  async run(source: Source, options: RunOptions = {}): Promise<LoadInfo> {
    const wd = this.workingDir;
    await wd.ensure();
    const state = (await wd.readState()) ?? newPipelineState(this.pipelineName, this.datasetName);
    const schema = (await wd.readSchema(source.name)) ?? newSchema(source.name);
    const storedHash = schema.version_hash;
    const loadId = newLoadId(this.#deps.now());
    const pkg = await LoadPackage.create(wd.loadDir, loadId);
    const trace: Record<string, unknown> = {
      pipeline_name: this.pipelineName,
      started_at: this.#deps.now().toISOString(),
      load_id: loadId,
      steps: [] as unknown[],
    };
    const steps = trace.steps as unknown[];
    let loaded = false;
    const stream = new StreamLoader(this.destination, {
      datasetName: this.datasetName,
      loadId,
      schema,
    });
    try {
      const extractStart = performance.now();
      const counts = await this.#extractAndNormalize(source, schema, pkg, options, {
        loadId,
        stream,
      });
      steps.push({
        step: "extract+normalize",
        seconds: (performance.now() - extractStart) / 1000,
        peak_rss_mb: peakRssMb(),
        ...counts,
      });
      if (bumpVersion(schema, storedHash)) {
        this.#logger.debug(`Schema ${schema.name} is now at version ${schema.version}`);
      }
      await pkg.saveSchema(schema);
      await pkg.setState("normalized");

      this.#updateState(state, source, schema);
      const loadStart = performance.now();
      const jobs = await pkg.jobs("new_jobs");
      const session = await stream.drain();
      const request: LoadRequest = {
        datasetName: this.datasetName,
        loadId,
        schema,
        jobs: jobs.map((job) => ({ table: job.table, path: job.path })),
        replaceTables: replaceTables(schema, source.resources, options.resources),
        state: {
          pipelineName: this.pipelineName,
          state: destinationState(state),
          version: state._state_version,
          versionHash: state._version_hash,
        },
      };
      if (session) await session.commit(request);
      else await this.destination.load(request);
      const loadSeconds = (performance.now() - loadStart) / 1000;
      loaded = true;
      await pkg.setState("loaded");
      for (const job of jobs) {
        if (this.#keepCompletedJobs) await pkg.moveJob(job, "completed_jobs");
        else await Deno.remove(job.path);
      }
      // The destination committed: only now may the local schema and state advance.
      await wd.writeSchema(schema);
      await wd.writeState(state);
      steps.push({ step: "load", seconds: loadSeconds, peak_rss_mb: peakRssMb() });
      const info: LoadInfo = {
        pipelineName: this.pipelineName,
        destinationType: this.destination.type,
        destinationLocation: this.destination.location,
        datasetName: this.datasetName,
        loadSeconds,
        packages: [{ loadId, state: "loaded", failedJobs: [] }],
        rowCounts: counts.rowCounts,
        recordCounts: counts.recordCounts,
      };
      trace.finished_at = this.#deps.now().toISOString();
      trace.status = "loaded";
      await wd.writeTrace(trace);
      return info;
    } catch (err) {
      if (!loaded) {
        await stream.rollback().catch(() => {});
        await pkg.delete().catch(() => {});
      }
      trace.finished_at = this.#deps.now().toISOString();
      trace.status = "failed";
      trace.error = this.#mask(err instanceof Error ? err.message : String(err));
      await wd.writeTrace(trace).catch(() => {});
      throw err;
    }
  }

  async #extractAndNormalize(
    source: Source,
    schema: Schema,
    pkg: LoadPackage,
    options: RunOptions,
    { loadId, stream }: { loadId: string; stream: StreamLoader },
  ): Promise<NormalizeCounts> {
    const byName = new Map(source.resources.map((r) => [r.name, r]));
    const normalizer = new Normalizer(schema, { loadId });
    const writer = pkg.jobWriter({
      onFileDone: (file) => stream.add({ table: file.table, path: file.path }),
    });
    const sink = (table: string, row: Record<string, unknown>) => writer.write(table, row);
    const recordCounts: Record<string, number> = {};
    try {
      for await (const page of source.extract(options)) {
        const resource = byName.get(page.resource);
        if (!resource) throw new LoaderError(`Unknown resource "${page.resource}" in page`);
        for (const record of page.records) normalizer.normalize(record, resource, sink);
        recordCounts[page.resource] = (recordCounts[page.resource] ?? 0) + page.records.length;
        if (writer.bufferedBytes >= FLUSH_BYTES) await writer.flush();
        stream.check();
      }
    } catch (err) {
      stream.stop();
      throw err;
    } finally {
      await writer.close();
    }
    return { rowCounts: writer.rowCounts(), recordCounts };
  }

  #updateState(state: PipelineState, source: Source, schema: Schema): void {
    state.dataset_name = this.datasetName;
    state.default_schema_name ??= schema.name;
    if (!state.schema_names.includes(schema.name)) state.schema_names.push(schema.name);
    state.destination_type = this.destination.type;
    state.destination_name = this.destination.type;
    state.sources[source.name] ??= {};
    state._local.first_run = false;
    state._local._last_extracted_at = this.#deps.now().toISOString();
    bumpStateVersion(state);
  }
}

/** Root and child tables of the selected `replace` resources: emptied in the load transaction. */
function replaceTables(
  schema: Schema,
  resources: ResourceInfo[],
  only: string[] | undefined,
): string[] {
  const replaced = new Set(
    resources
      .filter((r) => r.writeDisposition === "replace" && r.selected)
      .filter((r) => !only || only.includes(r.name))
      .map((r) => r.name),
  );
  const roots = Object.values(schema.tables).filter((t) =>
    !t.parent && t.resource && replaced.has(t.resource)
  ).map((t) => t.name);
  const tables: string[] = [];
  const addWithChildren = (name: string) => {
    tables.push(name);
    for (const t of Object.values(schema.tables)) if (t.parent === name) addWithChildren(t.name);
  };
  roots.forEach(addWithChildren);
  return tables;
}

/**
 * Creates a pipeline, as dlt's `dlt.pipeline()`.
 *
 * @example Usage
 * ```ts ignore
 * import { pipeline } from "./pipeline.ts";
 * const p = pipeline({ pipelineName: "demo_pipeline", destination });
 * const info = await p.run(source);
 * ```
 */
export function pipeline(options: PipelineOptions): Pipeline {
  return new Pipeline(options);
}
