/**
 * Stores a resolved plugin under `.dltx/connectors/<name>/` and pins it in `dltx.lock`. The
 * plugin is written to a staging folder and checked there first, so a broken definition never
 * replaces a working one, and the diff against what was there is computed before the swap.
 *
 * No plugin code runs here: a YAML/JSON definition is validated (it is data), a TS/JS module
 * only has its imports scanned (when it was resolved) and its default export, `name` and
 * `version` read from its text. Its definition is validated when it first runs, in its
 * sandbox.
 *
 * @module
 */

import { basename, extname } from "node:path";
import { ConfigError } from "../core/errors.ts";
import { unifiedDiff } from "./_line_diff.ts";
import {
  CONNECTOR_NAME,
  exists,
  hashFiles,
  listFiles,
  readFiles,
  readPluginMeta,
  stage,
  vendoredDir,
  vendoredPath,
} from "./_store.ts";
import {
  type LockedConnector,
  readLockfile,
  stringifyLockfile,
  writeLockfile,
} from "./lockfile.ts";
import type { ResolvedPlugin } from "./resolve_plugin.ts";

/** Options of {@linkcode installPlugin}. */
export interface InstallOptions {
  /** Store it under this name instead of the definition's `name` (`--name`). */
  name?: string;
  /** Replace a connector of the same name that came from another spec (`--force`). */
  force?: boolean;
}

/** One file that differs between the stored copy and the new one. */
export interface FileChange {
  path: string;
  change: "added" | "changed" | "removed";
}

/** What {@linkcode installPlugin} did. */
export interface InstallResult {
  /** The name it is stored and run under. */
  name: string;
  /** The entry written to `dltx.lock`. */
  locked: LockedConnector;
  /** `added` (new), `updated` (same spec, new files), `replaced` (`--force`), `unchanged`. */
  status: "added" | "updated" | "replaced" | "unchanged";
  /** Files that differ from the copy that was there, by path. */
  changes: FileChange[];
  /** Unified diff of those files against the copy that was there; `""` when none. */
  diff: string;
}

/**
 * Validates, stores and pins a resolved plugin.
 *
 * @param projectDir the project root (where `dltx.lock` lives).
 * @param plugin the resolved files.
 * @param options `name` and `force`.
 * @returns what changed.
 * @throws {ConfigError} for an invalid YAML/JSON definition (which key, what was expected), a
 *   module without default export, or a name taken by a connector from another spec (without
 *   force).
 */
export async function installPlugin(
  projectDir: string,
  plugin: ResolvedPlugin,
  options: InstallOptions = {},
): Promise<InstallResult> {
  await using staged = await stage(projectDir, plugin.files);
  const definition = await readPluginMeta(staged.dir, plugin.entry, {
    files: plugin.files,
    display: plugin.display,
  });
  const name = checkName(options.name ?? definition.name ?? fallbackName(plugin));
  const lock = await readLockfile(projectDir);
  const previous = Object.hasOwn(lock.connectors, name) ? lock.connectors[name] : undefined;
  const dir = vendoredDir(projectDir, name);
  const dirExists = await exists(dir);
  checkConflict(name, plugin, { previous, dirExists, force: options.force ?? false });
  const old = dirExists ? await readFiles(dir, await listFiles(dir, name)) : new Map();
  if (!options.force && previous?.spec === plugin.spec) {
    await checkEdits(name, plugin, { previous, old });
  }

  const locked: LockedConnector = {
    name,
    spec: plugin.spec,
    kind: plugin.kind,
    resolved_version: plugin.version ?? definition.version ?? null,
    ...(plugin.url !== undefined ? { url: plugin.url } : {}),
    ...(plugin.path !== undefined ? { path: plugin.path } : {}),
    entry: plugin.entry,
    files: await hashFiles(plugin.files),
  };
  const { changes, diff } = compare(name, old, plugin.files);
  const sameLock = previous !== undefined && sameEntry(previous, locked);
  if (sameLock && changes.length === 0) {
    return { name, locked, status: "unchanged", changes, diff };
  }
  await staged.moveTo(dir);
  lock.connectors[name] = locked;
  await writeLockfile(projectDir, lock);
  const status = previous === undefined && !dirExists
    ? "added"
    : previous?.spec === plugin.spec
    ? "updated"
    : "replaced";
  return { name, locked, status, changes, diff };
}

/**
 * The name of a module whose definition does not spell out its `name` as a literal: the JSR
 * package's name, else the entry's file name, else (for `mod.ts`, `index.ts`, `main.ts`) its
 * folder's name.
 */
function fallbackName(plugin: ResolvedPlugin): string {
  if (plugin.kind === "jsr") {
    const match = /^jsr:@[^/]+\/([^@/]+)/.exec(plugin.spec);
    if (match) return match[1];
  }
  const shown = plugin.display(plugin.entry).replace(/[?#].*$/, "").replace(/\\/g, "/");
  const stem = basename(shown, extname(shown));
  if (!/^(mod|index|main)$/i.test(stem)) return stem;
  return basename(shown.slice(0, shown.lastIndexOf("/")) || stem);
}

function checkName(name: string): string {
  if (!CONNECTOR_NAME.test(name)) {
    throw new ConfigError(
      `Invalid connector name "${name}": it must start with a letter and hold only letters, ` +
        `digits, _ and -`,
    );
  }
  return name;
}

function checkConflict(
  name: string,
  plugin: ResolvedPlugin,
  state: { previous?: LockedConnector; dirExists: boolean; force: boolean },
): void {
  const { previous, dirExists, force } = state;
  if (force) return;
  // The same spec again is an update: no --force needed to bring the files back in line.
  if (previous !== undefined && previous.spec === plugin.spec) return;
  if (previous !== undefined) {
    throw new ConfigError(
      `Connector "${name}" is already added from ${previous.spec} (dltx.lock); run ` +
        `\`dltx add connector ${name} --update\` to re-resolve it, add --force to replace it ` +
        `with ${plugin.spec}, or --name <other> to add this one next to it`,
    );
  }
  if (dirExists) {
    throw new ConfigError(
      `${vendoredPath(name)} already exists but is not in dltx.lock; move it away, or add ` +
        `--force to replace it with ${plugin.spec}`,
    );
  }
}

/**
 * An update replaces the files with the spec's: refused when that would lose edits, pinned
 * (`--pin`) or not, unless forced.
 *
 * @throws {ConfigError} naming the edited files and how to go on
 */
async function checkEdits(
  name: string,
  plugin: ResolvedPlugin,
  state: { previous: LockedConnector; old: Map<string, Uint8Array> },
): Promise<void> {
  const { previous, old } = state;
  const changed = compare(name, old, plugin.files).changes.map((c) => c.path);
  if (changed.length === 0) return;
  const current = await hashFiles(old);
  const unpinned = [...new Set([...Object.keys(current), ...Object.keys(previous.files)])]
    .filter((path) => current[path] !== previous.files[path]).sort();
  if (unpinned.length > 0) {
    throw new ConfigError(
      `${vendoredPath(name)} has edits that are not in dltx.lock (${unpinned.join(", ")}); ` +
        `--update would replace them with ${plugin.spec}. Nothing was changed: keep them with ` +
        `\`dltx add connector ${name} --pin\`, or add --force to replace them`,
    );
  }
  if (previous.edited) {
    throw new ConfigError(
      `Connector "${name}" is a customised copy (edits pinned with --pin in dltx.lock); ` +
        `--update would replace ${changed.join(", ")} with ${plugin.spec}. Nothing was ` +
        "changed: add --force to replace your edits",
    );
  }
}

function compare(
  name: string,
  before: Map<string, Uint8Array>,
  after: Map<string, Uint8Array>,
): { changes: FileChange[]; diff: string } {
  const decoder = new TextDecoder();
  const changes: FileChange[] = [];
  let diff = "";
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const path of paths) {
    const a = before.get(path);
    const b = after.get(path);
    if (a && b && equalBytes(a, b)) continue;
    changes.push({ path, change: !a ? "added" : !b ? "removed" : "changed" });
    const shown = vendoredPath(name, path);
    diff += unifiedDiff(a ? decoder.decode(a) : "", b ? decoder.decode(b) : "", {
      from: a ? `a/${shown}` : "/dev/null",
      to: b ? `b/${shown}` : "/dev/null",
    });
  }
  return { changes, diff };
}

function sameEntry(a: LockedConnector, b: LockedConnector): boolean {
  const text = (c: LockedConnector) => stringifyLockfile({ version: 1, connectors: { x: c } });
  return text(a) === text(b);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
