/**
 * Job file names as dlt writes them: `<table>.<file_id>.<retry>.<format>`.
 *
 * @module
 */

import { DataError } from "../errors.ts";

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

/** Builds `<table>.<file_id>.<retry>.<format>`. */
export function formatJobFileName(name: JobFileName): string {
  return `${name.table}.${name.fileId}.${name.retry}.${name.format}`;
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
