/**
 * The table/column model (laid out like dlt's stored schema), versions, the `_dlt_*` system
 * columns, parent/child helpers and the hints a column carries.
 *
 * @module
 */

export * from "./types.ts";
export * from "./dlt_columns.ts";
export * from "./schema.ts";
export * from "./version.ts";
export * from "./stored.ts";
export * from "./tables.ts";
export * from "./column_hints.ts";
