/**
 * DuckDB's failures sorted into the user's to fix (a constraint the data breaks, I/O, memory,
 * tables changed outside dltx) and dltx's bugs, by DuckDB's error type (the `Catalog` of
 * `Catalog Error: ...`). Shared by the destinations that run DuckDB.
 *
 * @module
 */

import { destinationError, isDiskFull, type LoaderError } from "../../core/errors.ts";
import { firstLine } from "./results.ts";

/** What to do about each kind of DuckDB failure the user can fix, by DuckDB's error type. */
const HINTS: Record<string, string> = {
  "Constraint":
    "the data breaks a constraint of a table in the dataset (one added outside dltx?); fix " +
    "the data or drop the constraint",
  "IO": "check that the database file's folder exists and is writable, that the disk has " +
    "space, and that no other process has the file open",
  "Out of Memory": "DuckDB ran out of memory; free memory on this machine or load less at once",
  "Catalog": "the dataset's tables differ from the pipeline's schema (changed outside dltx?); " +
    "undo that change, or drop the tables (dltx pipeline <name> drop <resource>) so the next " +
    "run creates them again",
  "Dependency": "an object created outside dltx (a view, an index) depends on a table dltx " +
    "changes; drop that object",
  "Permission": "the database may not be written here (opened read-only, or denied by the " +
    "file's permissions)",
  "Interrupt": "the statement was interrupted; run again",
};

const DISK_FULL = "the disk of the database file is full; free some space there";

/** Types of DuckDB failures of a job file's values: they do not fit the table. */
const DATA_TYPES = new Set(["Invalid Input", "Conversion", "Mismatch Type", "Out of Range"]);
const DATA_HINT = "a value of the job file does not fit its column (a column type changed " +
  "outside dltx, or the file was edited?); fix the column or the file";

/**
 * DuckDB's error type of `err` or an error in its cause chain: `Constraint` for
 * `Constraint Error: ...`, `Out of Memory` for `Out of Memory Error: ...`.
 *
 * @param err Any error.
 * @returns The type, or `undefined` when no error of the chain is DuckDB's.
 */
export function duckDbErrorType(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    const m = /^([A-Za-z][A-Za-z ]*?) Error: /.exec(e.message);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * The error to throw for a failed DuckDB statement: a `UserError` saying what to do for the
 * failures a user causes (see `HINTS`), an `InternalError` with the original error for the
 * rest (a binder, parser or conversion error in SQL dltx wrote is a bug); `LoaderError`s pass.
 *
 * @param err What DuckDB threw.
 * @param what What failed, e.g. `Cannot load package 1712.3 into duckdb:/data/x.duckdb`.
 * @returns The error to throw.
 */
export function duckDbError(err: unknown, what: string): LoaderError {
  return destinationError(err, what, { text: firstLine(err), hint: duckDbHint(err) });
}

/**
 * What the user can do about a DuckDB failure, when it is theirs to fix.
 *
 * @param err Any error.
 * @returns The hint, or `undefined` for a failure that is a bug in dltx (or not DuckDB's).
 */
export function duckDbHint(err: unknown): string | undefined {
  // DuckDB reports a full disk under several types (IO, TransactionContext, FATAL).
  if (isDiskFull(err)) return DISK_FULL;
  const type = duckDbErrorType(err);
  return type === undefined ? undefined : HINTS[type];
}

/**
 * The error to throw when a job file fails to load: as {@linkcode duckDbError}, and a value
 * that does not fit its column (a conversion, malformed JSON) is the user's to fix too.
 *
 * @param err What DuckDB threw.
 * @param what What failed, e.g. `Cannot load table "t" from <job file>`.
 * @returns The error to throw.
 */
export function duckDbJobError(err: unknown, what: string): LoaderError {
  return destinationError(err, what, { text: firstLine(err), hint: duckDbJobHint(err) });
}

/**
 * What the user can do about a job file that failed to load, when it is theirs to fix: as
 * {@linkcode duckDbHint}, and a value that does not fit its column.
 *
 * @param err Any error.
 * @returns The hint, or `undefined` for a failure that is a bug in dltx.
 */
export function duckDbJobHint(err: unknown): string | undefined {
  const type = duckDbErrorType(err);
  return duckDbHint(err) ?? (type !== undefined && DATA_TYPES.has(type) ? DATA_HINT : undefined);
}
