/**
 * `dltx pipeline [-l] <name> <operation>`: dispatches to one operation per file
 * (`pipeline_info.ts`, `pipeline_trace.ts`, ...), checks that each option given belongs to the
 * operation, and lists the pipelines in the pipelines dir (`--list`), as dlt's
 * `dlt pipeline` does.
 *
 * @module
 */

import { InternalError, UserError } from "../errors.ts";
import type { CliContext } from "./context.ts";
import { listPipelineNames, pipelinesDirOf } from "./_pipelines.ts";
import { pipelineDropCommand } from "./pipeline_drop.ts";
import { pipelineInfoCommand } from "./pipeline_info.ts";
import { pipelineLoadPackageCommand } from "./pipeline_load_package.ts";
import { pipelineSchemaCommand } from "./pipeline_schema.ts";
import { pipelineSyncCommand } from "./pipeline_sync.ts";
import { pipelineTraceCommand } from "./pipeline_trace.ts";

/** Options of `dltx pipeline`, as parsed from the command line. */
export interface PipelineCommandOptions {
  list?: boolean;
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
}

/** The operations of `dltx pipeline <name>` and the options each takes. */
export const PIPELINE_OPERATIONS: Readonly<Record<string, readonly OptionName[]>> = {
  info: ["verbose"],
  trace: ["format"],
  "load-package": ["verbose"],
  schema: ["format", "schema"],
  drop: ["resources", "schema", "dryRun"],
  sync: ["dataset", "destination"],
  show: ["port", "open"],
};

type OptionName = Exclude<keyof PipelineCommandOptions, "list">;

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
};

/**
 * Runs `dltx pipeline`: lists pipelines, or runs `operation` (default `info`) on pipeline
 * `name`. `arg` is the operation's positional argument (the load id of `load-package`).
 *
 * @returns the exit code
 * @throws {UserError} for a missing name, an unknown operation or an option the operation
 *   does not take
 */
export async function pipelineCommand(
  ctx: CliContext,
  args: { name?: string; operation?: string; arg?: string },
  options: PipelineCommandOptions,
): Promise<number> {
  if (options.list) return await listPipelines(ctx);
  const { name, operation = "info", arg } = args;
  if (name === undefined) {
    throw new UserError(
      'Name a pipeline, as in "dltx pipeline <name> info", or list them with "dltx pipeline -l"',
    );
  }
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
  if (arg !== undefined && operation !== "load-package") {
    throw new UserError(
      `Unexpected argument "${arg}" after "dltx pipeline ${name} ${operation}"`,
    );
  }
  switch (operation) {
    case "info":
      return await pipelineInfoCommand(ctx, name, options);
    case "trace":
      return await pipelineTraceCommand(ctx, name, options);
    case "load-package":
      return await pipelineLoadPackageCommand(ctx, name, arg, options);
    case "schema":
      return await pipelineSchemaCommand(ctx, name, options);
    case "drop":
      return await pipelineDropCommand(ctx, name, options);
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
