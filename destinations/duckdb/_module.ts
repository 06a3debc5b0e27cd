/**
 * DuckDB's npm module, imported on first use rather than at start-up: evaluating it (its
 * bindings and native library) blocks the event loop for ~0.1 s, which a command pays only
 * when it opens a database, and which a run starts while it is still extracting.
 *
 * @module
 */

type DuckDbModule = typeof import("@duckdb/node-api");

let loading: Promise<DuckDbModule> | undefined;

/** Imports `@duckdb/node-api` once; every call gets the same module. */
export function loadDuckDb(): Promise<DuckDbModule> {
  loading ??= import("@duckdb/node-api");
  return loading;
}
