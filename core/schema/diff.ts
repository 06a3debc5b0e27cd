/**
 * What a destination must create to hold a schema: new tables and added columns.
 *
 * @module
 */

import type { Column, Schema, Table } from "./types.ts";

/** One table's DDL need: create it, or add columns to it. */
export interface TableDiff {
  /** The table as it is in the current schema. */
  table: Table;
  /** The table does not exist in the stored schema: `CREATE TABLE` with `newColumns`. */
  isNew: boolean;
  /** Columns to create: all of a new table's, or the ones an existing table lacks. */
  newColumns: Column[];
}

/**
 * The tables and columns of `current` that `stored` lacks, in schema order (parents before
 * children, columns in creation order). Never drops anything: a table or column missing from
 * `current` is simply not mentioned. Tables without columns are skipped.
 *
 * @param stored The schema the destination has, or `undefined` when it has none.
 * @param current The schema after normalization.
 * @returns One entry per table that needs DDL.
 */
export function diffSchema(stored: Schema | undefined, current: Schema): TableDiff[] {
  const diffs: TableDiff[] = [];
  for (const table of Object.values(current.tables)) {
    const storedTable = stored?.tables[table.name];
    const newColumns = Object.values(table.columns).filter((column) =>
      storedTable?.columns[column.name] === undefined
    );
    if (newColumns.length > 0) diffs.push({ table, isNew: storedTable === undefined, newColumns });
  }
  return diffs;
}
