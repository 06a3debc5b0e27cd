/**
 * `dltx pipeline [-l] <name> <operation> [args...]`: dispatches to one operation per file
 * (`pipeline_info.ts`, `pipeline_trace.ts`, ...), checks that each option and argument given
 * belongs to the operation, and lists the pipelines in the pipelines dir (`-l`,
 * `--list-pipelines`, or no name), as dlt's `dlt pipeline` does.
 *
 * @module
 */

import { InternalError, UserError } from "../errors.ts";
import type { CliContext } from "./context.ts";
import { listPipelineNames, pipelinesDirOf } from "./_pipelines.ts";
import { pipelineDropCommand } from "./pipeline_drop.ts";
import { pipelineDropPendingCommand } from "./pipeline_drop_pending.ts";
import { pipelineFailedJobsCommand } from "./pipeline_failed_jobs.ts";
import { pipelineInfoCommand } from "./pipeline_info.ts";
import { pipelineLoadPackageCommand } from "./pipeline_load_package.ts";
import { pipelineSchemaCommand } from "./pipeline_schema.ts";
import { pipelineSyncCommand } from "./pipeline_sync.ts";
import { pipelineTraceCommand } from "./pipeline_trace.ts";

/** Options of `dltx pipeline`, as parsed from the command line. */
export interface PipelineCommandOptions {
  /** `-l`, `--list-pipelines`: list the pipelines instead. */
  listPipelines?: boolean;
  verbose?: boolean;
  format?: string;
  schema?: string;
  resources?: string;
  dryRun?: boolean;
  dataset?: string;
  /** sync: the destination type when there is no local state. */
  destination?: string;
  /** show: the dashboard's port. */
  port?: string;
  /** show: `--no-open` sets it false (Commander defaults it to true). */
  open?: boolean;
  /** drop, drop-pending-packages: go ahead without asking. */
  yes?: boolean;
  /** drop: every resource of the schema. */
  dropAll?: boolean;
  /** drop: reset the resources' state only. */
  stateOnly?: boolean;
}

/** The operations of `dltx pipeline <name>` and the options each takes. */
export const PIPELINE_OPERATIONS: Readonly<Record<string, readonly OptionName[]>> = {
  info: ["verbose"],
  trace: ["format"],
  "load-package": ["verbose"],
  schema: ["format", "schema"],
  drop: ["resources", "schema", "dryRun", "yes", "dropAll", "stateOnly"],
  "failed-jobs": [],
  "drop-pending-packages": ["yes"],
  sync: ["dataset", "destination"],
  show: ["port", "open"],
};

/** How many positional arguments each operation takes after its name. */
const OPERATION_ARGS: Readonly<Record<string, number>> = {
  "load-package": 1,
  drop: Infinity,
};

type OptionName = Exclude<keyof PipelineCommandOptions, "listPipelines">;

const FLAGS: Record<OptionName, string> = {
  verbose: "-v/--verbose",
  format: "--format",
  schema: "--schema",
  resources: "--resources",
  dryRun: "--dry-run",
  dataset: "--dataset",
  destination: "--destination",
  port: "--port",
  open: "--no-open",
  yes: "--yes",
  dropAll: "--drop-all",
  stateOnly: "--state-only",
};

/**
 * Runs `dltx pipeline`: lists pipelines, or runs `operation` (default `info`) on pipeline
 * `name`. `args` are the operation's positional arguments (the load id of `load-package`, the
 * resources of `drop`).
 *
 * @returns the exit code
 * @throws {UserError} for an unknown operation, or an option or argument the operation does
 *   not take
 */
export async function pipelineCommand(
  ctx: CliContext,
  target: { name?: string; operation?: string; args?: string[] },
  options: PipelineCommandOptions,
): Promise<number> {
  const { name, operation = "info", args = [] } = target;
  // dlt lists the pipelines for `-l` and for `dlt pipeline` with no name.
  if (options.listPipelines || name === undefined) return await listPipelines(ctx);
  if (!Object.hasOwn(PIPELINE_OPERATIONS, operation)) {
    throw new UserError(
      `Unknown pipeline operation "${operation}"; expected one of ${
        Object.keys(PIPELINE_OPERATIONS).join(", ")
      }`,
    );
  }
  const allowed = PIPELINE_OPERATIONS[operation];
  for (const key of Object.keys(FLAGS) as OptionName[]) {
    // `open` is true unless `--no-open` was given: only false counts as given.
    const given = key === "open" ? options.open === false : options[key] !== undefined;
    if (given && !allowed.includes(key)) {
      throw new UserError(`${FLAGS[key]} is not an option of "dltx pipeline <name> ${operation}"`);
    }
  }
  if (args.length > (OPERATION_ARGS[operation] ?? 0)) {
    const extra = args.slice(OPERATION_ARGS[operation] ?? 0);
    throw new UserError(
      `Unexpected argument "${extra[0]}" after "dltx pipeline ${name} ${operation}"`,
    );
  }
  switch (operation) {
    case "info":
      return await pipelineInfoCommand(ctx, name, options);
    case "trace":
      return await pipelineTraceCommand(ctx, name, options);
    case "load-package":
      return await pipelineLoadPackageCommand(ctx, name, args[0], options);
    case "schema":
      return await pipelineSchemaCommand(ctx, name, options);
    case "drop":
      return await pipelineDropCommand(ctx, name, args, options);
    case "failed-jobs":
      return await pipelineFailedJobsCommand(ctx, name);
    case "drop-pending-packages":
      return await pipelineDropPendingCommand(ctx, name, options);
    case "sync":
      return await pipelineSyncCommand(ctx, name, options);
    case "show": {
      const { dashboardCommand } = await import("./dashboard/mod.ts");
      return await dashboardCommand(ctx, name, options);
    }
    default:
      throw new InternalError(`Pipeline operation "${operation}" has no handler`);
  }
}

/** `dltx pipeline -l`: the pipelines in the pipelines dir, in dlt's words. */
async function listPipelines(ctx: CliContext): Promise<number> {
  const dir = pipelinesDirOf(ctx);
  const names = await listPipelineNames(dir);
  ctx.stdout.write(
    names.length > 0
      ? `${names.length} pipelines found in ${dir}\n${names.join("\n")}\n`
      : `No pipelines found in ${dir}\n`,
  );
  return 0;
}
