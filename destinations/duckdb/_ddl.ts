/**
 * DDL from the schema: which tables and columns are missing in the destination, and the
 * definitions of dlt's system tables.
 *
 * @module
 */

import {
  type Column,
  type DataType,
  LOADS_TABLE,
  STATE_TABLE,
  type Table,
  VERSION_TABLE,
} from "../../core/schema/types.ts";
import { columnDefinition, qualifiedTable } from "./sql.ts";

/**
 * Columns present in the destination: lower-cased table name -> lower-cased column names.
 * Lower-cased because DuckDB resolves identifiers case-insensitively, quoted or not.
 */
export type ExistingColumns = Map<string, Set<string>>;

function table(name: string, columns: [string, DataType, boolean][]): Table {
  const cols: Record<string, Column> = {};
  for (const [col, data_type, nullable] of columns) cols[col] = { name: col, data_type, nullable };
  return { name, columns: cols };
}

/** dlt's system tables, column for column (dlt schema engine 11). */
export const SYSTEM_TABLES: readonly Table[] = [
  table(VERSION_TABLE, [
    ["version", "bigint", false],
    ["engine_version", "bigint", false],
    ["inserted_at", "timestamp", false],
    ["schema_name", "text", false],
    ["version_hash", "text", false],
    ["schema", "text", false],
  ]),
  table(LOADS_TABLE, [
    ["load_id", "text", false],
    ["schema_name", "text", true],
    ["status", "bigint", false],
    ["inserted_at", "timestamp", false],
    ["schema_version_hash", "text", true],
  ]),
  table(STATE_TABLE, [
    ["version", "bigint", false],
    ["engine_version", "bigint", false],
    ["pipeline_name", "text", false],
    ["state", "text", false],
    ["created_at", "timestamp", false],
    ["version_hash", "text", true],
    ["_dlt_load_id", "text", false],
    ["_dlt_id", "text", false],
  ]),
];

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
