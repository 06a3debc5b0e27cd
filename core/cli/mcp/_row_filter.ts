/**
 * Row filters of the MCP data tools (`preview_table`, `get_row_counts`), built from
 * structured input rather than taken as SQL: each condition names a column of the table's
 * schema (quoted as an identifier), an operator from a fixed list and a JSON value (written as
 * a literal: strings quoted, numbers checked finite). The conditions are ANDed. Nothing the
 * caller sends becomes SQL text of its own, and the query still runs through the read-only
 * checks and sealed connection of `dltx query`.
 *
 * @module
 */

import { UserError } from "../../errors.ts";
import type { Table } from "../../schema/types.ts";
import { quoteIdent } from "../../sql_quote.ts";

/** The operators a condition may use. */
export const FILTER_OPS = [
  "=",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "like",
  "in",
  "is_null",
  "is_not_null",
] as const;

/** One of {@linkcode FILTER_OPS}. */
export type FilterOp = typeof FILTER_OPS[number];

/** A scalar a condition compares with. */
export type FilterScalar = string | number | boolean;

/** One condition: `column op value`. */
export interface FilterCondition {
  column: string;
  op: FilterOp;
  /** A scalar; a list for `in`; none for `is_null` and `is_not_null`. */
  value?: FilterScalar | FilterScalar[] | null;
}

/** Most conditions in one filter and values in one `in` list. */
export const MAX_CONDITIONS = 20;
const MAX_IN_VALUES = 1000;

/** The columns of `filter` that `table` lacks. */
export function missingColumns(filter: readonly FilterCondition[], table: Table): string[] {
  return [...new Set(filter.map((c) => c.column))].filter((c) => !(c in table.columns));
}

/**
 * The `WHERE ...` clause of `filter` for `table` (`""` for no conditions).
 *
 * @throws {UserError} for a column the table does not have, an unknown operator, or a value
 *   that does not fit the operator
 */
export function whereSql(filter: readonly FilterCondition[] | undefined, table: Table): string {
  if (!filter || filter.length === 0) return "";
  if (filter.length > MAX_CONDITIONS) {
    throw new UserError(`A filter has at most ${MAX_CONDITIONS} conditions`);
  }
  const missing = missingColumns(filter, table);
  if (missing.length > 0) {
    throw new UserError(
      `Table "${table.name}" has no column ${missing.map((c) => `"${c}"`).join(", ")}; its ` +
        `columns: ${Object.keys(table.columns).join(", ")}`,
    );
  }
  return ` WHERE ${filter.map(conditionSql).join(" AND ")}`;
}

function conditionSql(condition: FilterCondition): string {
  const column = quoteIdent(condition.column);
  const { op, value } = condition;
  switch (op) {
    case "is_null":
    case "is_not_null":
      if (value !== undefined && value !== null) {
        throw new UserError(`Operator ${op} takes no value (column "${condition.column}")`);
      }
      return `${column} IS ${op === "is_null" ? "" : "NOT "}NULL`;
    case "in": {
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES) {
        throw new UserError(
          `Operator in takes a list of 1 to ${MAX_IN_VALUES} values (column "${condition.column}")`,
        );
      }
      return `${column} IN (${value.map((v) => literal(v, condition.column)).join(", ")})`;
    }
    case "like":
      if (typeof value !== "string") {
        throw new UserError(`Operator like takes a text pattern (column "${condition.column}")`);
      }
      return `${column} LIKE ${literal(value, condition.column)}`;
    case "=":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
      if (value === undefined || value === null || Array.isArray(value)) {
        throw new UserError(
          `Operator ${op} takes one value (column "${condition.column}"); use is_null for NULL`,
        );
      }
      return `${column} ${op === "!=" ? "<>" : op} ${literal(value, condition.column)}`;
    default: {
      const unknown: never = op;
      throw new UserError(
        `Unknown filter operator ${JSON.stringify(unknown)}; expected one of ${
          FILTER_OPS.join(", ")
        }`,
      );
    }
  }
}

/** A value as an SQL literal: the only way a caller's value reaches the SQL text. */
function literal(value: unknown, column: string): string {
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new UserError(
    `A filter value must be text, a finite number or true/false (column "${column}")`,
  );
}
