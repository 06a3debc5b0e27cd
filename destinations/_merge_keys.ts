/**
 * The columns a SQL merge works with, chosen the same way by every SQL destination (dlt's
 * rules): the primary key a strategy requires, the root's row key, each child's link to its
 * root, and the `hard_delete` predicate. Only the SQL around them is the destination's.
 *
 * @module
 */

import { UserError } from "../core/errors.ts";
import type { Column, Table } from "../core/schema/types.ts";

/**
 * The condition under which a row is a hard delete (dlt: a bool `hard_delete` column deletes
 * when true, a column of any other type when not null).
 *
 * @param ref the column as the SQL refers to it (quoted, maybe with a table alias)
 */
export function hardDeleteCondition(column: Column, ref: string): string {
  return column.data_type === "bool" ? `${ref} IS TRUE` : `${ref} IS NOT NULL`;
}

/**
 * The primary key a key-based strategy (`upsert`, `insert-only`) needs.
 *
 * @throws {UserError} when the root has none, naming what to set
 */
export function requirePrimaryKey(root: Table, primaryKey: string[], strategy: string): string[] {
  if (primaryKey.length > 0) return primaryKey;
  throw new UserError(
    `Cannot merge table "${root.name}" with strategy ${strategy}: it has no ` +
      "primary_key. Set primary_key on the resource, or use the delete-insert strategy.",
  );
}

/**
 * The root's row key column: `row_key` (`_dlt_id`), else a `unique` column, else a single
 * primary key column.
 *
 * @throws {UserError} when the root has none to link its children by
 */
export function rowKeyColumn(root: Table, primaryKey: string[]): string {
  const columns = Object.values(root.columns);
  const found = columns.find((c) => c.row_key) ?? columns.find((c) => c.unique) ??
    (primaryKey.length === 1 ? root.columns[primaryKey[0]] : undefined);
  if (!found) {
    throw new UserError(
      `Cannot merge table "${root.name}" with its child tables: it has no row key ` +
        "column (_dlt_id) to link them",
    );
  }
  return found.name;
}

/**
 * A child's link to its root: `root_key` (`_dlt_root_id`), else `parent_key` one level down.
 *
 * @throws {UserError} when the child has neither, saying how to start the resource over
 */
export function rootKeyColumn(root: Table, child: Table): string {
  const columns = Object.values(child.columns);
  const found = columns.find((c) => c.root_key) ??
    (child.parent === root.name ? columns.find((c) => c.parent_key) : undefined);
  if (!found) {
    throw new UserError(
      `Cannot merge child table "${child.name}" of "${root.name}": it has no root key ` +
        "column (_dlt_root_id). It was probably created before the resource used merge; drop " +
        `the resource's tables (dltx pipeline <name> drop ${
          root.resource ?? root.name
        }) and load again.`,
    );
  }
  return found.name;
}
