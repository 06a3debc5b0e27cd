/**
 * The filesystem destination: loads into Parquet, JSONL or CSV files under a local folder
 * (`<bucket>/<dataset>/<table>/<load_id>.<file_id>.<ext>`, dlt's layout), written by DuckDB,
 * with dlt's system tables as files; restores state from them and queries the files.
 *
 * @module
 */

export * from "./filesystem_destination.ts";

// The core types this destination's API refers to, so this entry point documents on its own.
export type { Deps } from "../../core/deps.ts";
export type { Logger } from "../../core/log.ts";
export type {
  Destination,
  DropRequest,
  LoadJob,
  LoadRequest,
  LoadSession,
  PipelineStateRow,
  StoredPipeline,
} from "../../core/pipeline/destination.ts";
export type * from "../../core/schema/types.ts";
