/**
 * `dltx pipeline <name> sync [--dataset <name>]`: replaces the local state and schemas of a
 * pipeline with the newest ones stored in its destination (`_dlt_pipeline_state`,
 * `_dlt_version`). Works in an empty pipelines dir too, which is how a pipeline moves to a new
 * machine. The destination's data, state and schemas are left as they are.
 *
 * @module
 */

import { join } from "node:path";
import { InternalError } from "../errors.ts";
import { listPackages, LoadPackage } from "../package/mod.ts";
import {
  acquirePipelineLock,
  destinationTypeName,
  type PipelineState,
  type StoredPipeline,
  WorkingDir,
} from "../pipeline/mod.ts";
import type { CliContext } from "./context.ts";
import { createDestination } from "../../destinations/mod.ts";
import { destinationOptions, destinationTarget, targetExists } from "./pipeline_destination.ts";
import { pipelinesDirOf } from "./pipelines.ts";

/** Options of `dltx pipeline <name> sync`. */
export interface PipelineSyncOptions {
  /**
   * The dataset to restore from.
   * @default the local state's dataset, else `<name>_dataset`
   */
  dataset?: string;
  /**
   * The destination type when the local state names none (a new machine).
   * @default the local state's, else `duckdb`
   */
  destination?: string;
}

/**
 * Restores a pipeline's state and schemas from its destination into the working folder.
 * Pending local packages are deleted: they were normalized against the old state, and
 * loading them after a restore could move a cursor back (dlt wipes them too).
 *
 * @returns the exit code (0 also when there was nothing to restore)
 * @throws {UserError} when another process runs the pipeline or the destination cannot be
 *   opened
 */
export async function pipelineSyncCommand(
  ctx: CliContext,
  name: string,
  options: PipelineSyncOptions = {},
): Promise<number> {
  const wd = new WorkingDir(pipelinesDirOf(ctx), name);
  const existed = (await Deno.stat(wd.root).catch(() => undefined)) !== undefined;
  const lock = await acquirePipelineLock(wd, name);
  let restored = false;
  try {
    restored = await syncLocked(ctx, wd, name, options);
    return 0;
  } finally {
    await lock.release();
    // Nothing restored into a folder made only for the lock: leave no empty pipeline behind.
    if (!existed && !restored) await Deno.remove(wd.root, { recursive: true }).catch(() => {});
  }
}

/** The sync itself, under the pipeline lock; returns whether anything was restored. */
async function syncLocked(
  ctx: CliContext,
  wd: WorkingDir,
  name: string,
  options: PipelineSyncOptions,
): Promise<boolean> {
  const local = await wd.readState();
  const dataset = options.dataset ?? local?.dataset_name ?? `${name}_dataset`;
  const type = destinationTypeName(local?.destination_type) ?? options.destination ?? "duckdb";
  const target = await destinationTarget(ctx, name, local, type);
  if (!(await targetExists(target))) {
    ctx.stdout.write(
      `Nothing to restore: there is no DuckDB database at ${target.path} ` +
        "(set DESTINATION__DUCKDB__CREDENTIALS to where the pipeline loads)\n",
    );
    return false;
  }
  const destination = createDestination(target.type, destinationOptions(target));
  let stored: StoredPipeline | undefined;
  try {
    if (!destination.restore) {
      throw new InternalError(`The ${destination.type} destination cannot restore pipelines`);
    }
    stored = await destination.restore(dataset, name);
  } finally {
    await destination.close();
  }
  if (!stored) {
    ctx.stdout.write(
      `Nothing to restore: dataset ${dataset} in ${target.location} holds no state of ` +
        `pipeline ${name}\n`,
    );
    return false;
  }

  await wd.ensure();
  const dropped = [];
  for (const pkg of await listPackages(wd.loadDir)) {
    if (pkg.state === "loaded" || pkg.state === "aborted") continue;
    await (await LoadPackage.open(pkg.dir)).delete();
    dropped.push(pkg.loadId);
  }
  const restoredNames = stored.schemas.map((s) => s.name);
  for (const stale of local?.schema_names ?? []) {
    if (restoredNames.includes(stale)) continue;
    // WorkingDir stores a schema as schemas/<name>.schema.json; a schema the destination does
    // not know must not be picked up by the next run.
    await Deno.remove(join(wd.root, "schemas", `${stale}.schema.json`)).catch(() => {});
  }
  for (const schema of stored.schemas) await wd.writeSchema(schema);
  const state = {
    ...stored.state,
    _local: { first_run: false, destination_location: target.location },
  } as unknown as PipelineState;
  await wd.writeState(state);

  let out = `Restored pipeline ${name} from dataset ${dataset} in ${target.location}\n`;
  out += `State version: ${String(state._state_version)}\n`;
  for (const schema of stored.schemas) {
    out += `Schema ${schema.name}: version ${schema.version}, ` +
      `${Object.keys(schema.tables).length} table(s)\n`;
  }
  if (dropped.length > 0) {
    out += `Deleted ${dropped.length} pending load package(s) made with the old state: ` +
      `${dropped.join(", ")}\n`;
  }
  out += `Working folder: ${wd.root}\n`;
  ctx.stdout.write(ctx.masker?.mask(out) ?? out);
  return true;
}
