/**
 * dlt's file layout template (`{table_name}/{load_id}.{file_id}.{ext}`): validation, the path
 * of a data file and the prefix that holds all files of a table.
 *
 * @module
 */

import { ConfigError } from "../../core/errors.ts";

/** dlt's default layout. */
export const DEFAULT_LAYOUT = "{table_name}/{load_id}.{file_id}.{ext}";

/** pendulum's date tokens dlt offers as placeholders, longest first for the docs. */
const DATETIME_PLACEHOLDERS = [
  "YYYY",
  "YY",
  "Y",
  "MMMM",
  "MMM",
  "MM",
  "M",
  "DD",
  "D",
  "HH",
  "H",
  "mm",
  "m",
  "dddd",
  "ddd",
  "dd",
  "d",
  "Q",
] as const;

const PLACEHOLDERS: ReadonlySet<string> = new Set<string>([
  "schema_name",
  "table_name",
  "load_id",
  "file_id",
  "ext",
  "curr_date",
  "timestamp",
  "load_package_timestamp",
  ...DATETIME_PLACEHOLDERS,
]);

/** Only these may come before `{table_name}`, so a table's files share one prefix. */
const TABLE_PREFIX_PLACEHOLDERS: ReadonlySet<string> = new Set(["schema_name"]);

const PLACEHOLDER = /\{(.*?)\}/g;

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

/** What one data file's path is made of. */
export interface FileParams {
  schemaName: string;
  tableName: string;
  loadId: string;
  fileId: string;
  /** `parquet`, `jsonl`, `csv`, or `jsonl.gz` / `csv.gz` when gzipped (dlt's `{ext}`). */
  ext: string;
}

/** A validated layout template. */
export class Layout {
  readonly template: string;
  readonly #placeholders: string[];
  /** The template up to and including the separator after `{table_name}`. */
  readonly #tablePrefix: string;

  /** @throws {ConfigError} naming what is wrong with `template` */
  constructor(template: string) {
    const placeholders = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
    const unknown = placeholders.filter((p) => !PLACEHOLDERS.has(p));
    if (unknown.length > 0) {
      throw new ConfigError(
        `The filesystem layout "${template}" has unknown placeholder(s) ` +
          `${unknown.map((p) => `{${p}}`).join(", ")}; available: ` +
          [...PLACEHOLDERS].map((p) => `{${p}}`).join(", "),
      );
    }
    const tableAt = placeholders.indexOf("table_name");
    if (tableAt < 0) {
      throw new ConfigError(
        `The filesystem layout "${template}" has no {table_name} placeholder; every table ` +
          `needs its own files, as in "${DEFAULT_LAYOUT}"`,
      );
    }
    const before = placeholders.slice(0, tableAt).filter((p) => !TABLE_PREFIX_PLACEHOLDERS.has(p));
    if (before.length > 0) {
      throw new ConfigError(
        `The filesystem layout "${template}" has ${
          before.map((p) => `{${p}}`).join(", ")
        } before {table_name}; only {schema_name} may come before it, so that the files of ` +
          "a table can be found and replaced",
      );
    }
    const end = template.indexOf("{table_name}") + "{table_name}".length;
    if (end >= template.length || template[end] === "{") {
      throw new ConfigError(
        `The filesystem layout "${template}" needs a separator (such as "/" or ".") after ` +
          "{table_name}, so that a table's files never mix with those of a table whose name " +
          "starts the same",
      );
    }
    if (template.startsWith("/") || template.split("/").some((part) => part === "..")) {
      throw new ConfigError(
        `The filesystem layout "${template}" must be a relative path inside the dataset ` +
          'folder, without a leading "/" or ".." parts',
      );
    }
    this.template = template;
    this.#placeholders = placeholders;
    this.#tablePrefix = template.slice(0, end + 1);
  }

  /**
   * The path of a data file relative to the dataset folder (`/`-separated). Date and time
   * placeholders come from the load id, the load package's creation time (UTC), as dlt takes
   * them from the package: a retried load writes the same paths. Without `{ext}` the
   * extension is appended, as dlt does.
   */
  filePath(params: FileParams): string {
    const values = placeholderValues(params);
    const path = this.template.replace(PLACEHOLDER, (_m, name: string) => values[name]);
    return this.#placeholders.includes("ext") ? path : `${path}.${params.ext}`;
  }

  /**
   * The prefix every file of `tableName` starts with, relative to the dataset folder
   * (`issues/`, or `issues.` for a layout that keeps tables in one folder).
   */
  tablePrefix(schemaName: string, tableName: string): string {
    return this.#tablePrefix.replace(
      PLACEHOLDER,
      (_m, name: string) => name === "table_name" ? tableName : schemaName,
    );
  }
}

/** Every placeholder's value for one file. */
function placeholderValues(params: FileParams): Record<string, string> {
  const seconds = Number(params.loadId.split(".")[0]);
  const date = new Date((Number.isFinite(seconds) ? seconds : 0) * 1000);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  const hour = date.getUTCHours();
  const minute = date.getUTCMinutes();
  const weekday = date.getUTCDay();
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp = String(Math.floor(date.getTime() / 1000));
  return {
    schema_name: params.schemaName,
    table_name: params.tableName,
    load_id: params.loadId,
    file_id: params.fileId,
    ext: params.ext,
    curr_date: `${year}-${pad(month + 1)}-${pad(day)}`,
    timestamp: stamp,
    load_package_timestamp: stamp,
    YYYY: String(year),
    YY: pad(year % 100),
    Y: String(year),
    MMMM: MONTHS[month],
    MMM: MONTHS[month].slice(0, 3),
    MM: pad(month + 1),
    M: String(month + 1),
    DD: pad(day),
    D: String(day),
    HH: pad(hour),
    H: String(hour),
    mm: pad(minute),
    m: String(minute),
    dddd: WEEKDAYS[weekday],
    ddd: WEEKDAYS[weekday].slice(0, 3),
    dd: WEEKDAYS[weekday].slice(0, 2),
    d: String(weekday),
    Q: String(Math.floor(month / 3) + 1),
  };
}
