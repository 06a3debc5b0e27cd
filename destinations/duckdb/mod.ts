/**
 * The DuckDB destination: loads job files into a DuckDB database in one transaction per load,
 * with dlt's system tables, plus a small read helper.
 *
 * @module
 */

export * from "./duckdb_destination.ts";
export * from "./open_duckdb.ts";
export * from "./state_codec.ts";
