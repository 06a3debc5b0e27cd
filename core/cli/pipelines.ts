/**
 * Finding a pipeline's working folder for the inspection commands, and reading what a run
 * left in it (state, schemas, trace).
 *
 * @module
 */

import { join, resolve } from "node:path";
import { UserError } from "../errors.ts";
import { parseJson } from "../json/mod.ts";
import {
  checkPipelineName,
  defaultPipelinesDir,
  type PipelineState,
  WorkingDir,
} from "../pipeline/mod.ts";
import { childTables } from "../schema/mod.ts";
import type { Schema } from "../schema/types.ts";
import type { CliContext } from "./context.ts";

/** An existing pipeline working folder. */
export interface PipelineFolder {
  name: string;
  /** The pipelines dir holding the folder (absolute). */
  pipelinesDir: string;
  workingDir: WorkingDir;
  /** The local state; `undefined` when no load of the pipeline ever committed. */
  state?: PipelineState;
}

/** The pipelines dir: `DLTX_PIPELINES_DIR` resolved against the cwd, else `~/.dltx/pipelines`. */
export function pipelinesDirOf(ctx: CliContext): string {
  return resolve(ctx.cwd, defaultPipelinesDir(ctx.env));
}

/** Names of the pipeline folders in `pipelinesDir`, sorted; none when it does not exist. */
export async function listPipelineNames(pipelinesDir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(pipelinesDir)) {
      if (entry.isDirectory) names.push(entry.name);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return names.sort();
}

/**
 * Opens the working folder of pipeline `name`. A folder without state still opens: a first
 * run that failed leaves only its trace, which is what the user wants to read then.
 *
 * @throws {UserError} for an invalid name, or when there is no such folder, listing the
 *   pipelines there are
 */
export async function openPipelineFolder(ctx: CliContext, name: string): Promise<PipelineFolder> {
  checkPipelineName(name);
  const pipelinesDir = pipelinesDirOf(ctx);
  const stat = await Deno.stat(join(pipelinesDir, name)).catch(() => undefined);
  if (!stat?.isDirectory) {
    const known = await listPipelineNames(pipelinesDir);
    throw new UserError(
      `Pipeline "${name}" not found in ${pipelinesDir}; ` +
        (known.length > 0
          ? `known pipelines: ${known.join(", ")}`
          : "no pipeline ran there yet (set DLTX_PIPELINES_DIR if they live elsewhere)"),
    );
  }
  const workingDir = new WorkingDir(pipelinesDir, name);
  return { name, pipelinesDir, workingDir, state: await workingDir.readState() };
}

/**
 * The state of a pipeline that has one.
 *
 * @throws {UserError} when no load of the pipeline committed yet
 */
export function requireState(folder: PipelineFolder): PipelineState {
  if (!folder.state) {
    throw new UserError(
      `Pipeline "${folder.name}" has no state in ${folder.workingDir.root}: ` +
        "no load of it committed yet. Run it first, or restore it with " +
        `"dltx pipeline ${folder.name} sync"`,
    );
  }
  return folder.state;
}

/**
 * A stored schema of the pipeline: `schemaName`, else the default schema.
 *
 * @throws {UserError} when the pipeline has no such schema, listing those it has
 */
export async function readPipelineSchema(
  folder: PipelineFolder,
  schemaName?: string,
): Promise<Schema> {
  const state = requireState(folder);
  const name = schemaName ?? state.default_schema_name ?? state.schema_names[0];
  const schema = name === undefined ? undefined : await folder.workingDir.readSchema(name);
  if (!schema) {
    throw new UserError(
      `Pipeline "${folder.name}" has no schema "${name ?? ""}"; its schemas: ${
        state.schema_names.join(", ") || "none"
      }`,
    );
  }
  return schema;
}

/** The trace of the last run (`trace.json`), or `undefined` when there is none. */
export async function readTrace(
  folder: PipelineFolder,
): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(folder.workingDir.root, "trace.json"));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  try {
    return parseJson(text) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(
      `The trace of pipeline "${folder.name}" is not valid JSON ` +
        `(${join(folder.workingDir.root, "trace.json")}): ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** The `Found pipeline <name> in <dir>` line every pipeline command starts with (dlt's). */
export function foundLine(folder: PipelineFolder): string {
  return `Found pipeline ${folder.name} in ${folder.pipelinesDir}\n`;
}

/**
 * The tables of each resource: its root table first, then the root's descendants. A root
 * table without a `resource` counts as its own resource, as dlt groups them.
 */
export function tablesByResource(schema: Schema): Map<string, string[]> {
  const byResource = new Map<string, string[]>();
  for (const table of Object.values(schema.tables)) {
    if (table.parent !== undefined) continue;
    const resource = table.resource ?? table.name;
    const list = byResource.get(resource) ?? [];
    list.push(table.name, ...childTables(schema, table).map((t) => t.name));
    byResource.set(resource, list);
  }
  return byResource;
}

/** `value` when it is a plain object, else an empty one (state and trace are untyped JSON). */
export function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

/** `value[key]` when it is a plain object, else an empty one. */
export function objectAt(value: unknown, key: string): Record<string, unknown> {
  return asObject(asObject(value)[key]);
}
