/**
 * The hints a column can carry, listed once for every view of a schema (`dltx pipeline schema`,
 * the dashboard, the MCP server).
 *
 * @module
 */

import type { Column } from "./types.ts";

/**
 * dlt's column hints that dltx keeps (`TColumnHint`: `primary_key` ... `dedup_sort`), plus
 * `incremental` (dlt's column property of a resource's cursor), in the order views print them.
 * `variant` is a column property, not a hint, so each view shows it on its own.
 */
export const COLUMN_HINTS = [
  "primary_key",
  "merge_key",
  "unique",
  "row_key",
  "parent_key",
  "root_key",
  "hard_delete",
  "dedup_sort",
  "incremental",
] as const satisfies readonly (keyof Column)[];

/** The name of one column hint. */
export type ColumnHint = typeof COLUMN_HINTS[number];

/**
 * The hints set on a column, in {@linkcode COLUMN_HINTS} order: the names of the flags that
 * are true, and `dedup_sort=<asc|desc>` for the merge sort order.
 *
 * @example Usage
 * ```ts
 * import { columnHints } from "./column_hints.ts";
 * import { deepEqual } from "node:assert/strict";
 *
 * deepEqual(
 *   columnHints({ name: "v", data_type: "bigint", nullable: true, primary_key: true, dedup_sort: "desc" }),
 *   ["primary_key", "dedup_sort=desc"],
 * );
 * ```
 *
 * @param column The column.
 * @returns The hints, e.g. `["unique", "row_key"]` for `_dlt_id`.
 */
export function columnHints(column: Column): string[] {
  const hints: string[] = [];
  for (const hint of COLUMN_HINTS) {
    if (hint === "dedup_sort") {
      if (column.dedup_sort) hints.push(`dedup_sort=${column.dedup_sort}`);
    } else if (column[hint] === true) {
      hints.push(hint);
    }
  }
  return hints;
}
