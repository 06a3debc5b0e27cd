/**
 * A full disk under the pipeline's working folder is the user's to fix, not a bug: one line
 * naming the folder, and whether the data reached the destination before it happened.
 *
 * @module
 */

import { isDiskFull, UserError } from "../errors.ts";

/** Who ran out of space: the pipeline and its working folder. */
export interface WorkingFolder {
  pipelineName: string;
  /** The working folder's path. */
  folder: string;
}

/**
 * A disk-full error from the working folder before anything was committed, as the message the
 * user needs; any other error is returned as it is. `UserError`s are left alone too: they come
 * from the destination and already name where it writes (a DuckDB file on a full disk).
 */
export function notLoadedDiskFull(err: unknown, where: WorkingFolder): unknown {
  if (!isDiskFull(err) || err instanceof UserError) return err;
  return new UserError(
    `No space left on device in ${where.folder}, the working folder of pipeline ` +
      `"${where.pipelineName}": nothing was loaded. Free some space there (or set ` +
      "DLTX_PIPELINES_DIR to a folder with room) and run again",
    { cause: err },
  );
}

/**
 * A disk-full error of the local bookkeeping after the destination committed: the load is
 * done, and the next run finishes the bookkeeping (the package stays `normalized`, and loading
 * it again is a no-op in the destination). Any other error is returned as it is.
 */
export function loadedDiskFull(
  err: unknown,
  where: WorkingFolder & { loadId: string; location: string },
): unknown {
  if (!isDiskFull(err)) return err;
  return new UserError(
    `Load package ${where.loadId} is loaded into ${where.location}, but the local bookkeeping ` +
      `in ${where.folder} failed: no space left on device. The load is done: free some space ` +
      `and the next run of pipeline "${where.pipelineName}" finishes the bookkeeping ` +
      "(it loads nothing twice)",
    { cause: err },
  );
}
