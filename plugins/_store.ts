/**
 * The on-disk side of vendored plugins: `.dltx/connectors/<name>/`, staging folders (a plugin
 * is written and loaded there before it replaces anything), listing and hashing files, and
 * loading a connector with its errors naming the files as the user knows them.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, UserError } from "../core/errors.ts";
import { exists } from "../core/exists.ts";
import {
  checkImportable,
  MODULE_FILE,
  readModuleMeta,
  relativeImports,
} from "../core/sandbox/mod.ts";
import { loadConnectorFile } from "../core/source/mod.ts";
import type { Connector } from "../core/source/types.ts";
import { sha256Hex } from "./_hash.ts";

/** Where a project keeps its vendored connectors, relative to the project root. */
export const CONNECTORS_DIR = ".dltx/connectors";

/** A connector name, also a folder name: as `validateConnector` allows it. */
export const CONNECTOR_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** `<projectDir>/.dltx/connectors/<name>`. */
export function vendoredDir(projectDir: string, name: string): string {
  return join(projectDir, CONNECTORS_DIR, name);
}

/** `.dltx/connectors/<name>/<path>` as shown in messages. */
export function vendoredPath(name: string, path = ""): string {
  return `${CONNECTORS_DIR}/${name}/${path}`;
}

/** Every file under `dir`, by `/`-separated relative path, sorted; symlinks are refused. */
export async function listFiles(dir: string, name: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (sub: string) => {
    for await (const e of Deno.readDir(join(dir, sub))) {
      const path = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory) await walk(path);
      else if (e.isFile) out.push(path);
      else {
        throw new ConfigError(
          `${vendoredPath(name, path)} is a symlink; a vendored connector holds plain files only`,
        );
      }
    }
  };
  await walk("");
  return out.sort();
}

/** Reads files of a folder by relative path. */
export async function readFiles(dir: string, paths: string[]): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const path of paths) files.set(path, await Deno.readFile(join(dir, path)));
  return files;
}

/** sha256 (hex) of each file, sorted by path. */
export async function hashFiles(files: Map<string, Uint8Array>): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const path of [...files.keys()].sort()) hashes[path] = await sha256Hex(files.get(path)!);
  return hashes;
}

/** Writes files under `dir`, creating sub-folders. */
export async function writeFiles(dir: string, files: Map<string, Uint8Array>): Promise<void> {
  for (const [path, bytes] of files) {
    const target = join(dir, path);
    await Deno.mkdir(dirname(target), { recursive: true });
    await Deno.writeFile(target, bytes);
  }
}

/**
 * Checks that the modules among `files` import at run time only each other: nothing
 * outside the folder, nothing from a registry or URL.
 *
 * @throws {ConfigError} naming the file, line and specifier.
 */
export function checkSelfContained(
  files: Map<string, Uint8Array>,
  display: (path: string) => string,
): void {
  const decoder = new TextDecoder();
  for (const [path, bytes] of files) {
    if (!MODULE_FILE.test(path)) continue;
    for (const specifier of relativeImports(decoder.decode(bytes), display(path))) {
      const target = new URL(specifier, `file:///plugin/${path}`).pathname;
      checkImportable(target, `${display(path)} imports "${specifier}", which`);
      const inside = target.startsWith("/plugin/") &&
        files.has(decodeURIComponent(target.slice("/plugin/".length)));
      if (!inside) {
        throw new ConfigError(
          `${display(path)} imports "${specifier}", which is not one of the connector's own ` +
            `files; a plugin may import only files it ships with`,
        );
      }
    }
  }
}

/** A staging folder: the plugin written out, to load and check before it replaces anything. */
export interface Staged extends AsyncDisposable {
  dir: string;
  /** The staged folder is now `target` (renamed); disposing no longer removes it. */
  moveTo(target: string): Promise<void>;
}

/** Writes files into a fresh staging folder under `.dltx/connectors/`. */
export async function stage(projectDir: string, files: Map<string, Uint8Array>): Promise<Staged> {
  const root = join(projectDir, CONNECTORS_DIR);
  await Deno.mkdir(root, { recursive: true });
  // Inside .dltx/connectors: the final rename stays on one file system.
  const dir = await Deno.makeTempDir({ dir: root, prefix: ".staging-" });
  let moved = false;
  await writeFiles(dir, files);
  return {
    dir,
    async moveTo(target: string) {
      const old = `${target}.old-${crypto.randomUUID().slice(0, 8)}`;
      const hadOld = await exists(target, { followSymlinks: false });
      if (hadOld) await Deno.rename(target, old);
      try {
        await Deno.rename(dir, target);
      } catch (error) {
        if (hadOld) await Deno.rename(old, target);
        throw error;
      }
      moved = true;
      if (hadOld) await Deno.remove(old, { recursive: true });
    },
    async [Symbol.asyncDispose]() {
      if (!moved) await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** What `dltx add` knows of a plugin's definition without running any of its code. */
export interface PluginMeta {
  /** The definition's name, when it is known (`undefined`: a module that does not spell it). */
  name?: string;
  version?: string;
}

/**
 * Reads a plugin's name and version without running its code: a YAML/JSON definition is
 * loaded and validated (it is data); a TS/JS module is only read (`readModuleMeta`), so its
 * definition is validated when it first runs, in its sandbox.
 *
 * @throws {ConfigError} for an invalid YAML/JSON definition or a module without default export.
 */
export async function readPluginMeta(
  dir: string,
  entry: string,
  options: { files: Map<string, Uint8Array>; display: (path: string) => string },
): Promise<PluginMeta> {
  if (!MODULE_FILE.test(entry)) {
    const { name, version } = await loadConnectorFrom(dir, entry, {
      paths: options.files.keys(),
      display: options.display,
    });
    return { name, version };
  }
  const meta = readModuleMeta(new TextDecoder().decode(options.files.get(entry)));
  if (!meta.hasDefault) {
    throw new ConfigError(
      `Connector module ${options.display(entry)} has no default export; write "export ` +
        `default { name, client, resources }"${
          meta.exports.length ? ` (it exports: ${meta.exports.join(", ")})` : ""
        }`,
    );
  }
  return { name: meta.name, version: meta.version };
}

/**
 * Loads and validates the connector at `<dir>/<entry>`; errors name files by `display`
 * instead of the folder they were loaded from. A module runs in its sandbox, where it may
 * read the files of `paths`.
 *
 * @throws {ConfigError} for a module without default export, a denied permission, or an
 *   invalid definition.
 */
export async function loadConnectorFrom(
  dir: string,
  entry: string,
  options: { paths: Iterable<string>; display: (path: string) => string; label?: string },
): Promise<Connector> {
  const paths = [...options.paths];
  try {
    return await loadConnectorFile(join(dir, entry), {
      readable: paths.map((p) => join(dir, p)),
      label: options.label,
    });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    let message = error.message;
    for (const path of paths) {
      const absolute = join(dir, path);
      message = message.replaceAll(pathToFileURL(absolute).href, options.display(path))
        .replaceAll(absolute, options.display(path));
    }
    throw new ConfigError(message, { cause: error });
  }
}
