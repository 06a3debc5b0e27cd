/**
 * DDL from the schema: which tables and columns are missing in the destination.
 *
 * @module
 */

import type { Table } from "../../core/schema/types.ts";
import { columnDefinition, qualifiedTable } from "./sql.ts";

/**
 * Columns present in the destination: lower-cased table name -> lower-cased column names.
 * Lower-cased because DuckDB resolves identifiers case-insensitively, quoted or not.
 */
export type ExistingColumns = Map<string, Set<string>>;

/**
 * The statements that bring the destination up to `tables`: CREATE TABLE for missing tables
 * (NOT NULL on non-nullable columns unless `notNull` is false) and ALTER TABLE ADD COLUMN for
 * missing columns (always nullable: existing rows have no value). Tables without columns are
 * skipped. Columns are never dropped or retyped.
 *
 * `existing` is updated with what the statements create, so it stays the picture of the
 * destination after they ran.
 */
export function planDdl(
  dataset: string,
  tables: Iterable<Table>,
  existing: ExistingColumns,
  options: { notNull?: boolean } = {},
): string[] {
  const { notNull = true } = options;
  const statements: string[] = [];
  for (const t of tables) {
    const columns = Object.values(t.columns);
    if (columns.length === 0) continue;
    const key = t.name.toLowerCase();
    const have = existing.get(key);
    if (have === undefined) {
      const defs = columns.map((c) => columnDefinition(c, notNull)).join(", ");
      statements.push(`CREATE TABLE ${qualifiedTable(dataset, t.name)} (${defs})`);
      existing.set(key, new Set(columns.map((c) => c.name.toLowerCase())));
      continue;
    }
    for (const c of columns) {
      if (have.has(c.name.toLowerCase())) continue;
      statements.push(
        `ALTER TABLE ${qualifiedTable(dataset, t.name)} ADD COLUMN ${columnDefinition(c, false)}`,
      );
      have.add(c.name.toLowerCase());
    }
  }
  return statements;
}
