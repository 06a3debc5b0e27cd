/**
 * The filesystem destination's failures sorted into the user's to fix (the file system said
 * no: a missing or unwritable folder, a full disk; DuckDB's I/O and memory failures) and
 * dltx's bugs.
 *
 * @module
 */

import { destinationError, isDiskFull, type LoaderError } from "../../core/errors.ts";
import { duckDbHint, duckDbJobHint } from "../duckdb/errors.ts";
import { firstLine } from "../duckdb/results.ts";

const FOLDER = "check that the bucket's folder exists, is writable and has free space";

/**
 * What the user can do about `err`, when it is theirs to fix.
 *
 * @param err What the file system or DuckDB threw.
 * @returns The hint, or `undefined` for a failure that is a bug in dltx.
 */
export function filesystemHint(err: unknown): string | undefined {
  if (isDiskFull(err)) return "the disk is full; free some space";
  if (err instanceof Deno.errors.NotFound) {
    return "a file or folder of the dataset is gone (removed while loading?); run again";
  }
  if (err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotCapable) {
    return "dltx may not write there; check the folder's permissions";
  }
  // The only JSON this destination parses is its system files in the bucket.
  if (err instanceof SyntaxError) {
    return "a system file of the dataset is not valid JSON (changed or cut short outside " +
      "dltx?); restore or remove it";
  }
  // Every other error of Deno's file system API (not a directory, busy, ...) or the OS.
  if (Object.values(Deno.errors).some((kind) => err instanceof kind)) return FOLDER;
  return duckDbHint(err);
}

/**
 * The error to throw for a failed file operation: a `UserError` saying what to do for the
 * failures a user causes, an `InternalError` with the original error for the rest;
 * `LoaderError`s pass.
 *
 * @param err What the file system or DuckDB threw.
 * @param what What failed, e.g. `Cannot drop tables users from dataset ds`.
 * @returns The error to throw.
 */
export function filesystemError(err: unknown, what: string): LoaderError {
  return destinationError(err, what, { text: firstLine(err), hint: filesystemHint(err) });
}

/**
 * The error to throw when a job file cannot be written as a data file: as
 * {@linkcode filesystemError}, and a value that does not fit its column is the user's too.
 *
 * @param err What the file system or DuckDB threw.
 * @param what What failed, e.g. `Cannot write table "t" from <job file> to <data file>`.
 * @returns The error to throw.
 */
export function filesystemJobError(err: unknown, what: string): LoaderError {
  return destinationError(err, what, {
    text: firstLine(err),
    hint: filesystemHint(err) ?? duckDbJobHint(err),
  });
}
