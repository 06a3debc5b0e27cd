/**
 * PostgreSQL's failures sorted into the user's to fix (a constraint the data breaks, a value
 * that does not fit its column, I/O, resources, permissions, tables changed outside dltx, a
 * lost connection) and dltx's bugs, by SQLSTATE.
 *
 * @module
 */

import { destinationError, type LoaderError } from "../../core/errors.ts";
import { errorText, sqlState } from "./_connect.ts";

const CONNECTION = "the connection to PostgreSQL broke; check that the server is running " +
  "and reachable, then run again (nothing of this load was committed)";
const CATALOG = "the dataset's tables differ from the pipeline's schema (changed outside " +
  "dltx?); undo that change, or drop the tables (dltx pipeline <name> drop <resource>) so " +
  "the next run creates them again";

/** What to do, by SQLSTATE class (the first two characters). */
const CLASS_HINTS: Record<string, string> = {
  "08": CONNECTION,
  "22": "a value does not fit its column (a column type changed outside dltx?); fix the " +
    "data or the column",
  "23": "the data breaks a constraint of a table in the dataset (one added outside dltx?); " +
    "fix the data or drop the constraint",
  "28": "the server refused the user; check the credentials and the user's privileges",
  "40": "another session changed the same rows at the same time; run again",
  "53": "the server lacks resources (disk, memory or connections); free some or ask its " +
    "administrator",
  "57": "the server stopped the statement (a statement timeout, a shutdown or an " +
    "administrator); run again",
  "58": "the server failed reading or writing its files; ask its administrator",
};

/** What to do, by full SQLSTATE, where the class says too little. */
const CODE_HINTS: Record<string, string> = {
  "42501": "the user lacks a privilege on the dataset; grant it (GRANT ... ON SCHEMA ...)",
  "25006": "the server is read-only (a standby?); connect to the primary",
  "55P03": "another session holds a lock on a table of the dataset; run again when it is done",
  "55006": "another session uses a table of the dataset; run again when it is done",
  "2BP01": "an object created outside dltx (a view) depends on a table dltx changes; drop it",
  "3D000": CATALOG,
  "3F000": CATALOG,
  "42P01": CATALOG,
  "42P07": CATALOG,
  "42703": CATALOG,
  "42701": CATALOG,
  "42704": CATALOG,
  "42710": CATALOG,
  "42809": CATALOG,
};

/** OS errors of the socket or a job file: a broken connection or the file system. */
const OS_HINTS: Record<string, string> = {
  ECONNRESET: CONNECTION,
  ECONNREFUSED: CONNECTION,
  EPIPE: CONNECTION,
  ETIMEDOUT: CONNECTION,
  EHOSTUNREACH: CONNECTION,
  ENETUNREACH: CONNECTION,
  ENOENT: "a job file is missing; check that nothing removed files of the pipeline's folder",
  EACCES: "a job file may not be read; check the permissions of the pipeline's folder",
  ENOSPC: "the disk is full; free some space",
};

/**
 * What the user can do about `err`, when it is theirs to fix.
 *
 * @param err What `pg` or the file system threw.
 * @returns The hint, or `undefined` for a failure that is a bug in dltx.
 */
export function postgresHint(err: unknown): string | undefined {
  const state = sqlState(err);
  if (state !== undefined) return CODE_HINTS[state] ?? CLASS_HINTS[state.slice(0, 2)];
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code in OS_HINTS) return OS_HINTS[code];
  // `pg`'s own words when the server or the socket went away mid-statement.
  if (/Connection terminated|connection (?:was )?(?:closed|lost)/i.test(errorText(err))) {
    return CONNECTION;
  }
  return undefined;
}

/**
 * The error to throw for a failed PostgreSQL statement: a `UserError` with the server's first
 * line, its detail, the COPY line and what to do, for failures the user causes; an
 * `InternalError` with the original error for the rest (a syntax error in SQL dltx wrote is a
 * bug); `LoaderError`s pass.
 *
 * @param err What `pg` threw.
 * @param what What failed, e.g. `Cannot load table "t" from <job file>`.
 * @returns The error to throw.
 */
export function postgresError(err: unknown, what: string): LoaderError {
  const detail = (err as { detail?: unknown } | null)?.detail;
  const where = (err as { where?: unknown } | null)?.where;
  let text = errorText(err);
  if (typeof detail === "string" && detail !== "") text += ` (${detail.split("\n", 1)[0]})`;
  if (typeof where === "string" && /^COPY /.test(where)) text += ` [${where.split("\n", 1)[0]}]`;
  return destinationError(err, what, { text, hint: postgresHint(err) });
}
