/**
 * Placing one value into the row being built: typing a new column by the value, coercing into
 * an existing column's type, or falling back to a variant column.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import { stringifyJson } from "../json/mod.ts";
import type { Column } from "../schema/mod.ts";
import { allowNewColumn, allowVariant, type RunContext } from "./_contract.ts";
import { isIsoDatetime } from "../iso_timestamp.ts";
import type { FieldNode, TableState } from "./_table_state.ts";
import {
  coerceValue,
  fitsDecimal,
  inferType,
  NOT_COERCIBLE,
  setIntegerDecimal,
  valueType,
} from "./infer.ts";

/** 2^63: the bigint fast path takes whole numbers int64 holds. */
const TWO_63 = 2 ** 63;

/**
 * The row being built, as parallel arrays reused for every row; the row object is created in
 * one step at the end (see _row_shapes.ts), which is much faster than adding keys one by one.
 */
export class RowBuffer {
  readonly fields: FieldNode[] = [];
  readonly values: unknown[] = [];
  count = 0;

  /** Appends a column value. */
  add(field: FieldNode, value: unknown): void {
    this.fields[this.count] = field;
    this.values[this.count++] = value;
  }
}

function describe(value: unknown): string {
  const text = String(stringifyJson(value));
  return text.length > 80 ? text.slice(0, 77) + "..." : text;
}

/**
 * Adds a non-null value of column `node` to `row`: creates the column (typed by the value)
 * when it does not exist, coerces the value into the column's type, or puts it into the
 * variant column `<col>__v_<type>`. A new column or variant column is first checked against
 * the resource's schema contract, if it has one: the value may then be dropped instead.
 * `float` tells a whole number that the JSON text wrote as a float (`1.0`): it types and
 * writes as a double.
 *
 * @throws {DataError} When the value fits neither the column nor its variant column, or a
 * frozen contract forbids the column; `DiscardRow` for a `discard_row` contract.
 */
export function putValue(
  state: TableState,
  node: FieldNode,
  value: unknown,
  row: RowBuffer,
  run: RunContext,
  float = false,
): void {
  // The rare paths (new columns, variants) live in their own functions so that this one stays
  // small enough for V8 to inline into the flattening loop.
  const column = node.column ?? newColumn(state, node, value, run, float);
  if (column === undefined) return;
  const type = column.data_type;
  // Fast paths for values that already have the column's type.
  switch (typeof value) {
    case "string":
      if (type === "text" || (type === "timestamp" && isIsoDatetime(value))) {
        row.add(node, value);
        return;
      }
      break;
    case "number":
      // Finite and not -0 for double (JSON.stringify writes Infinity as null, -0 as 0);
      // whole and within int64 for bigint.
      if (
        type === "double"
          ? value - value === 0 && (value !== 0 || 1 / value > 0)
          : type === "bigint" && Number.isInteger(value) && value < TWO_63 && value >= -TWO_63
      ) {
        row.add(node, value);
        return;
      }
      break;
    case "boolean":
      if (type === "bool") {
        row.add(node, value);
        return;
      }
      break;
  }
  const coerced = coerceInto(column, value, float);
  if (coerced !== NOT_COERCIBLE) row.add(node, coerced);
  else putVariant(state, node, column, value, row, run, float);
}

/** {@linkcode coerceValue} into `column`, and integers only where its precision holds them. */
function coerceInto(column: Column, value: unknown, float: boolean): unknown {
  const coerced = coerceValue(column.data_type, value, float);
  return column.data_type !== "decimal" || coerced === NOT_COERCIBLE || fitsDecimal(column, value)
    ? coerced
    : NOT_COERCIBLE;
}

/** The column for a node without one: an existing one, or a new one the contract allows. */
function newColumn(
  state: TableState,
  node: FieldNode,
  value: unknown,
  run: RunContext,
  float: boolean,
): Column | undefined {
  const type = inferType(value, float);
  if (type === undefined) return undefined; // functions and symbols cannot be stored
  const exists = state.table!.columns[node.name] !== undefined;
  if (run.contract !== undefined && !exists && !allowNewColumn(state, node, value, run)) {
    return undefined;
  }
  const column = state.ensureColumn(node, type, run.changes);
  // An integer past int64 types a decimal(38,0) column, unless a hint chose the type.
  if (
    !exists && type === "decimal" && column.data_type === "decimal" &&
    state.hints?.get(node.name)?.data_type === undefined
  ) setIntegerDecimal(column);
  return column;
}

/** Puts a value that does not fit `column` into its variant column. */
function putVariant(
  state: TableState,
  node: FieldNode,
  column: Column,
  value: unknown,
  row: RowBuffer,
  run: RunContext,
  float: boolean,
): void {
  const type = valueType(value, float)!;
  const variant = state.variantNode(node, type);
  let variantColumn = variant.column;
  const exists = variantColumn !== undefined || state.table!.columns[variant.name] !== undefined;
  // The contract decides first: it may drop the value or the row instead.
  if (
    run.contract !== undefined && !exists && !allowVariant(state, column, variant, value, run)
  ) return;
  if (!column.nullable) {
    // The row would have no value in the column (its value goes to the variant): a load error.
    throw new DataError(
      `Cannot normalize a record of resource "${run.resource}": value ${describe(value)} does ` +
        `not fit column "${column.name}" (${column.data_type}) of table "${state.name}", which ` +
        `is not nullable (a primary key?); give it a type that holds the value, e.g. ` +
        `columns: {${column.name}: {data_type: "${type}"}}`,
    );
  }
  if (variantColumn === undefined) {
    const inferred = inferType(value, float)!;
    variantColumn = state.ensureColumn(variant, inferred, run.changes);
    if (!exists && inferred === "decimal") setIntegerDecimal(variantColumn);
  }
  const variantValue = coerceInto(variantColumn, value, float);
  if (variantValue === NOT_COERCIBLE) {
    throw new DataError(
      `Cannot normalize a record of resource "${run.resource}": value ${describe(value)} fits ` +
        `neither column "${column.name}" (${column.data_type}) of table "${state.name}" nor ` +
        `its variant column "${variantColumn.name}" (${variantColumn.data_type})`,
    );
  }
  row.add(variant, variantValue);
}

/** The error for a null in a column that is not nullable (dlt's `CannotCoerceNullException`). */
export function nullValueError(state: TableState, node: FieldNode, resource: string): DataError {
  return new DataError(
    `Cannot normalize a record of resource "${resource}": column "${node.name}" of table ` +
      `"${state.name}" is not nullable (a primary key?) but the record has null there`,
  );
}
