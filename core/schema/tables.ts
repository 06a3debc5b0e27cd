/**
 * Walking the parent/child relation of tables.
 *
 * @module
 */

import { InternalError } from "../errors.ts";
import type { Schema, Table } from "./types.ts";

function tableOf(schema: Schema, table: string | Table): Table {
  const name = typeof table === "string" ? table : table.name;
  const found = schema.tables[name];
  if (found === undefined) {
    throw new InternalError(`Table "${name}" is not in schema "${schema.name}"`);
  }
  return found;
}

/**
 * The root table of a table: the table itself when it has no parent, else the top of its
 * `parent` chain.
 *
 * @param schema The schema holding the tables.
 * @param table A table or table name.
 * @returns The root table.
 * @throws {InternalError} When the table or a parent on the way is not in the schema, or the
 *   parents form a cycle: the schema is dltx's own, so either is a bug or a corrupt stored schema.
 */
export function rootTableOf(schema: Schema, table: string | Table): Table {
  let current = tableOf(schema, table);
  // Bounded by the number of tables, so a corrupt parent cycle cannot loop forever.
  for (let hops = 0; current.parent !== undefined; hops++) {
    if (hops > Object.keys(schema.tables).length) {
      throw new InternalError(`Tables of schema "${schema.name}" have a parent cycle`);
    }
    const parent: Table | undefined = schema.tables[current.parent];
    if (parent === undefined) {
      throw new InternalError(
        `Table "${current.name}" names parent "${current.parent}", which is not in schema ` +
          `"${schema.name}"`,
      );
    }
    current = parent;
  }
  return current;
}

/**
 * Every descendant of a table (children, grandchildren, ...), in schema order. With `replace`,
 * these are emptied together with their root.
 *
 * @param schema The schema holding the tables.
 * @param root A table or table name; need not be a root table.
 * @returns The descendant tables, not including `root` itself.
 * @throws {InternalError} When `root` is not in the schema.
 */
export function childTables(schema: Schema, root: string | Table): Table[] {
  const found = new Set([tableOf(schema, root).name]);
  // Schema order normally puts parents first, so the first pass finds every generation; more
  // passes only run for a stored schema whose tables came back in another order.
  for (let grew = true; grew;) {
    grew = false;
    for (const table of Object.values(schema.tables)) {
      if (table.parent !== undefined && found.has(table.parent) && !found.has(table.name)) {
        found.add(table.name);
        grew = true;
      }
    }
  }
  found.delete(tableOf(schema, root).name);
  return Object.values(schema.tables).filter((table) => found.has(table.name));
}

/**
 * The root table `rootName` and every table below it that has columns, root first: the tables
 * a merge (or a replace through staging) of one resource touches.
 *
 * @param schema The schema holding the tables.
 * @param rootName A root table's name.
 * @returns The chain; empty when `rootName` has no columns and no descendants with columns.
 * @throws {InternalError} When a table's parent chain is broken (see `rootTableOf`).
 */
export function tableChain(schema: Schema, rootName: string): Table[] {
  const chain: Table[] = [];
  for (const table of Object.values(schema.tables)) {
    if (Object.keys(table.columns).length === 0) continue;
    if (rootTableOf(schema, table.name).name === rootName) {
      if (table.name === rootName) chain.unshift(table);
      else chain.push(table);
    }
  }
  return chain;
}
