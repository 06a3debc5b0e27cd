/**
 * Job file rows as PostgreSQL `COPY ... FROM STDIN` text format: one line per row, columns
 * separated by tabs, `\N` for NULL, and backslash, newline, carriage return and tab escaped in
 * every value (PostgreSQL's rules for the text format). Values are written in the form the
 * column's type reads exactly: integers past 2^53 as their digits, floats in their shortest
 * round-trip digits, JSON as its text with exact numbers, ISO timestamps as they came (a comma
 * before the fraction becomes a point, which PostgreSQL reads).
 *
 * PostgreSQL text cannot hold the character U+0000 (neither can `jsonb` strings), so it is
 * dropped from text and JSON values and counted, for a warning.
 *
 * @module
 */

import { DataError } from "../../core/errors.ts";
import { hasRiskyNumber, parseJson, stringifyJson } from "../../core/json/mod.ts";
import type { Column, DataType } from "../../core/schema/types.ts";

/** PostgreSQL's NULL in the text format. */
const NULL = "\\N";
const SPECIAL = /[\\\n\r\t\0]/;
const SPECIALS = /[\\\n\r\t\0]/g;
const ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\0": "",
};

/** What encoding rows met that the caller may want to report. */
export interface EncodeStats {
  /** Values that had U+0000 characters dropped, by column. */
  droppedNul: Map<string, number>;
}

/** Escapes one value for the text format; drops U+0000 (counted in `stats`). */
export function escapeCopyText(value: string, column: string, stats?: EncodeStats): string {
  if (!SPECIAL.test(value)) return value;
  if (stats !== undefined && value.includes("\0")) {
    stats.droppedNul.set(column, (stats.droppedNul.get(column) ?? 0) + 1);
  }
  return value.replace(SPECIALS, (c) => ESCAPES[c]);
}

type Encoder = (value: unknown) => string;

/** The text of one value of a column of type `type` (never null: the caller writes `\N`). */
function encoderFor(column: Column, stats: EncodeStats): Encoder {
  const name = column.name;
  const type: DataType = column.data_type;
  switch (type) {
    case "text":
      return (v) => escapeCopyText(typeof v === "string" ? v : scalarText(v), name, stats);
    case "bigint":
    case "decimal":
      return (v) => typeof v === "string" ? escapeCopyText(v, name, stats) : scalarText(v);
    case "double":
      return (v) => scalarText(v);
    case "bool":
      return (v) => v === true ? "t" : v === false ? "f" : escapeCopyText(String(v), name);
    case "timestamp":
      return (v) => {
        const s = typeof v === "string" ? v : scalarText(v);
        // `2024-01-02T03:04:05,5Z`: ISO 8601 allows a comma, PostgreSQL wants a point.
        return escapeCopyText(s.includes(",") ? s.replace(",", ".") : s, name, stats);
      };
    case "date":
      return (v) => escapeCopyText(typeof v === "string" ? v : scalarText(v), name, stats);
    case "json":
      return (v) => escapeCopyText(jsonText(v, name, stats), name);
    default: {
      const _exhaustive: never = type;
      throw new DataError(`Column "${name}" has an unknown data type "${String(_exhaustive)}"`);
    }
  }
}

/** A number, bigint or boolean as PostgreSQL reads it (`Infinity`, not JSON's `1e400`). */
function scalarText(value: unknown): string {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return String(value);
    return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }
  if (typeof value === "object" && value !== null) return stringifyJson(value);
  return String(value);
}

/** JSON text for a `jsonb` value; strings lose U+0000, which `jsonb` cannot store. */
function jsonText(value: unknown, column: string, stats: EncodeStats): string {
  const text = stringifyJson(value);
  if (!text.includes("\\u0000")) return text;
  stats.droppedNul.set(column, (stats.droppedNul.get(column) ?? 0) + 1);
  return stringifyJson(withoutNul(value));
}

function withoutNul(value: unknown): unknown {
  if (typeof value === "string") return value.replaceAll("\0", "");
  if (Array.isArray(value)) return value.map(withoutNul);
  if (typeof value === "object" && value !== null && !(value instanceof Date)) {
    // Keys may hold U+0000 too; the marks of exact numbers stay on the copy's source values.
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k.replaceAll("\0", "")] = withoutNul(v);
    return out;
  }
  return value;
}

/**
 * Encodes rows of a job file for `COPY <table> (<columns>) FROM STDIN`: takes the file's
 * text (newline-delimited JSON objects) and returns the COPY text of every row, in order.
 * Keys missing in a row are NULL; keys not in `columns` are ignored.
 *
 * @throws {DataError} naming the line when a line is not a JSON object
 */
export class CopyTextEncoder {
  readonly #columns: readonly Column[];
  readonly #encoders: Encoder[];
  /** What the rows met so far. */
  readonly stats: EncodeStats = { droppedNul: new Map() };

  constructor(columns: readonly Column[]) {
    this.#columns = columns;
    this.#encoders = columns.map((c) => encoderFor(c, this.stats));
  }

  /**
   * The COPY text of the rows in `text` (whole lines), in pieces of about `pieceChars`
   * characters, so a caller can stream them.
   *
   * @param where the job file, for errors
   */
  *encode(text: string, where: string, pieceChars = 1 << 20): Generator<string> {
    // Most files hold no number a plain JSON.parse would round: parse those the fast way.
    const parse = hasRiskyNumber(text, "lines") ? parseJson : JSON.parse;
    const columns = this.#columns;
    const encoders = this.#encoders;
    const n = columns.length;
    let piece = "";
    let start = 0;
    let lineNo = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      lineNo++;
      const line = text.slice(start, end);
      start = end + 1;
      if (line.trim() === "") continue;
      let row: Record<string, unknown>;
      try {
        row = parse(line);
      } catch (err) {
        throw new DataError(
          `Cannot read line ${lineNo} of job file ${where}: ${(err as Error).message}`,
          { cause: err },
        );
      }
      if (row === null || typeof row !== "object" || Array.isArray(row)) {
        throw new DataError(`Line ${lineNo} of job file ${where} is not a JSON object`);
      }
      let out = "";
      for (let i = 0; i < n; i++) {
        const value = row[columns[i].name];
        if (i > 0) out += "\t";
        out += value === null || value === undefined ? NULL : encoders[i](value);
      }
      piece += out + "\n";
      if (piece.length >= pieceChars) {
        yield piece;
        piece = "";
      }
    }
    if (piece !== "") yield piece;
  }
}
