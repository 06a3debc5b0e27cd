/**
 * DDL from the schema for PostgreSQL: which tables and columns are missing in the dataset.
 * Everything runs inside the load's transaction (PostgreSQL's DDL is transactional), so a
 * failed load leaves no table or column behind.
 *
 * @module
 */

import type { Table } from "../../core/schema/types.ts";
import { columnDefinition, qualifiedTable, quoteIdent } from "./sql.ts";

/**
 * Columns present in a schema (dataset): table name -> column names. Names are compared as
 * they are, since every identifier is quoted (PostgreSQL folds only unquoted ones).
 */
export type ExistingColumns = Map<string, Set<string>>;

/** Options of {@linkcode planDdl}. */
export interface PlanDdlOptions {
  /** NOT NULL on non-nullable columns of new tables. @default true */
  notNull?: boolean;
  /**
   * UNIQUE on `unique` columns of new tables (dlt's `create_indexes`): `inline` in the CREATE
   * TABLE, or `deferred`, as statements in {@linkcode PlannedDdl.constraints} to run once the
   * rows are in (one sorted index build instead of an insert per row). @default "none"
   */
  unique?: "none" | "inline" | "deferred";
  /** A column every new table gets after the schema's (staging tables' load order). */
  extraColumn?: string;
}

/**
 * The statements that bring the dataset up to `tables`: CREATE TABLE for missing tables and
 * ALTER TABLE ADD COLUMN for missing columns (always nullable and without UNIQUE: existing
 * rows have no value). Tables without columns are skipped; columns are never dropped or
 * retyped. `existing` is updated with what the statements create.
 */
export function planDdl(
  dataset: string,
  tables: Iterable<Table>,
  existing: ExistingColumns,
  options: PlanDdlOptions = {},
): string[] {
  return planDdlWithConstraints(dataset, tables, existing, options).statements;
}

/** The statements of {@linkcode planDdl}, and the deferred UNIQUE constraints of new tables. */
export interface PlannedDdl {
  statements: string[];
  constraints: string[];
}

/** {@linkcode planDdl}, with `unique: "deferred"` constraints returned apart. */
export function planDdlWithConstraints(
  dataset: string,
  tables: Iterable<Table>,
  existing: ExistingColumns,
  options: PlanDdlOptions = {},
): PlannedDdl {
  const { notNull = true, unique = "none", extraColumn } = options;
  const statements: string[] = [];
  const constraints: string[] = [];
  for (const t of tables) {
    const columns = Object.values(t.columns);
    if (columns.length === 0) continue;
    const have = existing.get(t.name);
    if (have === undefined) {
      const defs = columns.map((c) =>
        columnDefinition(c, { notNull, unique: unique === "inline" })
      );
      if (extraColumn !== undefined) defs.push(extraColumn);
      statements.push(`CREATE TABLE ${qualifiedTable(dataset, t.name)} (${defs.join(", ")})`);
      if (unique === "deferred") {
        for (const c of columns.filter((c) => c.unique)) {
          constraints.push(
            `ALTER TABLE ${qualifiedTable(dataset, t.name)} ADD UNIQUE (${quoteIdent(c.name)})`,
          );
        }
      }
      existing.set(t.name, new Set(columns.map((c) => c.name)));
      continue;
    }
    for (const c of columns) {
      if (have.has(c.name)) continue;
      statements.push(
        `ALTER TABLE ${qualifiedTable(dataset, t.name)} ADD COLUMN ` +
          columnDefinition(c, { notNull: false }),
      );
      have.add(c.name);
    }
  }
  return { statements, constraints };
}
