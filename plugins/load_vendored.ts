/**
 * Loads a project's vendored connector for `dltx run <name>`: only from
 * `.dltx/connectors/<name>/`, and only after every file's sha256 matches `dltx.lock` and no
 * file imports anything but its siblings. No network is involved.
 *
 * @module
 */

import { exists } from "../core/exists.ts";
import { ConfigError } from "../core/errors.ts";
import type { Connector } from "../core/source/types.ts";
import { sha256Hex } from "./_hash.ts";
import {
  checkSelfContained,
  CONNECTOR_NAME,
  listFiles,
  loadConnectorFrom,
  readFiles,
  vendoredDir,
  vendoredPath,
} from "./_store.ts";
import { type LockedConnector, LOCKFILE_NAME, readLockfile } from "./lockfile.ts";

/** A verified, loaded vendored connector. */
export interface VendoredConnector {
  /** The definition; its `name` is the name it was added under. */
  connector: Connector;
  /** Its `dltx.lock` entry. */
  locked: LockedConnector;
}

/**
 * Whether the project has vendored a connector of that name (in `dltx.lock` or as a folder).
 *
 * @param projectDir the project root.
 * @param name a connector name (anything else is never vendored).
 */
export async function hasVendoredConnector(projectDir: string, name: string): Promise<boolean> {
  if (!CONNECTOR_NAME.test(name)) return false;
  if (await exists(vendoredDir(projectDir, name), { followSymlinks: false })) return true;
  const lock = await readLockfile(projectDir);
  return Object.hasOwn(lock.connectors, name);
}

/**
 * Verifies and loads `.dltx/connectors/<name>/`.
 *
 * @example Usage
 * ```ts ignore
 * import { loadVendoredConnector } from "./load_vendored.ts";
 * const { connector } = await loadVendoredConnector(Deno.cwd(), "github");
 * ```
 * @param projectDir the project root (where `dltx.lock` lives).
 * @param name the connector's name in `dltx.lock`.
 * @returns the connector and its lock entry.
 * @throws {ConfigError} for a missing lock entry, a changed, missing or extra file, an import
 *   of anything outside the folder, or an invalid definition.
 */
export async function loadVendoredConnector(
  projectDir: string,
  name: string,
): Promise<VendoredConnector> {
  const lock = await readLockfile(projectDir);
  const locked = Object.hasOwn(lock.connectors, name) ? lock.connectors[name] : undefined;
  const dir = vendoredDir(projectDir, name);
  if (!locked) {
    throw new ConfigError(
      `${vendoredPath(name)} is not pinned in ${LOCKFILE_NAME}, so its files cannot be ` +
        `verified; add it with \`dltx add connector <spec>\`, or pin the folder as it is with ` +
        `\`dltx add connector ${name} --pin\``,
    );
  }
  const files = await verifyVendored(dir, locked);
  const display = (path: string) => vendoredPath(name, path);
  checkSelfContained(files, display);
  const connector = await loadConnectorFrom(dir, locked.entry, {
    paths: files.keys(),
    display,
    label: `"${name}" (${display(locked.entry)})`,
  });
  // The lock's name wins (`dltx add --name`): config sections and pipeline names follow it.
  return { connector: { ...connector, name }, locked };
}

/**
 * Checks every file of a vendored connector against its lock entry.
 *
 * @param dir the connector's folder.
 * @param locked its `dltx.lock` entry.
 * @returns the files' bytes by relative path.
 * @throws {ConfigError} naming the first file that was changed, is missing or was added.
 */
export async function verifyVendored(
  dir: string,
  locked: LockedConnector,
): Promise<Map<string, Uint8Array>> {
  const { name } = locked;
  const fix = `run \`dltx add connector ${name} --update\` to fetch it again, restore it, or ` +
    `keep your edits with \`dltx add connector ${name} --pin\``;
  if (!(await exists(dir, { followSymlinks: false }))) {
    throw new ConfigError(
      `${vendoredPath(name)} is missing but ${LOCKFILE_NAME} pins it; run ` +
        `\`dltx add connector ${name} --update\` to fetch it again`,
    );
  }
  const present = await listFiles(dir, name);
  for (const path of Object.keys(locked.files)) {
    if (!present.includes(path)) {
      throw new ConfigError(`${vendoredPath(name, path)} is missing (dltx.lock pins it); ${fix}`);
    }
  }
  const extra = present.find((path) => !Object.hasOwn(locked.files, path));
  if (extra !== undefined) {
    throw new ConfigError(
      `${vendoredPath(name, extra)} is not in dltx.lock (it was added after \`dltx add\`); ` +
        `remove it, or ${fix.replace(/^run .*?, restore it, or /, "")}`,
    );
  }
  const files = await readFiles(dir, Object.keys(locked.files).sort());
  for (const [path, bytes] of files) {
    if ((await sha256Hex(bytes)) !== locked.files[path]) {
      throw new ConfigError(
        `${vendoredPath(name, path)} was changed since \`dltx add\` (sha256 mismatch); ${fix}`,
      );
    }
  }
  return files;
}
