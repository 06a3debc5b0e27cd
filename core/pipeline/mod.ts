/**
 * Pipelines: extract -> normalize -> load, state, working folder and load info.
 *
 * @module
 */

export * from "./destination.ts";
export * from "./load_info.ts";
export * from "./pipeline.ts";
export * from "./pipeline_lock.ts";
export * from "./pipeline_name.ts";
export * from "./state.ts";
export * from "./state_codec.ts";
export * from "./stored_schemas.ts";
export * from "./system_rows.ts";
export * from "./working_dir.ts";
export * from "./dataset.ts";
