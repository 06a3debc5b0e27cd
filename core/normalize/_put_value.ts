/**
 * Placing one value into the row being built: typing a new column by the value, coercing into
 * an existing column's type, or falling back to a variant column.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import { isIsoDatetime } from "./_iso.ts";
import type { FieldNode, TableState } from "./_table_state.ts";
import { coerceValue, inferType, NOT_COERCIBLE, valueType } from "./infer.ts";
import type { SchemaChange } from "./normalizer.ts";

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
  const text = String(JSON.stringify(value));
  return text.length > 80 ? text.slice(0, 77) + "..." : text;
}

/**
 * Adds a non-null value of column `node` to `row`: creates the column (typed by the value)
 * when it does not exist, coerces the value into the column's type, or puts it into the
 * variant column `<col>__v_<type>`.
 *
 * @throws {DataError} When the value fits neither the column nor its variant column.
 */
export function putValue(
  state: TableState,
  node: FieldNode,
  value: unknown,
  row: RowBuffer,
  changes: SchemaChange[],
  resource: string,
): void {
  let column = node.column;
  if (column === undefined) {
    const type = inferType(value);
    if (type === undefined) return; // functions and symbols cannot be stored
    column = state.ensureColumn(node, type, changes);
  }
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
      if (type === "double" || (type === "bigint" && Number.isInteger(value))) {
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
  const coerced = coerceValue(type, value);
  if (coerced !== NOT_COERCIBLE) {
    row.add(node, coerced);
    return;
  }
  const variant = state.variantNode(node, valueType(value)!);
  const variantColumn = variant.column ?? state.ensureColumn(variant, inferType(value)!, changes);
  const variantValue = coerceValue(variantColumn.data_type, value);
  if (variantValue === NOT_COERCIBLE) {
    throw new DataError(
      `Cannot normalize a record of resource "${resource}": value ${describe(value)} fits ` +
        `neither column "${column.name}" (${type}) of table "${state.name}" nor its variant ` +
        `column "${variantColumn.name}" (${variantColumn.data_type})`,
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
