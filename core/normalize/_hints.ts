/**
 * Resource hints on root tables, as dlt records them: table hints (`resource`,
 * `write_disposition`, `merge_strategy`, `schema_contract`) and column hints (`columns`,
 * `primary_key`, `merge_key`). The resource's hints are the whole truth for its root table:
 * they are written on creation and again on every run, so a changed hint replaces the old one.
 *
 * @module
 */

import type { Column, DataType, SchemaContractSettings, Table } from "../schema/mod.ts";
import { isDltColumn } from "../schema/mod.ts";
import type { ColumnHint, ResourceInfo } from "../source/mod.ts";
import { DataError } from "../errors.ts";
import { normalizePath } from "./naming.ts";

/** Column hints by normalized column name, primary and merge keys folded in. */
export type ColumnHints = ReadonlyMap<string, ColumnHint>;

/**
 * The column hints of a resource: `columns` (names snake_cased like data keys), plus
 * `primary_key` / `merge_key` for the columns of `primaryKey` / `mergeKey`, and dlt's
 * `incremental` for the cursor column of its incremental.
 */
export function resolveColumnHints(resource: ResourceInfo): ColumnHints {
  const hints = new Map<string, ColumnHint>();
  const add = (name: string, hint: ColumnHint) => {
    const key = normalizePath(name);
    hints.set(key, { ...hints.get(key), ...hint });
  };
  for (const [name, hint] of Object.entries(resource.columns ?? {})) add(name, hint);
  for (const name of resource.primaryKey) add(name, { primary_key: true });
  for (const name of resource.mergeKey) add(name, { merge_key: true });
  if (resource.incrementalCursor !== undefined) {
    add(resource.incrementalCursor, { incremental: true });
  }
  return hints;
}

/** Writes the table hints of `resource` on its root table, dropping ones that no longer apply. */
export function applyTableHints(
  table: Table,
  resource: ResourceInfo,
  contract: SchemaContractSettings | undefined,
): void {
  table.resource = resource.name;
  table.write_disposition = resource.writeDisposition;
  if (resource.writeDisposition === "merge" && resource.mergeStrategy !== undefined) {
    table.merge_strategy = resource.mergeStrategy;
  } else {
    delete table.merge_strategy;
  }
  if (contract !== undefined) {
    table.schema_contract = {
      tables: contract.tables,
      columns: contract.columns,
      data_type: contract.data_type,
    };
  } else {
    delete table.schema_contract;
  }
}

function setFlag(
  column: Column,
  flag: "primary_key" | "merge_key" | "unique" | "hard_delete" | "incremental",
  on: boolean | undefined,
): void {
  if (on === true) column[flag] = true;
  else if (column[flag] !== undefined) delete column[flag];
}

/**
 * Sets the hints of a data column of a root table to `hint` (none: every hint cleared). A key
 * column is not nullable unless the hint says so. The data type is left alone: a column keeps
 * the type its loaded data has.
 */
export function applyColumnHint(column: Column, hint: ColumnHint | undefined): void {
  const primaryKey = hint?.primary_key === true;
  column.nullable = hint?.nullable ?? !primaryKey;
  setFlag(column, "primary_key", primaryKey);
  setFlag(column, "merge_key", hint?.merge_key);
  setFlag(column, "unique", hint?.unique);
  setFlag(column, "hard_delete", hint?.hard_delete);
  setFlag(column, "incremental", hint?.incremental);
  if (hint?.dedup_sort !== undefined) column.dedup_sort = hint.dedup_sort;
  else if (column.dedup_sort !== undefined) delete column.dedup_sort;
}

/** A new data column `name`, typed by its hint or else by `dataType`, with its hints. */
export function newHintedColumn(
  name: string,
  dataType: DataType,
  hint: ColumnHint | undefined,
): Column {
  const column: Column = { name, data_type: hint?.data_type ?? dataType, nullable: true };
  if (hint !== undefined) applyColumnHint(column, hint);
  return column;
}

/** Brings the hints of every data column of an existing root table up to date. */
export function applyColumnHints(table: Table, hints: ColumnHints): void {
  for (const column of Object.values(table.columns)) {
    if (column.variant || isDltColumn(column.name)) continue;
    applyColumnHint(column, hints.get(column.name));
  }
}

/**
 * The hinted columns with a `data_type` that `table` lacks, in hint order: dlt creates such
 * columns with the table (or when the hint appears), before any data arrives.
 *
 * @param table The root table.
 * @param hints Its column hints.
 * @param columnsMode The `columns` contract that applies (`evolve` for a table created now).
 * @param resource The resource name, for the error message.
 * @returns The columns to create; none when the contract discards new columns.
 * @throws {DataError} When the contract freezes columns.
 */
export function missingHintedColumns(
  table: Table,
  hints: ColumnHints,
  columnsMode: SchemaContractSettings["columns"],
  resource: string,
): Column[] {
  const missing: Column[] = [];
  for (const [name, hint] of hints) {
    if (hint.data_type === undefined || table.columns[name] !== undefined) continue;
    if (columnsMode === "freeze") {
      throw new DataError(
        `Schema contract of resource "${resource}" is frozen for columns: new column "${name}" ` +
          `in table "${table.name}" (declared in the resource's columns hints). To add it, set ` +
          `the resource's schema_contract columns to "evolve" for one run`,
      );
    }
    if (columnsMode !== "evolve") continue;
    missing.push(newHintedColumn(name, hint.data_type, hint));
  }
  return missing;
}
