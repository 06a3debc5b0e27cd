/**
 * `dltx.lock`: which connector plugins a project vendored under `.dltx/connectors/`, where
 * each came from, and the sha256 of every file, so runs can prove they load exactly what
 * `dltx add` fetched. JSON with a stable key order, so it diffs well in version control.
 *
 * @module
 */

import { join } from "node:path";
import { ConfigError } from "../core/errors.ts";

/** The lockfile's name, at the project root. */
export const LOCKFILE_NAME = "dltx.lock";

/** Where a plugin came from. */
export type PluginKind = "builtin" | "path" | "url" | "jsr";

/** One vendored connector in `dltx.lock`. */
export interface LockedConnector {
  /** The connector's name: its folder `.dltx/connectors/<name>/` and `dltx run <name>`. */
  name: string;
  /** The spec given to `dltx add connector` (`github`, `./x.ts`, a URL, `jsr:@s/n@1`). */
  spec: string;
  kind: PluginKind;
  /** The package version (jsr), else the definition's `version`; `null` when it has none. */
  resolved_version: string | null;
  /** Where the entry was fetched (url, jsr, builtin). */
  url?: string;
  /** The entry file as given, relative to the project when inside it (path). */
  path?: string;
  /** The connector module or file, relative to the connector's folder. */
  entry: string;
  /** sha256 (hex) of every file, by path relative to the connector's folder. */
  files: Record<string, string>;
  /**
   * The files were edited after `dltx add` and pinned with `--pin`: `--update` keeps them
   * unless given `--force`.
   */
  edited?: true;
}

/** The whole lockfile. */
export interface Lockfile {
  version: 1;
  connectors: Record<string, LockedConnector>;
}

const KINDS: readonly PluginKind[] = ["builtin", "path", "url", "jsr"];

/** A lockfile with no connectors. */
export function emptyLockfile(): Lockfile {
  return { version: 1, connectors: {} };
}

/**
 * Reads `<projectDir>/dltx.lock`.
 *
 * @param projectDir the project root.
 * @returns the lockfile, or an empty one when the file does not exist.
 * @throws {ConfigError} when the file is not a valid lockfile (naming the bad key).
 */
export async function readLockfile(projectDir: string): Promise<Lockfile> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(projectDir, LOCKFILE_NAME));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return emptyLockfile();
    throw new ConfigError(`Cannot read ${LOCKFILE_NAME}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseLockfile(text);
}

/**
 * Writes `<projectDir>/dltx.lock` atomically (temp file, then rename).
 *
 * @param projectDir the project root.
 * @param lock the lockfile to write.
 */
export async function writeLockfile(projectDir: string, lock: Lockfile): Promise<void> {
  const path = join(projectDir, LOCKFILE_NAME);
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  await Deno.writeTextFile(tmp, stringifyLockfile(lock));
  await Deno.rename(tmp, path);
}

/**
 * Serializes a lockfile: connectors by name, keys in a fixed order, files sorted by path.
 *
 * @param lock the lockfile.
 * @returns its JSON text, ending with a newline.
 */
export function stringifyLockfile(lock: Lockfile): string {
  const connectors: Record<string, LockedConnector> = {};
  for (const name of Object.keys(lock.connectors).sort()) {
    const c = lock.connectors[name];
    const files: Record<string, string> = {};
    for (const path of Object.keys(c.files).sort()) files[path] = c.files[path];
    const ordered: LockedConnector = {
      name: c.name,
      spec: c.spec,
      kind: c.kind,
      resolved_version: c.resolved_version,
      ...(c.url !== undefined ? { url: c.url } : {}),
      ...(c.path !== undefined ? { path: c.path } : {}),
      entry: c.entry,
      files,
      ...(c.edited ? { edited: true as const } : {}),
    };
    connectors[name] = ordered;
  }
  return JSON.stringify({ version: 1, connectors }, null, 2) + "\n";
}

/**
 * Parses and checks lockfile text.
 *
 * @param text the JSON text of `dltx.lock`.
 * @returns the lockfile.
 * @throws {ConfigError} for invalid JSON or a bad key, naming it.
 */
export function parseLockfile(text: string): Lockfile {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${LOCKFILE_NAME} is not valid JSON (${(error as Error).message}); restore it from ` +
        `version control or delete it and run \`dltx add connector\` again`,
      { cause: error },
    );
  }
  const root = object(input, "");
  if (root.version !== 1) bad("version", "must be 1", root.version);
  const connectors = object(root.connectors, "connectors");
  const out = emptyLockfile();
  for (const [name, value] of Object.entries(connectors)) {
    out.connectors[name] = parseEntry(value, `connectors.${name}`, name);
  }
  return out;
}

function parseEntry(value: unknown, at: string, key: string): LockedConnector {
  const o = object(value, at);
  const str = (k: string, optional = false): string | undefined => {
    const v = o[k];
    if (v === undefined && optional) return undefined;
    if (typeof v !== "string" || v === "") return bad(`${at}.${k}`, "must be a string", v);
    return v;
  };
  const name = str("name")!;
  if (name !== key) bad(`${at}.name`, `must equal its key "${key}"`, name);
  const kind = str("kind") as PluginKind;
  if (!KINDS.includes(kind)) bad(`${at}.kind`, `must be one of ${KINDS.join(", ")}`, kind);
  const version = o.resolved_version;
  if (version !== null && typeof version !== "string") {
    bad(`${at}.resolved_version`, "must be a string or null", version);
  }
  const entry = str("entry")!;
  checkRelativePath(entry, `${at}.entry`);
  const files: Record<string, string> = {};
  for (const [path, hash] of Object.entries(object(o.files, `${at}.files`))) {
    checkRelativePath(path, `${at}.files`);
    if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) {
      bad(`${at}.files["${path}"]`, "must be a sha256 hex digest", hash);
    }
    files[path] = hash as string;
  }
  if (!Object.hasOwn(files, entry)) bad(`${at}.entry`, "must be one of its files", entry);
  const entryOut: LockedConnector = {
    name,
    spec: str("spec")!,
    kind,
    resolved_version: version as string | null,
    entry,
    files,
  };
  const url = str("url", true);
  const path = str("path", true);
  if (url !== undefined) entryOut.url = url;
  if (path !== undefined) entryOut.path = path;
  if (o.edited !== undefined) {
    if (o.edited !== true) bad(`${at}.edited`, "must be true when present", o.edited);
    entryOut.edited = true;
  }
  return entryOut;
}

/**
 * Checks that a path names a file inside a connector's folder: relative, `/`-separated,
 * without `.`/`..` segments. A lockfile must never make a run read or load files elsewhere.
 *
 * @param path the path as written in the lockfile.
 * @param at the key it was found at, for the error.
 * @throws {ConfigError} when it is not such a path.
 */
export function checkRelativePath(path: string, at: string): void {
  const segments = path.split("/");
  const ok = path !== "" && !path.includes("\\") && !path.startsWith("/") &&
    !/^[A-Za-z]:/.test(path) && segments.every((s) => s !== "" && s !== "." && s !== "..");
  if (!ok) bad(at, "must be a relative path inside the connector's folder", path);
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    bad(at || "the top level", "must be an object", value);
  }
  return value as Record<string, unknown>;
}

function bad(at: string, expected: string, got: unknown): never {
  throw new ConfigError(
    `${LOCKFILE_NAME} is invalid: ${at} ${expected} (got ${JSON.stringify(got) ?? "nothing"})`,
  );
}
