/**
 * CSV output of query results, written by `csv-stringify` (RFC 4180 quoting).
 *
 * @module
 */

import { stringify } from "csv-stringify/sync";
import { columnsOf, plainText, type Row } from "./_format_cell.ts";

/**
 * CSV with a header line; fields holding a comma, quote or line break are quoted and quotes
 * doubled (RFC 4180). Null is an empty field; dates are ISO 8601, objects JSON. Lines end with
 * `\n`.
 *
 * @example Usage
 * ```ts
 * import { formatCsv } from "./_format_csv.ts";
 * const text = formatCsv([{ id: 1, note: 'say "hi", then go' }]);
 * if (text !== 'id,note\n1,"say ""hi"", then go"\n') throw new Error(text);
 * ```
 */
export function formatCsv(rows: readonly Row[], columns: string[] = columnsOf(rows)): string {
  if (columns.length === 0) return "";
  // Records go in as arrays of strings: csv-stringify's own casts would write dates as epoch
  // milliseconds and booleans as 1/"", and column names as object paths would split on dots.
  const field = (value: unknown) => value === null || value === undefined ? "" : plainText(value);
  const records = [columns, ...rows.map((row) => columns.map((c) => field(row[c])))];
  // A bare carriage return ends a record for many readers, so it is quoted as a line break is.
  return stringify(records, { record_delimiter: "unix", quoted_match: /\r/ });
}
