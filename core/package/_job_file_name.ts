/**
 * Job file names as dlt writes them: `<table>.<file_id>.<retry>.<format>`. A table name
 * longer than {@linkcode MAX_JOB_TABLE_PART} bytes is shortened in the file name the way
 * dlt's naming convention shortens identifiers (the middle replaced by a hash tag of the whole
 * name), so a job file name never grows past ~130 bytes whatever the table (~40 levels of
 * nested lists make table names of 400+ characters; a file name may have 255 bytes). The
 * package's schema maps a shortened part back to its table: {@linkcode resolveJobTable}.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import { shortenIdentifier } from "../normalize/mod.ts";

/** Longest table part of a job file name, in UTF-8 bytes. */
export const MAX_JOB_TABLE_PART = 100;

/** The parts of a job file name. */
export interface JobFileName {
  table: string;
  /** Random id that makes the file unique within its table (10 hex chars, as dlt). */
  fileId: string;
  /** How many times the job was retried; part of the name so a retry never clobbers. */
  retry: number;
  /** File format extension, `jsonl` for every job dltx writes. */
  format: string;
}

/** The extension of the newline-delimited JSON job files dltx writes. */
export const JOB_FILE_FORMAT = "jsonl";

/** Builds `<table>.<file_id>.<retry>.<format>`, with a long table name shortened. */
export function formatJobFileName(name: JobFileName): string {
  return `${jobFileTablePart(name.table)}.${name.fileId}.${name.retry}.${name.format}`;
}

const encoder = new TextEncoder();

/**
 * The table's part of a job file name: the table name itself, or, when it is longer than
 * {@linkcode MAX_JOB_TABLE_PART} bytes, shortened as dlt's `shorten_identifier` does.
 */
export function jobFileTablePart(table: string): string {
  let part = table;
  // Non-ASCII digits take more than a byte each: shorten further until the bytes fit.
  for (let chars = MAX_JOB_TABLE_PART; encoder.encode(part).length > MAX_JOB_TABLE_PART;) {
    part = shortenIdentifier(table, table, chars);
    chars -= 10;
  }
  return part;
}

/**
 * Maps the table parts of job file names back to their tables, for the tables whose names
 * were shortened (the others are their own part).
 *
 * @param tables the table names of the package's schema
 */
export function shortenedJobTables(tables: Iterable<string>): Map<string, string> {
  const byPart = new Map<string, string>();
  for (const table of tables) {
    const part = jobFileTablePart(table);
    if (part !== table) byPart.set(part, table);
  }
  return byPart;
}

/**
 * Parses a job file name. The last three dot-separated parts are the file id, retry count and
 * format; everything before them is the table, so a table name containing dots still parses
 * (normalized names never contain dots, but hand-made packages may).
 *
 * @throws {DataError} when the name does not have the `<table>.<file_id>.<retry>.<format>` shape.
 */
export function parseJobFileName(fileName: string): JobFileName {
  const parts = fileName.split(".");
  const retry = Number(parts[parts.length - 2]);
  if (parts.length < 4 || !Number.isInteger(retry) || retry < 0 || parts[0] === "") {
    throw new DataError(
      `Job file name "${fileName}" is not of the form <table>.<file_id>.<retry>.<format>`,
    );
  }
  return {
    table: parts.slice(0, -3).join("."),
    fileId: parts[parts.length - 3],
    retry,
    format: parts[parts.length - 1],
  };
}

/** A new random file id: 5 random bytes as 10 hex chars, like dlt's `new_file_id()`. */
export function newFileId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(5));
  let id = "";
  for (const b of bytes) id += b.toString(16).padStart(2, "0");
  return id;
}
