/**
 * The PostgreSQL destination: loads job files through `COPY ... FROM STDIN` in one
 * transaction per load (append, replace, and merge through `<dataset>_staging`), with dlt's
 * system tables, type mapping and credentials; restores a pipeline's state and schemas,
 * drops tables, and runs read-only queries.
 *
 * This is the destination's API (and its credentials, parsed and checked as dlt's
 * `ConnectionStringCredentials`); its SQL helpers stay in the folder.
 *
 * @module
 */

export * from "./postgres_destination.ts";
export * from "./credentials.ts";
export type { ReplaceStrategy } from "./_transaction.ts";

// The core types this destination's API refers to (see there).
export type * from "../_core_api_types.ts";
