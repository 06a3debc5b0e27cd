/**
 * The PostgreSQL destination: loads job files through `COPY ... FROM STDIN` in one
 * transaction per load (append, replace, and merge through `<dataset>_staging`), with dlt's
 * system tables, type mapping and credentials; restores a pipeline's state and schemas,
 * drops tables, and runs read-only queries.
 *
 * @module
 */

export * from "./postgres_destination.ts";
export * from "./credentials.ts";
export * from "./read_only.ts";
export * from "./sql.ts";
export type { ReplaceStrategy } from "./_transaction.ts";
