/**
 * Whether a path exists: the one check dltx's CLI, destinations and plugins share.
 *
 * @module
 */

/** Options of {@linkcode exists}. */
export interface ExistsOptions {
  /**
   * Whether a symlink counts by what it points to (`Deno.stat`): a dangling one does not exist.
   * With `false` the link itself counts (`Deno.lstat`).
   * @default true
   */
  followSymlinks?: boolean;
}

/**
 * Whether `path` exists (a file, a folder or anything else).
 *
 * @example Usage
 * ```ts
 * import { exists } from "./exists.ts";
 * import { equal } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * equal(await exists(dir), true);
 * equal(await exists(`${dir}/missing`), false);
 * await Deno.remove(dir);
 * ```
 *
 * @param path The path to look at.
 * @param options Whether symlinks are followed.
 * @returns `true` when there is something at `path`, `false` when there is nothing.
 * @throws {Deno.errors.PermissionDenied} and other errors than "not found": they are not an
 *   answer to the question.
 */
export async function exists(path: string, options: ExistsOptions = {}): Promise<boolean> {
  try {
    await (options.followSymlinks === false ? Deno.lstat(path) : Deno.stat(path));
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}
