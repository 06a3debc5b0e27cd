/**
 * Pipeline state, laid out as dlt's (`_state_version`, `sources.<source>...`), so the row in
 * `_dlt_pipeline_state` decodes to what a dlt user expects.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { stringifyJson } from "../json/mod.ts";

/** dlt's pipeline state engine version. */
export const STATE_ENGINE_VERSION = 4;

/** The pipeline state; `_local` never leaves the machine. */
export interface PipelineState {
  /** Counted up on each change of the state. */
  _state_version: number;
  /** Version of the state's format. */
  _state_engine_version: number;
  /** Hash of the state (dlt's `_version_hash`). */
  _version_hash: string;
  /** The pipeline's name. */
  pipeline_name: string;
  /** The dataset it loads into. */
  dataset_name: string;
  /** The schema of its first source. */
  default_schema_name?: string;
  /** The schemas of its sources. */
  schema_names: string[];
  /** Destination type of the last load (`duckdb`). */
  destination_type?: string;
  /** Destination name of the last load. */
  destination_name?: string;
  /** Per-source state (incremental cursors live here). */
  sources: Record<string, Record<string, unknown>>;
  /** Local only, never stored in the destination: `first_run`, `destination_location`, ... */
  _local: Record<string, unknown>;
}

/** A fresh state for a pipeline that never ran. */
export function newPipelineState(pipelineName: string, datasetName: string): PipelineState {
  const state: PipelineState = {
    _state_version: 0,
    _state_engine_version: STATE_ENGINE_VERSION,
    _version_hash: "",
    pipeline_name: pipelineName,
    dataset_name: datasetName,
    schema_names: [],
    sources: {},
    _local: { first_run: true },
  };
  state._version_hash = stateHash(state);
  return state;
}

/** Content hash of the state without its local part and the hash itself. */
export function stateHash(state: PipelineState): string {
  const { _local: _l, _version_hash: _h, _state_version: _v, ...rest } = state;
  return createHash("sha256").update(stringifyJson(rest)).digest("base64");
}

/**
 * Recomputes the hash and bumps `_state_version` when the content changed.
 * @returns whether the state changed
 */
export function bumpStateVersion(state: PipelineState): boolean {
  const hash = stateHash(state);
  if (hash === state._version_hash) return false;
  state._version_hash = hash;
  state._state_version += 1;
  return true;
}

/** The part of the state stored in the destination (`_local` stripped). */
export function destinationState(state: PipelineState): Record<string, unknown> {
  const { _local: _l, ...rest } = state;
  return rest;
}
