/**
 * Destinations: where loads go (a DuckDB database, or Parquet/JSONL/CSV files). Each
 * destination lives in its own folder and implements `Destination` of
 * `core/pipeline/destination.ts`; `createDestination()` picks one by type.
 *
 * @module
 */

export * from "./create_destination.ts";
export * from "./duckdb/mod.ts";
export * from "./filesystem/mod.ts";
