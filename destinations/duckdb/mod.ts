/**
 * The DuckDB destination: loads job files into a DuckDB database in one transaction per load
 * (append, replace, and merge through `<dataset>_staging`), with dlt's system tables; restores
 * a pipeline's state and schemas, drops tables, and runs read-only queries; plus the DuckDB
 * helpers other destinations that run DuckDB share (SQL quoting and types, read-only queries,
 * plain result rows).
 *
 * @module
 */

export * from "./duckdb_destination.ts";
export * from "./read_limits.ts";
export * from "./open_duckdb.ts";
export * from "./read_only.ts";
export * from "./results.ts";
export * from "./sql.ts";
export * from "./state_codec.ts";
