/**
 * Pipeline state, laid out as dlt's (`_state_version`, `sources.<source>...`), so the row in
 * `_dlt_pipeline_state` decodes to what a dlt user expects.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { sortedJson } from "../json/mod.ts";

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
  /** dlt's destination type: `dlt.destinations.duckdb`, `dlt.destinations.filesystem`. */
  destination_type?: string;
  /** The destination's configured name; `null` when it has none (dlt's `configured_name`). */
  destination_name?: string | null;
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

/**
 * dlt's `generate_pipeline_state_version_hash`: SHA3-256 of the state without `_local`,
 * `_state_version`, `_state_engine_version` and `_version_hash`, as compact JSON with sorted
 * keys (orjson's), base64.
 */
export function stateHash(state: PipelineState): string {
  const {
    _local: _l,
    _version_hash: _h,
    _state_version: _v,
    _state_engine_version: _e,
    ...rest
  } = state;
  return createHash("sha3-256").update(sortedJson(rest), "utf8").digest("base64");
}

/** dlt's destination type of a destination dltx calls `type`: `dlt.destinations.<type>`. */
export function dltDestinationType(type: string): string {
  return type.includes(".") ? type : `dlt.destinations.${type}`;
}

/**
 * The short type of a state's `destination_type` (dlt's `Destination.to_name`): `duckdb` of
 * `dlt.destinations.duckdb`; states dltx wrote before kept the short one.
 */
export function destinationTypeName(stateType: string | undefined): string | undefined {
  return stateType?.split(".").at(-1);
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
