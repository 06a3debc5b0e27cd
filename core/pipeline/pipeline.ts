/**
 * A pipeline: extract -> normalize -> load for one source into one destination dataset, with
 * its working folder (state, schema, load packages, trace).
 *
 * @module
 */

import { type ConfigResolver, loadConfig, type Masker, SecretMasker } from "../config/mod.ts";
import { defaultDeps, type Deps } from "../deps.ts";
import { type EventSink, noEvents } from "../events.ts";
import { type Logger, silentLogger } from "../log.ts";
import { LoadPackage, newLoadId } from "../package/mod.ts";
import { bumpVersion, newSchema } from "../schema/mod.ts";
import type { Schema } from "../schema/types.ts";
import type { ResourceInfo, Source } from "../source/types.ts";
import type { Destination } from "./destination.ts";
import { extractAndNormalize } from "./_extract.ts";
import type { LoadInfo } from "./load_info.ts";
import { Dataset } from "./dataset.ts";
import { TraceRecorder } from "./_trace.ts";
import { finishPackage, loadIntoDestination, sealPackage, startJob } from "./_package_load.ts";
import { resumePending } from "./_resume.ts";
import { StreamLoader } from "./_stream_loader.ts";
import {
  bumpStateVersion,
  dltDestinationType,
  newPipelineState,
  type PipelineState,
} from "./state.ts";
import { defaultPipelinesDir, WorkingDir } from "./working_dir.ts";
import { acquirePipelineLock, describeHolder, type PipelineLock } from "./pipeline_lock.ts";
import { loadedDiskFull, notLoadedDiskFull } from "./_disk_full.ts";
import { isDiskFull } from "../errors.ts";

/** Options of {@linkcode pipeline}. */
export interface PipelineOptions {
  /** The pipeline's name: its working folder, and the default of the dataset's name. */
  pipelineName: string;
  /** The dataset loaded into. @default `<pipelineName>_dataset` */
  datasetName?: string;
  /** Where the data goes: `duckdb(...)`, `filesystem(...)`. */
  destination: Destination;
  /**
   * The folder of the pipelines' working folders.
   * @default `DLTX_PIPELINES_DIR` of `env`, else `~/.dltx/pipelines`
   */
  pipelinesDir?: string;
  /**
   * The environment: config env vars (`SOURCES__<SOURCE>__<FIELD>`), `DLTX_PIPELINES_DIR` and
   * the home folder whose `.dlt/` holds the user's TOML files. A `Pipeline` never reads the
   * process's itself; the package's `pipeline()` (in `mod.ts`) passes `Deno.env.toObject()`.
   * @default {{}}
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The project folder whose `.dlt/secrets.toml` and `.dlt/config.toml` are read; without one
   * only the home folder's are. The package's `pipeline()` (in `mod.ts`) passes `Deno.cwd()`.
   */
  projectDir?: string;
  /**
   * The config providers sources are given (dlt's order: env vars, `secrets.toml`,
   * `config.toml`, project before `~/.dlt/`).
   * @default loadConfig({ env, projectDir })
   */
  config?: ConfigResolver;
  /** Where the pipeline reports what it does. @default silentLogger */
  logger?: Logger;
  /** Network, clock and sleep. @default defaultDeps */
  deps?: Deps;
  /**
   * Learns the secrets of the sources it runs and masks them in the trace and in the errors
   * `run()` throws.
   * @default new SecretMasker()
   */
  masker?: Masker;
  /**
   * Keep the job files of loaded packages in the working folder (dlt's
   * `load.delete_completed_jobs = false`, its default): `dltx pipeline <name> load-package`
   * lists them. They are the data once more; set `LOAD__DELETE_COMPLETED_JOBS=true` (or this
   * to false) to delete them after each load.
   * @default the negation of `load.delete_completed_jobs` in config, else true
   */
  keepCompletedJobs?: boolean;
  /**
   * Receives `stage` start/end (extract, load), `schema_change` and `load_done` events, and the
   * events of the sources it binds (`page`, `request`).
   * @default noEvents
   */
  onEvent?: EventSink;
  /**
   * When another process holds the pipeline lock (it is running this pipeline), wait for it
   * instead of failing at once.
   * @default false
   */
  waitForLock?: boolean;
}

/** Options of {@linkcode Pipeline.prepare}. */
export interface PrepareOptions {
  /** Stops waiting for the pipeline lock. */
  signal?: AbortSignal;
}

/** Options of one {@linkcode Pipeline.run}. */
export interface RunOptions {
  /** Only these resources (and the parents they need). */
  resources?: string[];
  /** Stops the run; nothing is committed then. */
  signal?: AbortSignal;
  /**
   * Keep the pipeline lock when the run ends; the caller releases it with
   * {@linkcode Pipeline.release}, e.g. after closing the destination, so that a run waiting
   * for this one does not find the database still open.
   * @default false
   */
  keepLock?: boolean;
}

/**
 * A configured pipeline, as dlt's: `run()` loads a source, `dataset()` reads the data back.
 * `await using` (or `close()`) closes its destination.
 */
export class Pipeline {
  /** The pipeline's name. */
  readonly pipelineName: string;
  /** The dataset it loads into. */
  readonly datasetName: string;
  /** Where it loads. */
  readonly destination: Destination;
  /** Its working folder: state, schemas, load packages, trace. */
  readonly workingDir: WorkingDir;
  readonly #logger: Logger;
  readonly #deps: Deps;
  readonly #masker: Masker;
  readonly #keepCompletedJobs?: boolean;
  readonly #onEvent: EventSink;
  readonly #waitForLock: boolean;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #projectDir?: string;
  #config?: Promise<ConfigResolver>;
  #prepared?: Promise<PipelineState>;
  #lock?: Promise<PipelineLock>;

  /**
   * Makes a pipeline (as {@linkcode pipeline}); nothing is read or written until it runs.
   *
   * @param options see {@linkcode PipelineOptions}
   */
  constructor(options: PipelineOptions) {
    this.pipelineName = options.pipelineName;
    this.datasetName = options.datasetName ?? `${options.pipelineName}_dataset`;
    this.destination = options.destination;
    this.#logger = options.logger ?? silentLogger;
    this.#deps = options.deps ?? defaultDeps;
    this.#masker = options.masker ?? new SecretMasker();
    this.#keepCompletedJobs = options.keepCompletedJobs;
    this.#onEvent = options.onEvent ?? noEvents;
    this.#waitForLock = options.waitForLock ?? false;
    this.#env = options.env ?? {};
    this.#projectDir = options.projectDir;
    if (options.config) this.#config = Promise.resolve(options.config);
    const dir = options.pipelinesDir ?? defaultPipelinesDir(this.#env);
    this.workingDir = new WorkingDir(dir, this.pipelineName);
  }

  /**
   * Gets the pipeline ready and returns its committed state: takes the pipeline lock (see
   * `pipeline_lock.ts`), loads or discards packages an interrupted run left behind, and on a
   * machine without a working folder restores state and schemas from the destination.
   * `run()` calls it; call it first to build a source from the state (incremental cursors
   * live in `state.sources.<source>`). The lock stays held until `run()` ends; call
   * {@linkcode Pipeline.release} when you prepare without running.
   *
   * @throws {UserError} when another process runs this pipeline (unless `waitForLock`)
   */
  prepare(options: PrepareOptions = {}): Promise<PipelineState> {
    this.#prepared ??= this.#lockAndPrepare(options.signal);
    return this.#prepared;
  }

  /** Releases the pipeline lock taken by `prepare()`; `run()` releases it by itself. */
  async release(): Promise<void> {
    const lock = this.#lock;
    this.#lock = undefined;
    this.#prepared = undefined;
    await (await lock?.catch(() => undefined))?.release();
  }

  /**
   * Extracts the source, normalizes its records into a load package and loads the package in
   * one destination transaction. The local state and schema advance only after the commit.
   *
   * A source that can be bound (`restApiSource()`) is completed first, as dlt injects config
   * and state: its config fields are resolved from the pipeline's providers, its incremental
   * cursors start from the pipeline's committed state, and its secrets are masked in the trace
   * and in the errors this throws.
   *
   * @throws {UserError} on missing config, HTTP errors, bad data or a failed load; nothing is
   *   committed then.
   */
  async run(source: Source, options: RunOptions = {}): Promise<LoadInfo> {
    try {
      const state = structuredClone(await this.prepare({ signal: options.signal }));
      this.#prepared = undefined; // the next run reads what this one committed
      const bound = source.bind
        ? source.bind({
          config: await this.#configResolver(),
          pipelineName: this.pipelineName,
          state: asRecord(state.sources[source.name]),
          masker: this.#masker,
          logger: this.#logger,
          deps: this.#deps,
          onEvent: this.#onEvent,
        })
        : source;
      return await this.#run(bound, state, options);
    } catch (err) {
      throw this.#masked(
        notLoadedDiskFull(err, { pipelineName: this.pipelineName, folder: this.workingDir.root }),
      );
    } finally {
      if (!options.keepLock) await this.release();
    }
  }

  /**
   * The pipeline's dataset, to read the loaded data back (dlt's `pipeline.dataset()`): tables,
   * SQL, rows as objects, row counts. Reads are read-only.
   *
   * @example Usage
   * ```ts ignore
   * const orders = p.dataset().table("orders");
   * console.log(await orders.count(), await orders.limit(3).rows());
   * ```
   */
  dataset(): Dataset {
    return new Dataset({
      name: this.datasetName,
      destination: this.destination,
      schemas: async () => {
        const state = await this.workingDir.readState();
        const schemas: Schema[] = [];
        for (const name of state?.schema_names ?? []) {
          const schema = await this.workingDir.readSchema(name);
          if (schema) schemas.push(schema);
        }
        return schemas;
      },
    });
  }

  /** Releases the pipeline lock, if held, and closes the destination. */
  async close(): Promise<void> {
    await this.release();
    await this.destination.close();
  }

  /** `await using p = pipeline(...)` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #run(source: Source, state: PipelineState, options: RunOptions): Promise<LoadInfo> {
    const wd = this.workingDir;
    const schema = (await wd.readSchema(source.name)) ?? newSchema(source.name);
    const storedHash = schema.version_hash;
    const loadId = newLoadId(this.#deps.now());
    const pkg = await LoadPackage.create(wd.loadDir, loadId);
    const trace = new TraceRecorder({ pipelineName: this.pipelineName, loadId }, {
      now: this.#deps.now,
      mask: (text) => this.#masker.mask(text),
    });
    const stream = new StreamLoader(this.destination, {
      datasetName: this.datasetName,
      loadId,
      schema,
      prepare: (job) => startJob(pkg, job),
    });
    let committed = false;
    const onEvent = this.#onEvent;
    try {
      const extractStart = performance.now();
      trace.start("extract");
      const passStart = trace.startOf();
      onEvent({ type: "stage", stage: "extract", status: "start" });
      const counts = await extractAndNormalize({
        source,
        schema,
        pkg,
        loadId,
        stream,
        resources: options.resources,
        signal: options.signal,
        onEvent: onEvent === noEvents ? undefined : onEvent,
        maxTableNameLength: this.destination.maxIdentifierLength,
        mergeStrategies: this.destination.mergeStrategies,
        logger: this.#logger,
      });
      const extractSeconds = (performance.now() - extractStart) / 1000;
      onEvent({ type: "stage", stage: "extract", status: "end", seconds: extractSeconds });
      trace.end({ recordCounts: counts.recordCounts, resources: source.stats?.() ?? {} });
      // Normalizing ran in the same pass; it ends when the package is sealed.
      trace.start("normalize", passStart);
      for (const [table, { rows, values }] of Object.entries(counts.discarded)) {
        this.#logger.warn(
          `The schema contract discarded ${rows} row(s) and ${values} value(s) of table ${table}`,
        );
      }
      if (bumpVersion(schema, storedHash)) {
        this.#logger.debug(`Schema ${schema.name} is now at version ${schema.version}`);
      }
      this.#updateState(state, source, schema);
      const loadStart = performance.now();
      onEvent({ type: "stage", stage: "load", status: "start" });
      await sealPackage(pkg, schema, {
        dataset_name: this.datasetName,
        pipeline_state: state,
        replace_tables: replaceTables(schema, source.resources, options.resources),
        row_counts: counts.rowCounts,
      });
      trace.end({
        rowCounts: counts.rowCounts,
        discarded: counts.discarded,
        collisions: counts.collisions,
      });
      trace.start("load");
      const session = await stream.drain();
      const keepCompletedJobs = await this.#keepJobs();
      const loadSeconds = await loadIntoDestination(pkg, {
        destination: this.destination,
        session,
      });
      committed = true;
      await finishPackage(pkg, { workingDir: wd, keepCompletedJobs });
      onEvent({
        type: "stage",
        stage: "load",
        status: "end",
        seconds: (performance.now() - loadStart) / 1000,
      });
      onEvent({
        type: "load_done",
        loadId,
        seconds: (performance.now() - extractStart) / 1000,
        rows: counts.rowCounts,
      });
      trace.end({
        destination: this.destination.type,
        dataset: this.datasetName,
        location: this.destination.location,
      });
      await wd.writeTrace(trace.loaded()).catch((err) => {
        // Everything else is done; a missing trace must not fail a finished load.
        this.#logger.warn(`Could not write the trace of this run to ${wd.root}: ${err.message}`);
      });
      return {
        pipelineName: this.pipelineName,
        destinationType: this.destination.type,
        destinationLocation: this.destination.location,
        datasetName: this.datasetName,
        loadSeconds,
        packages: [{ loadId, state: "loaded", failedJobs: [] }],
        rowCounts: counts.rowCounts,
        recordCounts: counts.recordCounts,
      };
    } catch (err) {
      await stream.rollback().catch(() => {});
      // A failed run committed nothing: its package goes. After the commit the package stays
      // `normalized`, and the next run finishes the local part.
      if (!committed) await pkg.delete().catch(() => {});
      await wd.writeTrace(trace.failed(err)).catch(() => {});
      if (!committed) throw err;
      const loaded = { loadId, location: this.destination.location };
      if (!isDiskFull(err)) {
        this.#logger.warn(
          `Load package ${loadId} is loaded into ${loaded.location}; the next run finishes ` +
            "the local bookkeeping that failed",
        );
      }
      throw loadedDiskFull(err, { pipelineName: this.pipelineName, folder: wd.root, ...loaded });
    }
  }

  /** The config providers: given, else env vars and the `.dlt/` TOML files (read once). */
  #configResolver(): Promise<ConfigResolver> {
    this.#config ??= loadConfig({ env: this.#env, projectDir: this.#projectDir });
    return this.#config;
  }

  /** dlt keeps completed jobs unless `load.delete_completed_jobs` is true. */
  async #keepJobs(): Promise<boolean> {
    if (this.#keepCompletedJobs !== undefined) return this.#keepCompletedJobs;
    const config = await this.#configResolver();
    return config.get("load.delete_completed_jobs", { expect: "boolean" })?.value !== true;
  }

  /** The error with every secret the sources revealed masked in its message and stack. */
  #masked(err: unknown): unknown {
    if (err instanceof Error) {
      const message = this.#masker.mask(err.message);
      if (message !== err.message) {
        if (err.stack) err.stack = this.#masker.mask(err.stack);
        err.message = message;
      }
    }
    return err;
  }

  async #lockAndPrepare(signal: AbortSignal | undefined): Promise<PipelineState> {
    this.#lock ??= acquirePipelineLock(this.workingDir, this.pipelineName, {
      wait: this.#waitForLock,
      signal,
      onWait: (holder) =>
        this.#logger.info(
          `Pipeline "${this.pipelineName}" is being run by ${describeHolder(holder)}; ` +
            "waiting for it to finish",
        ),
    });
    try {
      await this.#lock;
      return await this.#prepare();
    } catch (err) {
      await this.release();
      throw notLoadedDiskFull(err, {
        pipelineName: this.pipelineName,
        folder: this.workingDir.root,
      });
    }
  }

  async #prepare(): Promise<PipelineState> {
    const wd = this.workingDir;
    await wd.ensure();
    await resumePending({
      workingDir: wd,
      destination: this.destination,
      datasetName: this.datasetName,
      keepCompletedJobs: await this.#keepJobs(),
      logger: this.#logger,
    });
    const local = await wd.readState();
    // The destination is the truth: another machine (or a restored backup) may have loaded
    // since this working folder last did. dlt syncs the same way before every run.
    const stored = await this.destination.restore?.(this.datasetName, this.pipelineName);
    if (!stored || (local && !isNewer(stored.state, local))) {
      return local ?? newPipelineState(this.pipelineName, this.datasetName);
    }
    this.#logger.info(
      `Restored the state and ${stored.schemas.length} schema(s) of pipeline ` +
        `${this.pipelineName} from ${this.destination.location}` +
        (local ? " (it is newer than the local state)" : ""),
    );
    for (const schema of stored.schemas) await wd.writeSchema(schema);
    const state = {
      ...stored.state,
      _local: { ...(local?._local ?? {}), first_run: false },
    } as unknown as PipelineState;
    await wd.writeState(state);
    return state;
  }

  #updateState(state: PipelineState, source: Source, schema: Schema): void {
    state.dataset_name = this.datasetName;
    state.default_schema_name ??= schema.name;
    if (!state.schema_names.includes(schema.name)) state.schema_names.push(schema.name);
    // dlt's values, so dlt continuing this dataset finds the destination it uses itself.
    state.destination_type = dltDestinationType(this.destination.type);
    state.destination_name = null;
    state.sources[source.name] = source.state?.() ?? state.sources[source.name] ?? {};
    state._local.first_run = false;
    state._local.destination_location = this.destination.location;
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
      .filter((r) => !only || only.length === 0 || only.includes(r.name))
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

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

/** Whether the destination's state is ahead of (or diverged from) the local one. */
function isNewer(stored: Record<string, unknown>, local: PipelineState): boolean {
  const version = Number(stored._state_version ?? 0);
  if (version !== local._state_version) return version > local._state_version;
  return stored._version_hash !== local._version_hash;
}
