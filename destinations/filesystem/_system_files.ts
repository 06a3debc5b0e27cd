/**
 * dlt's system tables as files in the dataset folder, named and filled as dlt's filesystem
 * destination writes them, so dlt and dltx read each other's buckets:
 *
 * - `init`: `{"initial_version": 2, "current_version": 2}`, the dataset's storage version
 * - `_dlt_loads/<schema>__<load_id>.jsonl`: one per completed load, written last
 * - `_dlt_pipeline_state/<pipeline>__<load_id>__<schema hash as hex>.jsonl`
 * - `_dlt_version/<schema>__<id>__<schema hash as hex>.jsonl`: one per schema version
 *
 * @module
 */

import { join } from "node:path";
import { DataError } from "../../core/errors.ts";
import { compareLoadIds } from "../../core/package/mod.ts";
import {
  decompressState,
  isoformatUtc,
  loadRow,
  parseStoredSchema,
  type PipelineStateRow,
  stateRow,
  stateSchemaNames,
  type StoredPipeline,
  SYSTEM_TABLES,
  versionRow,
} from "../../core/pipeline/mod.ts";
import {
  type Column,
  LOADS_TABLE,
  type Schema,
  STATE_TABLE,
  VERSION_TABLE,
} from "../../core/schema/types.ts";
import { exists } from "../../core/exists.ts";
import { INIT_FILE, listFileNames, readJsonFile, writeJsonFile } from "./_files.ts";

/** dlt's storage version of a filesystem dataset (2: compressed files carry `.gz`). */
const STORAGE_VERSION = 2;

const SEPARATOR = "__";
const EXT = ".jsonl";

/**
 * The columns of each system table's files, for reading them back typed: dlt's system tables
 * without `_dlt_id` (dlt's filesystem destination writes the state row without it).
 */
export const SYSTEM_TABLE_COLUMNS: Readonly<Record<string, Column[]>> = Object.fromEntries(
  SYSTEM_TABLES.map((table) => [
    table.name,
    Object.values(table.columns)
      .filter((column) => column.name !== "_dlt_id")
      .map((column) => ({ ...column, nullable: true })),
  ]),
);

/**
 * Creates the dataset folder with dlt's `init` marker, unless it has one. An empty marker is
 * dlt's storage version 1 (compressed files without `.gz`): it is migrated as dlt migrates it,
 * to `{"initial_version": 1, "current_version": 2}`, since files get `.gz` from now on.
 */
export async function initDataset(datasetDir: string): Promise<void> {
  const init = join(datasetDir, INIT_FILE);
  if (await exists(init)) {
    if ((await Deno.readTextFile(init)).trim() !== "") return;
    await writeJsonFile(init, { initial_version: 1, current_version: STORAGE_VERSION });
    return;
  }
  await writeJsonFile(init, { initial_version: STORAGE_VERSION, current_version: STORAGE_VERSION });
}

function loadsFile(datasetDir: string, schemaName: string, loadId: string): string {
  return join(datasetDir, LOADS_TABLE, `${schemaName}${SEPARATOR}${loadId}${EXT}`);
}

/** Whether `_dlt_loads` records load `loadId` of schema `schemaName`. */
export function isLoaded(datasetDir: string, schemaName: string, loadId: string): Promise<boolean> {
  return exists(loadsFile(datasetDir, schemaName, loadId));
}

/** Writes the `_dlt_loads` file that marks load `loadId` complete. */
export async function writeLoadFile(
  datasetDir: string,
  schema: Schema,
  options: { loadId: string; now: Date },
): Promise<void> {
  const row = loadRow(schema, options);
  await writeJsonFile(loadsFile(datasetDir, schema.name, options.loadId), {
    ...row,
    inserted_at: isoformatUtc(row.inserted_at),
  });
}

/**
 * Adds `schema` to `_dlt_version` unless a file has its version hash already.
 *
 * @param options.id orders the versions of a schema (a load id)
 */
export async function writeSchemaFile(
  datasetDir: string,
  schema: Schema,
  options: { id: string; now: Date },
): Promise<void> {
  const dir = join(datasetDir, VERSION_TABLE);
  const hash = hashForFileName(schema.version_hash);
  for (const file of await systemFiles(dir)) if (file.parts[2] === hash) return;
  const row = versionRow(schema, options.now);
  // dlt's filesystem destination writes these keys in this order.
  await writeJsonFile(
    join(dir, `${schema.name}${SEPARATOR}${options.id}${SEPARATOR}${hash}${EXT}`),
    {
      version_hash: row.version_hash,
      schema_name: row.schema_name,
      version: row.version,
      engine_version: row.engine_version,
      inserted_at: isoformatUtc(row.inserted_at),
      schema: row.schema,
    },
  );
}

/**
 * Adds a `_dlt_pipeline_state` file for `state` unless the newest one of the pipeline has its
 * version hash (dlt stores a state only when it changed).
 *
 * @returns the file written, or `undefined` when the state is stored already
 */
export async function writeStateFile(
  datasetDir: string,
  state: PipelineStateRow,
  options: { loadId: string; schemaHash: string; now: Date },
): Promise<string | undefined> {
  const dir = join(datasetDir, STATE_TABLE);
  const newest = (await stateFiles(dir, state.pipelineName)).at(-1);
  if (newest) {
    const doc = await readJsonFile(newest.path) as Record<string, unknown>;
    if (doc?.version_hash === state.versionHash) return undefined;
  }
  const path = join(
    dir,
    `${state.pipelineName}${SEPARATOR}${options.loadId}${SEPARATOR}` +
      `${hashForFileName(options.schemaHash)}${EXT}`,
  );
  // dlt's filesystem destination writes the row without `_dlt_id`.
  const { _dlt_id: _id, ...row } = stateRow(state, options);
  await writeJsonFile(path, { ...row, created_at: isoformatUtc(row.created_at) });
  return path;
}

/** Removes all but the newest `keep` state files of a pipeline (dlt's `max_state_files`). */
export async function pruneStateFiles(
  datasetDir: string,
  pipelineName: string,
  keep: number,
): Promise<void> {
  if (keep < 1) return;
  const files = await stateFiles(join(datasetDir, STATE_TABLE), pipelineName);
  for (const file of files.slice(0, Math.max(0, files.length - keep))) {
    await Deno.remove(file.path).catch(() => {});
  }
}

/**
 * The newest stored state of `pipelineName` and the newest version of each schema the state
 * names (every stored schema when it names none).
 *
 * @returns `undefined` when the dataset holds no state of the pipeline
 * @throws {DataError} when a stored state or schema cannot be read
 */
export async function readStoredPipeline(
  datasetDir: string,
  pipelineName: string,
): Promise<StoredPipeline | undefined> {
  const newest = (await stateFiles(join(datasetDir, STATE_TABLE), pipelineName)).at(-1);
  if (!newest) return undefined;
  const doc = await readDoc(newest.path);
  if (typeof doc.state !== "string") {
    throw new DataError(`The state file ${newest.path} has no "state" text`);
  }
  const state = decompressState(doc.state);
  return { state, schemas: await newestSchemas(datasetDir, stateSchemaNames(state)) };
}

/**
 * The newest stored version of each schema in `names` (all stored schemas when undefined),
 * in `names` order, else by name.
 *
 * @throws {DataError} when a stored schema cannot be read
 */
export async function newestSchemas(datasetDir: string, names?: string[]): Promise<Schema[]> {
  const newest = new Map<string, SystemFile>();
  for (const file of await systemFiles(join(datasetDir, VERSION_TABLE))) {
    const seen = newest.get(file.parts[0]);
    if (!seen || compareLoadIds(file.parts[1], seen.parts[1]) > 0) newest.set(file.parts[0], file);
  }
  const schemas: Schema[] = [];
  for (const name of names ?? [...newest.keys()].sort()) {
    const file = newest.get(name);
    if (file) schemas.push(await readSchema(file.path));
  }
  return schemas;
}

async function readSchema(path: string): Promise<Schema> {
  return parseStoredSchema(String((await readDoc(path)).schema), path);
}

async function readDoc(path: string): Promise<Record<string, unknown>> {
  let doc: unknown;
  try {
    doc = await readJsonFile(path);
  } catch (err) {
    throw new DataError(`Cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new DataError(`${path} does not hold a JSON object`);
  }
  return doc as Record<string, unknown>;
}

/** A system file named `<name>__<id>__<hash>.jsonl`. */
interface SystemFile {
  path: string;
  /** name, id (a load id), hash */
  parts: [string, string, string];
}

/** The `<name>__<id>__<hash>.jsonl` files of a system table folder. */
async function systemFiles(dir: string): Promise<SystemFile[]> {
  const files: SystemFile[] = [];
  for (const name of await listFileNames(dir)) {
    if (!name.endsWith(EXT)) continue;
    const parts = splitFromRight(name.slice(0, -EXT.length), SEPARATOR, 2);
    if (parts.length === 3) {
      files.push({ path: join(dir, name), parts: parts as [string, string, string] });
    }
  }
  return files;
}

/** The state files of `pipelineName`, oldest first. */
async function stateFiles(dir: string, pipelineName: string): Promise<SystemFile[]> {
  return (await systemFiles(dir))
    .filter((f) => f.parts[0] === pipelineName)
    .sort((a, b) => compareLoadIds(a.parts[1], b.parts[1]));
}

/** Python's `s.rsplit(sep, max)`: names may contain `__`, ids and hashes do not. */
function splitFromRight(s: string, sep: string, max: number): string[] {
  const parts: string[] = [];
  let rest = s;
  while (parts.length < max) {
    const at = rest.lastIndexOf(sep);
    if (at < 0) break;
    parts.unshift(rest.slice(at + sep.length));
    rest = rest.slice(0, at);
  }
  parts.unshift(rest);
  return parts;
}

/** A base64 version hash as hex, safe in file names (dlt's `_to_path_safe_string`). */
function hashForFileName(hash: string): string {
  if (hash === "") return "none";
  let bytes: string;
  try {
    bytes = atob(hash);
  } catch {
    // Not base64 (a hand-made schema): keep what is safe in a file name.
    return hash.replace(/[^A-Za-z0-9]/g, "") || "none";
  }
  let hex = "";
  for (const ch of bytes) hex += ch.charCodeAt(0).toString(16).padStart(2, "0");
  return hex;
}
