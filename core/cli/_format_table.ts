/**
 * Aligned text tables for the inspection commands. Columns are measured in terminal cells
 * (`string-width`), so wide characters (`東京`), combining marks and emoji keep the columns
 * straight where `.length` would not.
 *
 * @module
 */

import stringWidth from "string-width";
import { cellText, columnsOf, type Row } from "./_format_cell.ts";

/** Options of {@linkcode formatTable}. */
export interface TableOptions {
  /** Column order; default: every key of the rows in order of first appearance. */
  columns?: string[];
  /** Text of a null or missing cell. @default "NULL" */
  nullText?: string;
  /** Append a `N rows` line. @default true */
  footer?: boolean;
  /** Prefix of every line (indenting a table inside a report). @default "" */
  indent?: string;
}

/**
 * An aligned text table: header, dashes, one line per row; numbers align right.
 *
 * @example Usage
 * ```ts
 * import { formatTable } from "./_format_table.ts";
 * const text = formatTable([{ id: 1, name: "a" }, { id: 22, name: null }]);
 * if (text !== "id  name\n--  ----\n 1  a\n22  NULL\n2 rows\n") throw new Error(text);
 * ```
 */
export function formatTable(rows: readonly Row[], options: TableOptions = {}): string {
  const { nullText = "NULL", footer = true, indent = "" } = options;
  const columns = options.columns ?? columnsOf(rows);
  let out = "";
  if (columns.length > 0) {
    const cells = rows.map((row) => columns.map((c) => cellText(row[c], nullText)));
    const widths = columns.map((c, i) =>
      cells.reduce((w, line) => Math.max(w, stringWidth(line[i])), stringWidth(c))
    );
    // A column whose values are all numbers reads best aligned right, as SQL shells do.
    const numeric = columns.map((c) =>
      rows.length > 0 &&
      rows.every((row) => isNumber(row[c]) || row[c] === null || row[c] === undefined)
    );
    const line = (values: string[]) =>
      indent +
      values.map((v, i) => {
        const pad = " ".repeat(Math.max(0, widths[i] - stringWidth(v)));
        return numeric[i] ? pad + v : v + pad;
      }).join("  ").trimEnd() +
      "\n";
    out += line(columns);
    out += line(widths.map((w) => "-".repeat(w)));
    for (const values of cells) out += line(values);
  }
  if (footer) out += `${indent}${rows.length} ${rows.length === 1 ? "row" : "rows"}\n`;
  return out;
}

function isNumber(value: unknown): boolean {
  return typeof value === "number" || typeof value === "bigint";
}
