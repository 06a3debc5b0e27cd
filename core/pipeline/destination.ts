/**
 * The contract a destination implements. Core knows only this interface; `destinations/*`
 * implement it and the CLI wires one in.
 *
 * @module
 */

import type { MergeStrategy, Schema } from "../schema/types.ts";

/** One job file to load: normalized rows of one table, newline-delimited JSON. */
export interface LoadJob {
  /** The table the rows go to. */
  table: string;
  /** Absolute path of the job file. */
  path: string;
}

/** The pipeline state row written with a load (`_dlt_pipeline_state`). */
export interface PipelineStateRow {
  /** The pipeline the state belongs to. */
  pipelineName: string;
  /** The state object; stored as base64(zlib(JSON)) as dlt does. */
  state: Record<string, unknown>;
  /** The state's version, counted up on each change. */
  version: number;
  /** Hash of the state, dlt's `version_hash`. */
  versionHash: string;
}

/** Everything one load needs; the destination applies all of it in one transaction. */
export interface LoadRequest {
  /** The dataset to load into. */
  datasetName: string;
  /** The load's id (`_dlt_load_id`). */
  loadId: string;
  /** The schema after normalization: every table and column the jobs use exist in it. */
  schema: Schema;
  /** The job files of the package. */
  jobs: LoadJob[];
  /** Tables (root and child) to empty before inserting (write disposition `replace`). */
  replaceTables: string[];
  /** The pipeline state committed with the load. */
  state: PipelineStateRow;
}

/**
 * A load transaction opened while the package is still being written, so the destination
 * inserts finished job files while later pages are extracted. Nothing is visible until
 * `commit()`; `rollback()` leaves the destination as it was.
 */
export interface LoadSession {
  /**
   * Inserts finished job files of append tables. `schema` holds every table and column they
   * use. Runs in the background of extraction: a failure surfaces here or at `commit()`.
   */
  addJobs(jobs: LoadJob[], schema: Schema): Promise<void>;
  /** Loads the jobs of `request` not added yet, writes the system tables and commits. */
  commit(request: LoadRequest): Promise<void>;
  /** Discards everything the session did. */
  rollback(): Promise<void>;
}

/** What a destination keeps of a pipeline. */
export interface StoredPipeline {
  /** The pipeline state as stored (`_dlt_pipeline_state`). */
  state: Record<string, unknown>;
  /** The newest version of each schema (`_dlt_version`). */
  schemas: Schema[];
}

/** Tables to drop with the state and schema that no longer mention them. */
export interface DropRequest {
  /** The dataset to drop from. */
  datasetName: string;
  /** The tables to drop. */
  tables: string[];
  /** The schema without them, stored as a new version. */
  schema: Schema;
  /** The state with the dropped resources reset. */
  state: PipelineStateRow;
}

/** A place loads go to. */
export interface Destination {
  /** Destination type as dlt names it (`duckdb`). */
  readonly type: string;
  /** Where data is stored, as load info prints it (`duckdb:/abs/path/x.duckdb`). */
  readonly location: string;
  /**
   * Longest table name the destination takes (dlt's `max_identifier_length`); longer names
   * are shortened by the normalizer as dlt does. No limit when missing.
   */
  readonly maxIdentifierLength?: number;
  /**
   * The merge strategies the destination supports (dlt's `supported_merge_strategies`). With
   * none, `merge` resources load as `append` (dlt's filesystem destination), and the
   * normalizer adds no `_dlt_root_id` and no key-derived `_dlt_id`s for them, as dlt does.
   * Every strategy when missing.
   */
  readonly mergeStrategies?: readonly MergeStrategy[];
  /**
   * Applies a load atomically: DDL from the schema, job files, system tables, state.
   * Either all of it commits or nothing does.
   */
  load(request: LoadRequest): Promise<void>;
  /**
   * Opens a load session for streaming job files in while they are written; optional, a
   * destination without it gets the whole package through `load()`.
   */
  begin?(datasetName: string, loadId: string): Promise<LoadSession>;
  /**
   * The newest pipeline state and schemas stored in the dataset (`_dlt_pipeline_state`,
   * `_dlt_version`), to restore a pipeline on a machine without its working folder.
   * `undefined` when the dataset holds nothing of this pipeline.
   */
  restore?(datasetName: string, pipelineName: string): Promise<StoredPipeline | undefined>;
  /**
   * Drops tables (children included by the caller) and stores `state` and `schema` as a new
   * version, in one transaction (`dltx pipeline <name> drop`).
   */
  dropTables?(request: DropRequest): Promise<void>;
  /** Runs a read-only query on the dataset (`dltx query`); rows as plain objects. */
  query?(sql: string): Promise<Record<string, unknown>[]>;
  /** Releases connections and files. */
  close(): Promise<void>;
  /**
   * Starts loading, in the background, what the first load needs that opens and writes
   * nothing (DuckDB: its native module), so that the load does not wait for it. The pipeline
   * calls it once extraction is under way; a failure is left for the load to report.
   */
  warmUp?(): void;
  /**
   * Whether a load session may open (`begin`) as extraction gets under way instead of at the
   * first finished job file: when holding the destination open meanwhile locks out no reader
   * (DuckDB: its file does not exist yet, or this destination has it open already). Without
   * it, or when it says no, the session opens with the first streamed file or at commit.
   */
  beginsEarly?(): Promise<boolean>;
  /**
   * Removes what load `loadId` left behind without committing: a run killed while its
   * session wrote outside a transaction (the filesystem destination's converted files). The
   * pipeline calls it when it discards that run's unfinished package.
   */
  discardLoad?(datasetName: string, loadId: string): Promise<void>;
}
