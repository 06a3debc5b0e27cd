/**
 * `dltx add connector <name> --pin`: accepts the edits made to a vendored connector (a
 * customised built-in, a patched plugin) by recording its files' sha256 in `dltx.lock` again,
 * after the same checks `dltx add` makes (no plugin code runs). Where it came from (spec, url)
 * stays as it was.
 *
 * @module
 */

import { ConfigError } from "../core/errors.ts";
import {
  checkSelfContained,
  exists,
  hashFiles,
  listFiles,
  readFiles,
  readPluginMeta,
  vendoredDir,
  vendoredPath,
} from "./_store.ts";
import type { FileChange, InstallResult } from "./install_plugin.ts";
import { type LockedConnector, LOCKFILE_NAME, readLockfile, writeLockfile } from "./lockfile.ts";

/**
 * Re-pins a vendored connector as its folder is now.
 *
 * @param projectDir the project root.
 * @param name the connector's name.
 * @returns `unchanged` when the lock already matched, else `updated` with the changed files.
 * @throws {ConfigError} when it is not vendored, imports anything but its own files, or its
 *   definition is invalid.
 */
export async function pinVendored(projectDir: string, name: string): Promise<InstallResult> {
  const dir = vendoredDir(projectDir, name);
  if (!(await exists(dir))) {
    throw new ConfigError(
      `There is no ${vendoredPath(name)} to pin; add the connector first with ` +
        `\`dltx add connector <spec>\``,
    );
  }
  const lock = await readLockfile(projectDir);
  const previous = Object.hasOwn(lock.connectors, name) ? lock.connectors[name] : undefined;
  const files = await readFiles(dir, await listFiles(dir, name));
  const display = (path: string) => vendoredPath(name, path);
  const entry = previous?.entry ?? guessEntry(name, [...files.keys()]);
  if (!files.has(entry)) {
    throw new ConfigError(`Cannot pin ${display(entry)}: the connector's entry file is missing`);
  }
  checkSelfContained(files, display);
  const definition = await readPluginMeta(dir, entry, { files, display });

  const hashes = await hashFiles(files);
  const changes = changedFiles(previous?.files ?? {}, hashes);
  // Marked, so that `--update` does not replace the edits without `--force`.
  const edited = previous?.edited || (previous !== undefined && changes.length > 0);
  const locked: LockedConnector = previous ? { ...previous, files: hashes } : {
    name,
    spec: `./${vendoredPath(name, entry)}`,
    kind: "path",
    resolved_version: definition.version ?? null,
    path: vendoredPath(name, entry),
    entry,
    files: hashes,
  };
  if (edited) locked.edited = true;
  if (previous && changes.length === 0) {
    return { name, locked, status: "unchanged", changes, diff: "" };
  }
  lock.connectors[name] = locked;
  await writeLockfile(projectDir, lock);
  return { name, locked, status: previous ? "updated" : "added", changes, diff: "" };
}

/** A folder that was never locked: `<name>.ts` (or .js, .json, .yaml), or its only file. */
function guessEntry(name: string, paths: string[]): string {
  const byName = ["ts", "js", "mjs", "json", "yaml", "yml"].map((ext) => `${name}.${ext}`);
  const entry = byName.find((p) => paths.includes(p)) ?? (paths.length === 1 ? paths[0] : "");
  if (!entry) {
    throw new ConfigError(
      `Cannot pin ${vendoredPath(name)}: it is not in ${LOCKFILE_NAME} and has no ${name}.ts, ` +
        `${name}.json or ${name}.yaml to load`,
    );
  }
  return entry;
}

function changedFiles(before: Record<string, string>, after: Record<string, string>) {
  const changes: FileChange[] = [];
  const paths = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const path of paths) {
    if (before[path] === after[path]) continue;
    const change = before[path] === undefined
      ? "added"
      : after[path] === undefined
      ? "removed"
      : "changed";
    changes.push({ path, change });
  }
  return changes;
}
