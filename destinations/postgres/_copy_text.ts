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
import { parseJson, riskyNumberSpans, stringifyJson } from "../../core/json/mod.ts";
import type { Column, DataType } from "../../core/schema/types.ts";
import { CopyScanner } from "./_copy_scan.ts";

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

/**
 * A number token JSON.parse would read inexactly (past 2^53, `1.0`, `1e400`) reaches the
 * encoders as this character followed by the token's text (see {@linkcode quoteRiskyNumbers}).
 */
const MARK = 0;
/** Marked tokens inside JSON text written by `JSON.stringify`: back to bare numbers. */
const MARKED_IN_JSON = /"\\u0000([-+.0-9eE]+)"/g;

function isMarked(v: unknown): v is string {
  return typeof v === "string" && v.charCodeAt(0) === MARK;
}

/** The text of one value of a column of type `type` (never null: the caller writes `\N`). */
function encoderFor(column: Column, stats: EncodeStats): Encoder {
  const name = column.name;
  const type: DataType = column.data_type;
  switch (type) {
    case "text":
      return (v) =>
        typeof v !== "string"
          ? escapeCopyText(scalarText(v), name, stats)
          : isMarked(v)
          ? v.slice(1)
          : escapeCopyText(v, name, stats);
    case "bigint":
    case "decimal":
      return (v) =>
        typeof v !== "string"
          ? scalarText(v)
          : isMarked(v)
          ? v.slice(1)
          : escapeCopyText(v, name, stats);
    case "double":
      // A marked token is `1.0`, `1e400` or digits past 2^53: its number, or Infinity.
      return (v) => scalarText(isMarked(v) ? Number(v.slice(1)) : v);
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

/**
 * JSON text for a `jsonb` value with its numbers exact (marked tokens written bare again);
 * strings lose U+0000, which `jsonb` cannot store.
 */
function jsonText(value: unknown, column: string, stats: EncodeStats): string {
  const text = stringifyJson(value);
  if (!text.includes("\\u0000")) return text;
  const unmarked = text.replace(MARKED_IN_JSON, "$1");
  if (!unmarked.includes("\\u0000")) return unmarked;
  stats.droppedNul.set(column, (stats.droppedNul.get(column) ?? 0) + 1);
  return stringifyJson(withoutNul(value));
}

/** `value` with U+0000 taken out of every string and key (which PostgreSQL cannot store). */
export function withoutNul(value: unknown): unknown {
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
  /**
   * The COPY text (UTF-8) of the rows of a job file's bytes, in chunks of about `chunkBytes`.
   *
   * @param where the job file, for errors
   */
  *encodeBytes(bytes: Uint8Array, where: string, chunkBytes = 1 << 20): Generator<Uint8Array> {
    // The job writer's own files take the scanner, which copies each value's bytes as they are.
    const scanned = new CopyScanner(this.#columns, this.stats).scan(bytes, chunkBytes);
    if (scanned !== undefined) {
      yield* scanned;
      return;
    }
    const encoder = new TextEncoder();
    const text = new TextDecoder().decode(bytes);
    for (const piece of this.encode(text, where, chunkBytes)) yield encoder.encode(piece);
  }

  /**
   * The COPY text of the rows in `text` (whole lines), parsed row by row, in pieces of about
   * `pieceChars` characters: the way for files the scanner does not take.
   *
   * @param where the job file, for errors
   */
  *encode(text: string, where: string, pieceChars = 1 << 20): Generator<string> {
    const columns = this.#columns;
    const encoders = this.#encoders;
    const n = columns.length;
    let piece = "";
    for (const row of parseRows(text, where)) {
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

type JobRow = Record<string, unknown>;

/**
 * The rows of a job file. The whole file is parsed at once by `JSON.parse`, with every number
 * token it would read inexactly quoted first and marked (see {@linkcode MARK}), which keeps
 * the exact digits at the cost of one scan. A file holding `\u0000` escapes (where a marked
 * string could not be told from data) takes the slower exact parse line by line.
 *
 * @throws {DataError} naming the line that is not a JSON object
 */
function parseRows(text: string, where: string): JobRow[] {
  const lines = text.split("\n");
  if (!text.includes("\\u0000")) {
    const joined = `[${lines.filter((l) => l.trim() !== "").join(",")}]`;
    try {
      const rows = JSON.parse(quoteRiskyNumbers(joined)) as unknown[];
      if (rows.every(isObject)) return rows as JobRow[];
    } catch { /* find the bad line below */ }
  }
  const rows: JobRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    let row: unknown;
    try {
      row = parseJson(lines[i]);
    } catch (err) {
      throw new DataError(
        `Cannot read line ${i + 1} of job file ${where}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (!isObject(row)) {
      throw new DataError(`Line ${i + 1} of job file ${where} is not a JSON object`);
    }
    rows.push(row);
  }
  return rows;
}

function isObject(value: unknown): value is JobRow {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `text` with each risky number token turned into a marked string (`1.0` -> `"\u00001.0"`). */
export function quoteRiskyNumbers(text: string): string {
  const spans = riskyNumberSpans(text);
  if (spans.length === 0) return text;
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < spans.length; i += 2) {
    parts.push(text.slice(from, spans[i]), '"\\u0000', text.slice(spans[i], spans[i + 1]), '"');
    from = spans[i + 1];
  }
  parts.push(text.slice(from));
  return parts.join("");
}
