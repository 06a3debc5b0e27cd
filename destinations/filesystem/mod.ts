/**
 * The filesystem destination: loads into Parquet, JSONL or CSV files under a local folder
 * (`<bucket>/<dataset>/<table>/<load_id>.<file_id>.<ext>`, dlt's layout), written by DuckDB,
 * with dlt's system tables as files; restores state from them and queries the files.
 *
 * @module
 */

export * from "./filesystem_destination.ts";

// The core types this destination's API refers to (see there).
export type * from "../_core_api_types.ts";
