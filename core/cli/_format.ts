/**
 * Printing rows and documents for the inspection commands: aligned text tables, CSV, JSON and
 * YAML, plus the small unit formatters (bytes, seconds) their reports share.
 *
 * @module
 */

import { stringify as stringifyYaml } from "yaml";

/** A result row as destinations return it: column name -> value. */
export type Row = Record<string, unknown>;

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

/**
 * An aligned text table: header, dashes, one line per row; numbers align right.
 *
 * @example Usage
 * ```ts
 * import { formatTable } from "./_format.ts";
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
      cells.reduce((w, line) => Math.max(w, line[i].length), c.length)
    );
    // A column whose values are all numbers reads best aligned right, as SQL shells do.
    const numeric = columns.map((c) =>
      rows.length > 0 &&
      rows.every((row) => isNumber(row[c]) || row[c] === null || row[c] === undefined)
    );
    const line = (values: string[]) =>
      indent +
      values.map((v, i) => numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))
        .join("  ").trimEnd() +
      "\n";
    out += line(columns);
    out += line(widths.map((w) => "-".repeat(w)));
    for (const values of cells) out += line(values);
  }
  if (footer) out += `${indent}${rows.length} ${rows.length === 1 ? "row" : "rows"}\n`;
  return out;
}

/**
 * CSV with a header line; fields holding a comma, quote or line break are quoted and quotes
 * doubled (RFC 4180). Null is an empty field. Lines end with `\n`.
 *
 * @example Usage
 * ```ts
 * import { formatCsv } from "./_format.ts";
 * const text = formatCsv([{ id: 1, note: 'say "hi", then go' }]);
 * if (text !== 'id,note\n1,"say ""hi"", then go"\n') throw new Error(text);
 * ```
 */
export function formatCsv(rows: readonly Row[], columns: string[] = columnsOf(rows)): string {
  if (columns.length === 0) return "";
  const field = (value: unknown) => {
    if (value === null || value === undefined) return "";
    const text = plainText(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  let out = columns.map(field).join(",") + "\n";
  for (const row of rows) out += columns.map((c) => field(row[c])).join(",") + "\n";
  return out;
}

/**
 * JSON text (2-space indent, trailing newline). BIGINTs too large for a JS number are written
 * as exact number literals rather than failing or losing digits.
 */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, jsonReplacer, 2) + "\n";
}

/** YAML text of a document (schemas, schema updates). */
export function formatYaml(value: unknown): string {
  return stringifyYaml(value, { aliasDuplicateObjects: false });
}

/** `186B`, `12.3kB`, `4.5MB`, as dlt prints job sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes}B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)}${units[unit]}`;
}

/** The time a load id (seconds since the epoch) stands for, as ISO 8601; `""` if not one. */
export function loadIdTime(loadId: string): string {
  const seconds = Number(loadId);
  return Number.isFinite(seconds) ? new Date(Math.floor(seconds * 1000)).toISOString() : "";
}

function plainText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value, jsonReplacer);
  return String(value);
}

function isNumber(value: unknown): boolean {
  return typeof value === "number" || typeof value === "bigint";
}

/** `JSON.rawJSON` (ES2025, in Deno's V8) is missing from TypeScript's lib types still. */
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

function jsonReplacer(this: unknown, _key: string, value: unknown): unknown {
  return typeof value === "bigint" ? rawJson(value.toString()) : value;
}
