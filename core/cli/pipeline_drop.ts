/**
 * `dltx pipeline <name> drop <resource>... [--drop-all] [--state-only] [--dry-run] [--yes]`:
 * drops the tables of resources (root and child tables) from the destination and the schema,
 * and resets the resources' state (incremental cursors), so their next run loads them from
 * scratch. The destination drops the tables and stores the new schema and state in one
 * transaction; the working folder follows only after that committed. Worded as dlt's
 * `dlt pipeline <name> drop`, which also asks before it changes anything: on a terminal it
 * asks, elsewhere `--yes` is needed. A resource may be named by a pattern, `re:^repo`.
 *
 * @module
 */

import { InternalError, UserError } from "../errors.ts";
import { listPackages } from "../package/mod.ts";
import {
  acquirePipelineLock,
  bumpStateVersion,
  destinationState,
  type PipelineState,
} from "../pipeline/mod.ts";
import { bumpVersion, cloneSchema } from "../schema/mod.ts";
import type { Schema } from "../schema/types.ts";
import type { CliContext } from "./context.ts";
import { confirmed } from "./_confirm.ts";
import { destinationTarget, openDestination } from "./_pipeline_destination.ts";
import {
  foundLine,
  objectAt,
  openPipelineFolder,
  type PipelineFolder,
  readPipelineSchema,
  requireState,
  tablesByResource,
} from "./_pipelines.ts";

/** Options of `dltx pipeline <name> drop`. */
export interface PipelineDropOptions {
  /** Comma-separated resource names (`--resources`), besides the positional ones. */
  resources?: string;
  /** The schema the resources belong to. @default the pipeline's default schema */
  schema?: string;
  /** Print what would be dropped and stop. */
  dryRun?: boolean;
  /** Drop without asking. */
  yes?: boolean;
  /** Every resource of the schema (dlt's `--drop-all`). */
  dropAll?: boolean;
  /** Reset the resources' state only; their tables stay (dlt's `--state-only`). */
  stateOnly?: boolean;
}

/** What a drop removes. */
interface DropPlan {
  resources: string[];
  tables: string[];
  /** Resources that have state to reset. */
  resourceStates: string[];
}

/**
 * Drops resources of a pipeline and prints what was dropped.
 *
 * @returns the exit code
 * @throws {UserError} when no or unknown resources are given, another process runs the
 *   pipeline, it has pending load packages, or the destination cannot be opened
 */
export async function pipelineDropCommand(
  ctx: CliContext,
  name: string,
  resources: string[],
  options: PipelineDropOptions,
): Promise<number> {
  const requested = [...resources, ...(options.resources ?? "").split(",")]
    .map((r) => r.trim()).filter(Boolean);
  if (requested.length === 0 && !options.dropAll) {
    throw new UserError(
      `Name the resources to drop, e.g. "dltx pipeline ${name} drop issues comments", or ` +
        "drop them all with --drop-all",
    );
  }
  const folder = await openPipelineFolder(ctx, name);
  const lock = await acquirePipelineLock(folder.workingDir, name);
  try {
    // Read again under the lock: a run that just ended may have moved the state on.
    folder.state = await folder.workingDir.readState();
    return await dropLocked(ctx, folder, requested, options);
  } finally {
    await lock.release();
  }
}

async function dropLocked(
  ctx: CliContext,
  folder: PipelineFolder,
  requested: string[],
  options: PipelineDropOptions,
): Promise<number> {
  const { name } = folder;
  const state = requireState(folder);
  const schema = await readPipelineSchema(folder, options.schema);
  const plan = planDrop(schema, state, requested, options);

  const pending = (await listPackages(folder.workingDir.loadDir))
    .filter((p) => p.state !== "loaded" && p.state !== "aborted");
  if (pending.length > 0) {
    throw new UserError(
      `Pipeline "${name}" has ${pending.length} pending load package(s) ` +
        `(${pending.map((p) => p.loadId).join(", ")}); run the pipeline once to finish ` +
        "them, then drop",
    );
  }

  const target = await destinationTarget(ctx, name, state);
  let out = foundLine(folder);
  out += `About to drop the following data in dataset ${state.dataset_name} in destination ` +
    `${target.location}:\n`;
  out += `Selected schema: ${schema.name}\n`;
  out += `Selected resource(s): ${plan.resources.join(", ")}\n`;
  out += `Table(s) to drop: ${plan.tables.join(", ") || "none"}\n`;
  out += `Resource(s) state to reset: ${plan.resourceStates.join(", ") || "none"}\n`;
  ctx.stdout.write(out);
  if (options.dryRun) {
    ctx.stdout.write("Dry run: nothing was dropped.\n");
    return 0;
  }
  if (plan.tables.length === 0 && plan.resourceStates.length === 0) {
    ctx.stdout.write("Nothing to drop: the resources have no tables and no state.\n");
    return 0;
  }
  const command = `dltx pipeline ${name} drop`;
  if (!(await confirmed(ctx, "Do you want to apply these changes?", { ...options, command }))) {
    ctx.stdout.write("Nothing was dropped.\n");
    return 0;
  }

  const newSchema = cloneSchema(schema);
  const propagation = newSchema.normalizers?.json.config?.propagation?.tables;
  for (const table of plan.tables) {
    delete newSchema.tables[table];
    // As dlt's `remove_table`: a dropped root table passes no root key any more.
    if (propagation) delete propagation[table];
  }
  bumpVersion(newSchema, schema.version_hash);
  const newState: PipelineState = structuredClone(state);
  const resourceStates = objectAt(newState.sources?.[schema.name], "resources");
  for (const resource of plan.resourceStates) delete resourceStates[resource];
  bumpStateVersion(newState);

  const destination = await openDestination(name, target);
  try {
    if (!destination.dropTables) {
      throw new InternalError(`The ${destination.type} destination cannot drop tables`);
    }
    await destination.dropTables({
      datasetName: state.dataset_name,
      tables: plan.tables,
      schema: newSchema,
      state: {
        pipelineName: name,
        state: destinationState(newState),
        version: newState._state_version,
        versionHash: newState._version_hash,
      },
    });
  } finally {
    await destination.close();
  }
  // The destination committed: only now may the working folder follow.
  await folder.workingDir.writeSchema(newSchema);
  await folder.workingDir.writeState(newState);
  ctx.stdout.write(
    `Dropped ${plan.tables.length} table(s) and the state of ${plan.resourceStates.length} ` +
      `resource(s); schema ${newSchema.name} is now at version ${newSchema.version}.\n`,
  );
  return 0;
}

/**
 * The tables and state a drop of `requested` removes: resources by name or `re:<pattern>`,
 * every resource with `dropAll`, no tables with `stateOnly`.
 *
 * @throws {UserError} naming unknown resources (and patterns that match none) and listing the
 *   known ones
 */
function planDrop(
  schema: Schema,
  state: PipelineState,
  requested: string[],
  options: Pick<PipelineDropOptions, "dropAll" | "stateOnly">,
): DropPlan {
  const byResource = tablesByResource(schema);
  const stateOf = objectAt(state.sources?.[schema.name], "resources");
  const known = [...new Set([...byResource.keys(), ...Object.keys(stateOf)])].sort();
  const selected = new Set<string>(options.dropAll ? known : []);
  const unknown: string[] = [];
  for (const name of requested) {
    const matches = name.startsWith("re:")
      ? known.filter((r) => pattern(name).test(r))
      : known.filter((r) => r === name);
    if (matches.length === 0) unknown.push(name);
    for (const m of matches) selected.add(m);
  }
  if (unknown.length > 0) {
    throw new UserError(
      `Unknown resource(s) ${unknown.map((r) => `"${r}"`).join(", ")} in schema ` +
        `"${schema.name}" of pipeline "${state.pipeline_name}"; known resources: ` +
        (known.join(", ") || "none"),
    );
  }
  const resources = known.filter((r) => selected.has(r));
  return {
    resources,
    tables: options.stateOnly ? [] : resources.flatMap((r) => byResource.get(r) ?? []),
    resourceStates: resources.filter((r) => r in stateOf),
  };
}

/** `re:<pattern>`, as dlt reads it (a search, not a full match). */
function pattern(spec: string): RegExp {
  try {
    return new RegExp(spec.slice(3));
  } catch (err) {
    throw new UserError(`Invalid resource pattern "${spec}": ${(err as Error).message}`);
  }
}
