/**
 * Result rows and their cells as text, shared by the table, CSV and MCP printers.
 *
 * @module
 */

import { jsonReplacer } from "./_format_json.ts";

/** A result row as destinations return it: column name -> value. */
export type Row = Record<string, unknown>;

/** The columns of `rows`: keys in order of first appearance across all rows. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/**
 * A cell as one line of text: dates as ISO 8601, objects and lists as JSON, line breaks
 * escaped so a value never breaks the table's alignment.
 */
export function cellText(value: unknown, nullText = "NULL"): string {
  if (value === null || value === undefined) return nullText;
  return plainText(value).replace(/\r?\n|\r/g, "\\n");
}

/** A non-null value as text: dates as ISO 8601, objects as JSON (bigints exact). */
export function plainText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value, jsonReplacer);
  return String(value);
}
