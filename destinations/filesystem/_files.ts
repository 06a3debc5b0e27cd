/**
 * File operations of the filesystem destination: writing under a temporary name and renaming,
 * so a reader never sees half a file, and finding the files of a table.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { parseJson, stringifyJson } from "../../core/json/mod.ts";

/**
 * The temporary name `path` is written under: hidden, in the same folder (a rename within one
 * file system is atomic), and the same on every attempt, so a retried load overwrites what a
 * killed one left instead of piling up garbage.
 */
export function tempPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp`);
}

/**
 * Creates `path` atomically: `write` fills the temporary file, which is then renamed to
 * `path` (replacing a file of that name). On any error the temporary file is removed.
 */
export async function writeAtomically(
  path: string,
  write: (tempPath: string) => Promise<void>,
): Promise<void> {
  const temp = tempPathOf(path);
  await Deno.mkdir(dirname(path), { recursive: true });
  try {
    await write(temp);
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
}

/** Writes `doc` as one JSON line without a line break, as dlt writes its system files. */
export async function writeJsonFile(path: string, doc: unknown): Promise<void> {
  await writeAtomically(path, (temp) => Deno.writeTextFile(temp, stringifyJson(doc)));
}

/** Reads a JSON file written by {@linkcode writeJsonFile} (or by dlt). */
export async function readJsonFile(path: string): Promise<unknown> {
  return parseJson(await Deno.readTextFile(path));
}

/** Names of the regular files directly in `dir`, sorted; none when it does not exist. */
export async function listFileNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && !entry.name.startsWith(".")) names.push(entry.name);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return names.sort();
}

/** dlt's marker file in a dataset folder; never a data file. */
export const INIT_FILE = "init";

/**
 * Absolute paths of the files of a table: every file under `datasetDir` whose path relative
 * to it starts with `prefix` (see `Layout.tablePrefix`), sorted. Hidden files (temporary
 * files of writes in progress) and dlt's `init` marker are skipped.
 */
export async function listTableFiles(datasetDir: string, prefix: string): Promise<string[]> {
  const files: string[] = [];
  // Only folders on the way to the prefix, or inside it, can hold the table's files.
  const visit = async (rel: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(join(datasetDir, rel)));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory) {
        const asDir = `${path}/`;
        if (prefix.startsWith(asDir) || asDir.startsWith(prefix)) await visit(path);
      } else if (entry.isFile && entry.name !== INIT_FILE && path.startsWith(prefix)) {
        files.push(join(datasetDir, path));
      }
    }
  };
  await visit("");
  return files.sort();
}

/**
 * The file id of a job file named `<table>.<file_id>.<retry>.<format>` (dlt's job file
 * name), or `undefined` when the name does not have that form.
 */
export function jobFileId(jobPath: string): string | undefined {
  const parts = basename(jobPath).split(".");
  if (parts.length < 4) return undefined;
  const id = parts[parts.length - 3];
  return /^[A-Za-z0-9_-]+$/.test(id) ? id : undefined;
}
