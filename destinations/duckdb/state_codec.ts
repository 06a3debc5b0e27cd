/**
 * The encoding of `_dlt_pipeline_state.state`, kept here for importers of this module; it is
 * destination-neutral and lives in `core/pipeline/state_codec.ts`.
 *
 * @module
 */

export { compressState, decompressState } from "../../core/pipeline/mod.ts";
