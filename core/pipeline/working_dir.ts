/**
 * A pipeline's working folder: `<pipelines_dir>/<pipeline>/` with `state.json`, `schemas/`,
 * `load/<load_id>/` packages and `trace.json`.
 *
 * @module
 */

import { join } from "node:path";
import { stringifyJson } from "../json/mod.ts";
import { fromStoredSchema, toStoredSchema } from "../schema/mod.ts";
import type { Schema } from "../schema/types.ts";
import { readJsonIfExists, writeFileAtomic } from "./_atomic.ts";
import { checkPipelineName } from "./pipeline_name.ts";
import type { PipelineState } from "./state.ts";

/** Default pipelines dir: `DLTX_PIPELINES_DIR`, else `~/.dltx/pipelines`. */
export function defaultPipelinesDir(env: Record<string, string | undefined>): string {
  if (env.DLTX_PIPELINES_DIR) return env.DLTX_PIPELINES_DIR;
  const home = env.HOME ?? env.USERPROFILE ?? ".";
  return join(home, ".dltx", "pipelines");
}

/** Reads and writes the files of one pipeline's working folder. */
export class WorkingDir {
  /** The pipeline's name (the folder's name). */
  readonly pipelineName: string;
  /** Absolute or cwd-relative path of the folder. */
  readonly root: string;
  /** Where load packages live. */
  readonly loadDir: string;

  /**
   * The working folder of `pipelineName` under `pipelinesDir` (not created yet).
   *
   * @param pipelinesDir the folder holding the pipelines' folders
   * @param pipelineName the pipeline's name
   * @throws {UserError} when `pipelineName` is not a valid pipeline name
   */
  constructor(pipelinesDir: string, pipelineName: string) {
    this.pipelineName = checkPipelineName(pipelineName);
    this.root = join(pipelinesDir, pipelineName);
    this.loadDir = join(this.root, "load");
  }

  /** Creates the folder tree if missing. */
  async ensure(): Promise<void> {
    await Deno.mkdir(this.loadDir, { recursive: true });
    await Deno.mkdir(join(this.root, "schemas"), { recursive: true });
  }

  /** The stored state, or `undefined` on a first run. */
  readState(): Promise<PipelineState | undefined> {
    return readJsonIfExists<PipelineState>(join(this.root, "state.json"));
  }

  /** Writes the state (atomically). */
  writeState(state: PipelineState): Promise<void> {
    return writeFileAtomic(join(this.root, "state.json"), stringifyJson(state, 2));
  }

  /**
   * The stored schema of a source, or `undefined` if it never ran.
   *
   * @throws {DataError} when the file does not hold a schema
   */
  async readSchema(name: string): Promise<Schema | undefined> {
    const path = this.schemaPath(name);
    const doc = await readJsonIfExists<unknown>(path);
    return doc === undefined ? undefined : fromStoredSchema(doc, path);
  }

  /** Stores `schema` in dlt's form (`schemas/<name>.schema.json`, as dlt's working folder). */
  writeSchema(schema: Schema): Promise<void> {
    const text = JSON.stringify(toStoredSchema(schema), null, 2);
    return writeFileAtomic(this.schemaPath(schema.name), text);
  }

  /** Writes the trace of the last run. */
  writeTrace(trace: unknown): Promise<void> {
    return writeFileAtomic(join(this.root, "trace.json"), stringifyJson(trace, 2));
  }

  /** `schemas/<name>.schema.json` in the folder. */
  private schemaPath(name: string): string {
    return join(this.root, "schemas", `${name}.schema.json`);
  }
}
