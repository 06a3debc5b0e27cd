/**
 * The SQL the filesystem destination runs on DuckDB: quoting, dlt's type mapping and the
 * `COPY` that turns a job file into a data file.
 *
 * @module
 */

import type { Column } from "../../core/schema/types.ts";
import {
  DUCKDB_TYPES,
  duckdbType,
  maximumObjectSizeArg,
  quoteIdent,
  quoteLiteral,
} from "../duckdb/mod.ts";

export { DUCKDB_TYPES, duckdbType, quoteIdent, quoteLiteral };

/** The formats data files are written in (dlt's `loader_file_format` values). */
export type FileFormat = "parquet" | "jsonl" | "csv";

/** Every {@linkcode FileFormat}. */
export const FILE_FORMATS: readonly FileFormat[] = ["parquet", "jsonl", "csv"];

/** `['a', 'b']` */
export function literalList(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(", ")}]`;
}

/** `{'a': 'BIGINT', ...}`: the `columns` argument of `read_json` for `columns`. */
export function jsonColumnsArg(columns: readonly Column[]): string {
  const types = columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(duckdbType(c))}`);
  return `{${types.join(", ")}}`;
}

/**
 * Timestamps in JSONL and CSV files as ISO 8601 with the offset written out, as dlt writes
 * them. The session time zone is UTC, so every value's offset is `+00:00`.
 */
const TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00";

const COPY_OPTIONS: Readonly<Record<FileFormat, string>> = {
  parquet: "FORMAT parquet",
  jsonl: `FORMAT json, TIMESTAMPFORMAT ${quoteLiteral(TIMESTAMP_FORMAT)}`,
  csv: `FORMAT csv, HEADER true, TIMESTAMPFORMAT ${quoteLiteral(TIMESTAMP_FORMAT)}`,
};

/**
 * `COPY (SELECT <columns> FROM read_json(<job>, columns={...})) TO <target> (...)`: one
 * newline-delimited JSON job file into a data file. Every column gets its type from the
 * schema, so DuckDB detects nothing: keys missing in a row become NULL, ISO timestamps with
 * `Z` or an offset become TIMESTAMPTZ, json columns stay JSON text.
 */
export function copyJobSql(
  columns: readonly Column[],
  jobPath: string,
  target: string,
  options: { format: FileFormat; maximumObjectSize?: number },
): string {
  const names = columns.map((c) => quoteIdent(c.name)).join(", ");
  return `COPY (SELECT ${names} FROM read_json(${literalList([jobPath])}, ` +
    `format='newline_delimited', records=true, columns=${jsonColumnsArg(columns)}` +
    `${maximumObjectSizeArg(options.maximumObjectSize)})) ` +
    `TO ${quoteLiteral(target)} (${COPY_OPTIONS[options.format]})`;
}
