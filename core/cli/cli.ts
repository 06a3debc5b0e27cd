/**
 * The command tree of `dltx` and the one place where errors become exit codes:
 * a `UserError` prints its message and exits 1, a usage error exits 2, anything else is a bug
 * (exit 70, with the stack).
 *
 * @module
 */

import { Command, CommanderError, InvalidArgumentError } from "commander";
import denoJson from "../../deno.json" with { type: "json" };
import { SecretMasker } from "../config/mod.ts";
import { isDiskFull, UserError } from "../errors.ts";
import type { CliContext } from "./context.ts";
// Each command's module loads when the command runs (a dynamic import in its action), so
// `dltx run` does not pay at start-up for the modules of init, ai, pipeline or query.
import type { RunCommandOptions } from "./run.ts";
import type { LoadCommandOptions } from "./load.ts";
import type { PipelineCommandOptions } from "./pipeline_command.ts";
import type { QueryCommandOptions } from "./query.ts";
import type { AddConnectorOptions } from "./add.ts";
import type { InitCommandOptions } from "./init.ts";
import type { InitOpenApiOptions } from "./init_openapi.ts";
import type { DashboardOptions } from "./dashboard/mod.ts";
import type { McpCommandOptions } from "./mcp/mod.ts";
import type { AiCommandOptions } from "./ai/mod.ts";
import { AI_AGENTS } from "./ai/agents.ts";

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, userError: 1, usage: 2, internal: 70, interrupted: 130 } as const;

/** Parses `ctx.args`, runs the command and returns its exit code. Never exits the process. */
export async function runCli(context: CliContext): Promise<number> {
  const masker = context.masker ?? new SecretMasker();
  const ctx: CliContext = { ...context, masker };
  let exitCode: number = EXIT.ok;
  const verbose = ctx.args.includes("--verbose");
  const program = new Command("dltx")
    .description("Load data from REST APIs into DuckDB and files, the dlt way.")
    .version(`dltx ${denoJson.version}`, "-V, --version", "print the version of dltx")
    .option("--verbose", "print stack traces of errors")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });

  program.command("init")
    .description(
      "create a pipeline project: <connector>_pipeline.ts, .dlt/config.toml, " +
        ".dlt/secrets.toml, .gitignore and the deno.json that imports dltx",
    )
    .usage(
      "<connector> <destination> [--force] [--agent <agent>] | --openapi <spec> [destination] " +
        "[--endpoints a,b | --all] [--name N] [--format yaml|ts] | -l",
    )
    .argument("[connector]", "a built-in or added connector's name, or a connector file's path")
    .argument("[destination]", "duckdb | filesystem | postgres")
    .option("-l, --list", "list the built-in connectors, one line each")
    .option("--force", "overwrite the files that exist")
    .option(
      "--dltx <source>",
      "where the pipeline imports dltx from: a dltx checkout folder, jsr:@dltx/dltx@<version> " +
        "or an https:// URL (default: this checkout; the JSR package for the binary)",
    )
    .option(
      "--agent <agent>",
      `also set up an AI assistant (as dltx ai setup) and write <connector>-docs.yaml: ${
        AI_AGENTS.join(" | ")
      }`,
    )
    .option(
      "--openapi <spec>",
      "generate the connector from an OpenAPI spec (3.0, 3.1 or Swagger 2.0): a file or an " +
        "https:// URL; then the only argument is the destination (default duckdb)",
    )
    .option(
      "--endpoints <names>",
      "--openapi: the endpoints to load (names, operationIds or paths)",
    )
    .option("--all", "--openapi: every GET endpoint of the spec")
    .option("--name <name>", "--openapi: the connector's name (default: the spec's title)")
    .option("--format <format>", "--openapi: the connector as yaml (default) or ts")
    .action(async (connector, destination, options: InitCommandOptions & InitOpenApiOptions) => {
      if (options.openapi !== undefined) {
        const { initOpenApiCommand } = await import("./init_openapi.ts");
        exitCode = await initOpenApiCommand(ctx, { connector, destination }, options);
      } else {
        const { initCommand } = await import("./init.ts");
        exitCode = await initCommand(ctx, { connector, destination }, options);
      }
    });

  const ai = program.command("ai")
    .description(
      "set up an AI assistant in your editor for dltx connectors: rules, MCP, skills",
    );
  const agentHelp = AI_AGENTS.join(" | ");
  ai.command("init")
    .description(
      "write the editor's rules (how to write, run and check a connector) and secrets rule, " +
        "register dltx mcp in its MCP config and keep .dlt/secrets.toml out of its context; " +
        "re-running updates in place",
    )
    .argument("[agent]", agentHelp)
    .option("--agent <agent>", agentHelp)
    .action(async (agent: string | undefined, options: AiCommandOptions) => {
      const { aiSetupCommand } = await import("./ai/mod.ts");
      exitCode = await aiSetupCommand(ctx, agent, options);
    });
  ai.command("setup")
    .description("the same as dltx ai init")
    .argument("<agent>", agentHelp)
    .action(async (agent: string) => {
      const { aiSetupCommand } = await import("./ai/mod.ts");
      exitCode = await aiSetupCommand(ctx, agent);
    });
  ai.command("status")
    .description("show what dltx ai set up for each agent, and the toolkits installed")
    .action(async () => {
      const { aiStatusCommand } = await import("./ai/mod.ts");
      exitCode = await aiStatusCommand(ctx);
    });
  const toolkit = ai.command("toolkit")
    .description("toolkits of skills for the assistant (rest-api-pipeline)");
  toolkit.command("list")
    .description("the toolkits dltx has, and for which agents each is installed")
    .action(async () => {
      const { aiToolkitListCommand } = await import("./ai/mod.ts");
      exitCode = await aiToolkitListCommand(ctx);
    });
  toolkit.command("info")
    .description("a toolkit's skills and where each editor gets them")
    .argument("<name>", "toolkit name")
    .action(async (name: string) => {
      const { aiToolkitInfoCommand } = await import("./ai/mod.ts");
      exitCode = await aiToolkitInfoCommand(ctx, name);
    });
  toolkit.command("install")
    .description(
      "write a toolkit's skills in the editor's format (and run dltx ai init first if needed); " +
        "installing again changes nothing",
    )
    .argument("<name>", "toolkit name")
    .option("--agent <agent>", `${agentHelp} (default: every agent dltx ai init was run for)`)
    .option("--force", "replace files of the same name that dltx did not write")
    .action(async (name: string, options: AiCommandOptions) => {
      const { aiToolkitInstallCommand } = await import("./ai/mod.ts");
      exitCode = await aiToolkitInstallCommand(ctx, name, options);
    });
  toolkit.command("uninstall")
    .description("remove a toolkit's files that are still as installed (edited ones stay)")
    .argument("<name>", "toolkit name")
    .option("--agent <agent>", `${agentHelp} (default: every agent it is installed for)`)
    .action(async (name: string, options: AiCommandOptions) => {
      const { aiToolkitUninstallCommand } = await import("./ai/mod.ts");
      exitCode = await aiToolkitUninstallCommand(ctx, name, options);
    });

  program.command("add")
    .description("add a connector plugin to the project (.dltx/connectors/, dltx.lock)")
    .command("connector")
    .description(
      "vendor a connector into .dltx/connectors/<name>/ and pin the sha256 of its files in " +
        "dltx.lock; runs then load only that copy",
    )
    .argument(
      "<spec>",
      "built-in name (copied to customise), path, https:// URL or jsr:@scope/name[@version]; " +
        "with --update or --pin: the connector's name",
    )
    .option("--name <name>", "store it under this name (default: the definition's name)")
    .option("--update", "re-resolve the pinned spec, show the diff, store the new files")
    .option("--force", "replace a connector of the same name added from another spec")
    .option("--pin", "accept your edits of .dltx/connectors/<spec>/: pin its files as they are")
    .action(async (spec: string, options: AddConnectorOptions) => {
      const { addConnectorCommand } = await import("./add.ts");
      exitCode = await addConnectorCommand(ctx, spec, options);
    });

  program.command("run")
    .description("extract a connector's resources and load them into a destination")
    .argument("<connector>", "built-in connector name or path to a .ts, .js, .json or .yaml file")
    .option("--pipeline <name>", "pipeline name (default: <connector>_pipeline)")
    .option("--dataset <name>", "dataset name (default: <pipeline>_dataset)")
    .option("--resources <names>", "comma-separated resources to load (default: all selected)")
    .option(
      "--to <destination>",
      "duckdb, filesystem, postgres, or jsonl: records to stdout as JSON lines; no state is " +
        "committed, incremental cursors start from their initial value",
      "duckdb",
    )
    .option("--normalize", "--to jsonl: normalized rows with _dlt_table instead of records")
    .option(
      "--format <format>",
      "--to jsonl: jsonl (default) | singer: SCHEMA, RECORD and STATE messages, a stream per " +
        "resource (per table with --normalize)",
    )
    .option("--verbose", "request URLs and timings in the logs; stack traces of errors")
    .option("--log-format <format>", "text (default) | json: one JSON object per event on stderr")
    .option("--wait", "when another process runs this pipeline, wait for it instead of failing")
    .option(
      "--concurrency <n>",
      "most requests in flight to one host, and request series at once (default: " +
        "SOURCES__<SOURCE>__CONCURRENCY, the connector's client.concurrency, else 8); 1 is sequential",
      positiveInteger("--concurrency"),
    )
    .action(async (connector: string, options: RunCommandOptions) => {
      // `--verbose` may land on the program's option of the same name.
      const { runCommand } = await import("./run.ts");
      exitCode = await runCommand(ctx, connector, { ...options, verbose });
    });

  program.command("load")
    .description(
      "load JSON lines (or a Singer tap's output) from stdin or files into a destination",
    )
    .usage("<file|-...> --table <name> [options]")
    .argument("<inputs...>", "files (.gz too) or - for stdin, read in order")
    .option("--table <name>", "the table to load into (JSON lines)")
    .option("--to <destination>", "duckdb | filesystem | postgres", "duckdb")
    .option("--pipeline <name>", "pipeline name (default: load_<table>, load_singer)")
    .option("--dataset <name>", "dataset name (default: <pipeline>_dataset)")
    .option("--write-disposition <disposition>", "append (default) | replace | merge")
    .option("--primary-key <columns>", "comma-separated primary key (merge, dedup)")
    .option("--format <format>", "jsonl (default) | singer: tables named after the streams")
    .option("--verbose", "more detail in the logs; stack traces of errors")
    .option("--log-format <format>", "text (default) | json: one JSON object per event on stderr")
    .option("--wait", "when another process runs this pipeline, wait for it instead of failing")
    .action(async (inputs: string[], options: LoadCommandOptions) => {
      const { loadCommand } = await import("./load.ts");
      exitCode = await loadCommand(ctx, inputs, { ...options, verbose });
    });

  program.command("pipeline")
    .description(
      "inspect a pipeline: its working folder, state, schema, loads and dataset; drop " +
        "resources or pending packages",
    )
    .usage("[-l] <name> [operation] [args...] [options]")
    .argument("[name]", "pipeline name (none: list the pipelines)")
    .argument(
      "[operation]",
      "info (default) | trace | load-package [load_id] | schema | drop <resource...> | " +
        "failed-jobs | drop-pending-packages | sync | show (web dashboard)",
    )
    .argument("[args...]", "load-package: the load id (default: the newest); drop: resources")
    .option("-l, --list-pipelines", "list the pipelines in the pipelines dir")
    .option("-v, --verbose", "info: print the sources state; load-package: the schema update")
    .option("--format <format>", "schema: yaml (default) | json | table; trace: text | json")
    .option("--schema <name>", "schema, drop: the schema (default: the pipeline's default)")
    .option("--resources <names>", "drop: comma-separated resources, as the arguments do")
    .option("--drop-all", "drop: every resource of the schema")
    .option("--state-only", "drop: reset the resources' state only; keep their tables")
    .option("--dry-run", "drop: print what would be dropped and stop")
    .option("-y, --yes", "drop, drop-pending-packages: go ahead without asking")
    .option("--dataset <name>", "sync: the dataset to restore from (default: <name>_dataset)")
    .option(
      "--destination <type>",
      "sync: the destination to restore from when there is no local state: duckdb (default), " +
        "filesystem or postgres",
    )
    .option("--port <port>", "show: the dashboard's port (default: a free one)")
    .option("--no-open", "show: do not open the dashboard in the browser")
    .action(async (name, operation, args: string[], options: PipelineCommandOptions) => {
      const { PIPELINE_OPERATIONS, pipelineCommand } = await import("./pipeline_command.ts");
      // Commander hands `--verbose` to the program (stack traces); it means -v here too.
      const op: string = operation ?? "info";
      if (
        program.opts().verbose && Object.hasOwn(PIPELINE_OPERATIONS, op) &&
        PIPELINE_OPERATIONS[op].includes("verbose")
      ) {
        options.verbose = true;
      }
      exitCode = await pipelineCommand(ctx, { name, operation, args }, options);
    });

  program.command("dashboard")
    .description("serve a local web dashboard of all pipelines (state, schema, SQL, charts)")
    .option("--port <port>", "port to listen on (default: a free one)")
    .option("--no-open", "do not open the dashboard in the browser")
    .action(async (options: DashboardOptions) => {
      const { dashboardCommand } = await import("./dashboard/mod.ts");
      exitCode = await dashboardCommand(ctx, undefined, options);
    });

  program.command("query")
    .description("run one read-only SQL statement on a pipeline's dataset and print the rows")
    .argument("<pipeline>", "pipeline name")
    .argument("<sql>", "the SQL; name tables with their dataset: <dataset>.<table>")
    .option("--format <format>", "table | json | csv", "table")
    .option("--limit <rows>", "print at most this many rows")
    .action(async (pipelineName: string, sql: string, options: QueryCommandOptions) => {
      const { queryCommand } = await import("./query.ts");
      exitCode = await queryCommand(ctx, pipelineName, sql, options);
    });

  program.command("mcp")
    .description(
      "serve the dltx MCP tools on stdio (or --http) for an assistant in an editor: " +
        "pipelines, state, schemas, previews, row counts, read-only SQL, connector " +
        "validation, config status and secrets tools (never a secret's value)",
    )
    .option(
      "--http",
      "serve MCP's Streamable HTTP transport on 127.0.0.1 instead of stdio; prints the URL " +
        "and the token clients send as Authorization: Bearer (DLTX_MCP_TOKEN fixes it)",
    )
    .option("--port <port>", "--http: port to listen on (default: a free one)")
    .action(async (options: McpCommandOptions) => {
      const { mcpCommand } = await import("./mcp/mod.ts");
      exitCode = await mcpCommand(ctx, options);
    });

  try {
    if (ctx.args.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync(ctx.args, { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed the message (or help/version, which exit 0).
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (ctx.signal?.aborted) {
      ctx.stderr.write("error: interrupted; nothing of this run was committed\n");
      return EXIT.interrupted;
    }
    if (isPermissionError(err)) {
      // Deno's sandbox said no (e.g. --allow-net limited to the API's host): the user's call.
      ctx.stderr.write(masker.mask(`error: not allowed by Deno's permissions: ${err.message}\n`));
      return EXIT.userError;
    }
    if (isDiskFull(err) && !(err instanceof UserError)) {
      // A full disk where no command said more (the pipeline names its working folder).
      const message = err instanceof Error ? err.message : String(err);
      ctx.stderr.write(masker.mask(`error: no space left on device: ${message}\n`));
      return EXIT.userError;
    }
    if (err instanceof UserError) {
      ctx.stderr.write(masker.mask(`error: ${err.message}\n`));
      if (verbose && err.stack) ctx.stderr.write(masker.mask(`${err.stack}\n`));
      return EXIT.userError;
    }
    const stack = err instanceof Error ? err.stack ?? err.message : String(err);
    ctx.stderr.write(masker.mask(`internal error, please report: ${stack}\n`));
    return EXIT.internal;
  }
}

/** Deno's permission errors, possibly wrapped as the cause of another error. */
function isPermissionError(err: unknown): err is Error {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      return true;
    }
  }
  return false;
}

/** A commander parser of a positive integer option. */
function positiveInteger(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${flag} must be a positive integer, got "${value}"`);
    }
    return n;
  };
}
