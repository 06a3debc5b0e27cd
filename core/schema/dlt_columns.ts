/**
 * The `_dlt_*` system columns the normalizer adds to every table, with dlt's hints.
 *
 * @module
 */

import { InternalError } from "../errors.ts";
import type { Column } from "./types.ts";

/** Row id of every row: random for root rows, derived from the parent for child rows. */
export const DLT_ID = "_dlt_id";
/** Load id of the load a root row came with. */
export const DLT_LOAD_ID = "_dlt_load_id";
/** `_dlt_id` of the parent row, in child tables. */
export const DLT_PARENT_ID = "_dlt_parent_id";
/** Position of a child row in its parent's list. */
export const DLT_LIST_IDX = "_dlt_list_idx";
/** `_dlt_id` of the root row, in child tables of `merge` resources. */
export const DLT_ROOT_ID = "_dlt_root_id";
/** Column holding list items and records that are not objects. */
export const VALUE_COLUMN = "value";

/** Names of the `_dlt_*` system columns. */
export type DltColumnName =
  | typeof DLT_ID
  | typeof DLT_LOAD_ID
  | typeof DLT_PARENT_ID
  | typeof DLT_LIST_IDX
  | typeof DLT_ROOT_ID;

/** Whether a column name belongs to dlt (`_dlt_` prefix). */
export function isDltColumn(name: string): boolean {
  return name.startsWith("_dlt_");
}

/**
 * A new column definition of a system column, with dlt's hints: every one is not null,
 * `_dlt_id` is the unique row key, `_dlt_parent_id` the parent key and `_dlt_root_id` the root
 * key; `_dlt_list_idx` is `bigint`, the others `text`.
 *
 * @param name The system column.
 * @returns A fresh column definition the caller may add to a table.
 */
export function dltColumn(name: DltColumnName): Column {
  switch (name) {
    case DLT_ID:
      return { name, data_type: "text", nullable: false, unique: true, row_key: true };
    case DLT_LOAD_ID:
      return { name, data_type: "text", nullable: false };
    case DLT_PARENT_ID:
      return { name, data_type: "text", nullable: false, parent_key: true };
    case DLT_LIST_IDX:
      return { name, data_type: "bigint", nullable: false };
    case DLT_ROOT_ID:
      return { name, data_type: "text", nullable: false, root_key: true };
    default: {
      const _exhaustive: never = name;
      throw new InternalError(`dltColumn(): unknown system column "${String(_exhaustive)}"`);
    }
  }
}
