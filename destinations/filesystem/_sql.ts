/**
 * The SQL the filesystem destination runs on DuckDB: quoting, dlt's type mapping and the
 * `COPY` that turns a job file into a data file.
 *
 * @module
 */

import type { Column } from "../../core/schema/types.ts";
import { maximumObjectSizeArg } from "../duckdb/read_limits.ts";
import { DUCKDB_TYPES, duckdbType, quoteIdent, quoteLiteral } from "../duckdb/sql.ts";

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

const COPY_OPTIONS: Readonly<Record<Exclude<FileFormat, "jsonl">, string>> = {
  parquet: "FORMAT parquet",
  csv: "FORMAT csv, HEADER true",
};

/** Whether dlt gzips files of `format` (unless `disable_compression`): JSONL and CSV. */
export function compressible(format: FileFormat): boolean {
  return format !== "parquet";
}

/**
 * A timestamp as dlt writes it into JSONL and CSV files (Python's `isoformat()` of a UTC
 * datetime): `2024-03-01T10:00:00+00:00`, with `.ffffff` only when there are microseconds.
 * The session time zone is UTC, so every value's offset is `+00:00`.
 */
function timestampText(column: string): string {
  return `CASE WHEN microsecond(${column}) % 1000000 = 0 ` +
    `THEN strftime(${column}, '%Y-%m-%dT%H:%M:%S+00:00') ` +
    `ELSE strftime(${column}, '%Y-%m-%dT%H:%M:%S.%f+00:00') END`;
}

/**
 * One JSON object per row without the keys whose value is NULL, as dlt writes JSONL (its rows
 * leave missing values out): each value through DuckDB's `to_json`, which writes it as
 * `COPY ... (FORMAT json)` would, skipped by `concat_ws` when NULL.
 */
function jsonLine(columns: readonly Column[], values: readonly string[]): string {
  const members = columns.map((c, i) =>
    `CASE WHEN ${values[i]} IS NOT NULL THEN ${quoteLiteral(`${JSON.stringify(c.name)}:`)} || ` +
    `to_json(${values[i]}) END`
  );
  return `'{' || concat_ws(',', ${members.join(", ")}) || '}'`;
}

/**
 * The lines of `jsonLine` written verbatim: a CSV of one column whose delimiter and quote are
 * control characters, which `to_json` always escapes, and with no header.
 */
const JSON_LINES = "FORMAT csv, HEADER false, DELIMITER '\x01', QUOTE '\x02', ESCAPE '\x02'";

/**
 * `COPY (SELECT <columns> FROM read_json(<job>, columns={...})) TO <target> (...)`: one
 * newline-delimited JSON job file into a data file. Every column gets its type from the
 * schema, so DuckDB detects nothing: keys missing in a row become NULL, ISO timestamps with
 * `Z` or an offset become TIMESTAMPTZ (written back as dlt spells them), json columns stay
 * JSON text. JSONL rows leave NULL values out, as dlt's do. With `compress`, JSONL and CSV
 * files are gzipped, as dlt writes them.
 */
export function copyJobSql(
  columns: readonly Column[],
  jobPath: string,
  target: string,
  options: { format: FileFormat; compress?: boolean; maximumObjectSize?: number },
): string {
  const { format } = options;
  const values = columns.map((c) => {
    const name = quoteIdent(c.name);
    return c.data_type === "timestamp" && format !== "parquet" ? timestampText(name) : name;
  });
  const select = format === "jsonl"
    ? `${jsonLine(columns, values)} AS line`
    : values.map((v, i) => `${v} AS ${quoteIdent(columns[i].name)}`).join(", ");
  const compression = options.compress && compressible(format) ? ", COMPRESSION gzip" : "";
  const copyOptions = format === "jsonl" ? JSON_LINES : COPY_OPTIONS[format];
  return `COPY (SELECT ${select} FROM read_json(${literalList([jobPath])}, ` +
    `format='newline_delimited', records=true, columns=${jsonColumnsArg(columns)}` +
    `${maximumObjectSizeArg(options.maximumObjectSize)})) ` +
    `TO ${quoteLiteral(target)} (${copyOptions}${compression})`;
}
