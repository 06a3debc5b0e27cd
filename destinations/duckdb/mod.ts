/**
 * The DuckDB destination: loads job files into a DuckDB database in one transaction per load
 * (append, replace, and merge through `<dataset>_staging`), with dlt's system tables; restores
 * a pipeline's state and schemas, drops tables, and runs read-only queries.
 *
 * This is the destination's API only. The DuckDB plumbing the filesystem destination shares
 * (SQL quoting and types, read limits, read-only queries, plain result rows, error sorting)
 * lives in this folder's other public modules (`sql.ts`, `read_limits.ts`, `read_only.ts`,
 * `results.ts`, `errors.ts`, `open_duckdb.ts`), imported by path and not published.
 *
 * @module
 */

export { duckdb, DuckDbDestination, type DuckDbOptions } from "./duckdb_destination.ts";
export type { QueryParam } from "./open_duckdb.ts";

// The core types this destination's API refers to (see there).
export type * from "../_core_api_types.ts";
