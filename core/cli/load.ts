/**
 * `dltx load <file|-> --table <name>`: loads JSON lines (or a Singer tap's output, with
 * `--format singer`) from stdin or files through the same pipeline as `dltx run`: normalizer,
 * schema evolution, write dispositions, state, one transaction per load.
 *
 * The pipeline is `load_<table>` unless `--pipeline` names one (`load_singer` for Singer
 * input, whose tables are named after its streams); the source and schema take the pipeline's
 * name, as dlt does for data without a source.
 *
 * @module
 */

import { resolve } from "node:path";
import { UserError } from "../errors.ts";
import { normalizePath } from "../normalize/mod.ts";
import { checkPipelineName, formatLoadInfo, type Pipeline } from "../pipeline/mod.ts";
import type { WriteDisposition } from "../schema/mod.ts";
import {
  fileInput,
  type JsonlInput,
  jsonlSource,
  singerSource,
  type Source,
  streamInput,
} from "../source/mod.ts";
import type { CliContext } from "./context.ts";
import { checkDestinationType, targetDestination } from "./_destination.ts";
import { cliPipeline, commandSetup } from "./_setup.ts";

/** Input formats of `dltx load`. */
export const LOAD_FORMATS = ["jsonl", "singer"] as const;

const WRITE_DISPOSITIONS: readonly WriteDisposition[] = ["append", "replace", "merge"];

/** Stands for stdin among the inputs. */
const STDIN = "-";

/** Options of `dltx load`, as parsed from the command line. */
export interface LoadCommandOptions {
  /** The table JSON lines go to (required for `jsonl`, not allowed for `singer`). */
  table?: string;
  /** @default "duckdb" */
  to?: string;
  pipeline?: string;
  dataset?: string;
  /** @default "append" */
  writeDisposition?: string;
  /** Comma-separated primary key columns. */
  primaryKey?: string;
  /** @default "jsonl" */
  format?: string;
  /** `--log-format text|json`. */
  logFormat?: string;
  /** `--verbose`: more detail in the logs. */
  verbose?: boolean;
  /** `--wait`: wait for another run of the pipeline to finish instead of failing. */
  wait?: boolean;
}

/**
 * Runs `dltx load`; returns the exit code.
 * @throws {UserError} for bad options or a file that cannot be read
 * @throws {DataError} for a malformed line (naming it); nothing is committed then
 */
export async function loadCommand(
  ctx: CliContext,
  inputs: string[],
  options: LoadCommandOptions,
): Promise<number> {
  const format = checkFormat(options);
  const writeDisposition = checkWriteDisposition(options.writeDisposition);
  const primaryKey = options.primaryKey?.split(",").map((k) => k.trim()).filter(Boolean);
  const to = options.to ?? "duckdb";
  checkDestinationType(to);
  const sources = await openInputs(ctx, inputs);
  const setup = await commandSetup(ctx, options);
  const { config, logger, masker } = setup;
  if (inputs.includes(STDIN) && ctx.stdin === undefined && Deno.stdin.isTerminal()) {
    logger.warn("Reading JSON lines from the terminal; end the input with Ctrl-D");
  }
  const pipelineName = checkPipelineName(
    options.pipeline ?? (options.table ? `load_${normalizePath(options.table)}` : "load_singer"),
  );
  const destination = targetDestination(to, {
    config,
    cwd: ctx.cwd,
    pipelineName,
    logger,
    masker,
  });
  let p: Pipeline | undefined;
  try {
    p = cliPipeline(ctx, setup, {
      pipelineName,
      datasetName: options.dataset,
      destination,
      waitForLock: options.wait,
    });
    const state = await p.prepare({ signal: ctx.signal });
    const hints = { writeDisposition, primaryKey };
    const committed = state.sources[pipelineName];
    const source: Source = format === "singer"
      ? singerSource({ name: pipelineName, inputs: sources, state: committed, logger, ...hints })
      : jsonlSource({
        name: pipelineName,
        table: options.table!,
        inputs: sources,
        state: committed,
        ...hints,
      });
    const info = await p.run(source, { signal: ctx.signal, keepLock: true });
    setup.stopProgress();
    ctx.stdout.write(masker.mask(formatLoadInfo(info)) + "\n");
    return 0;
  } finally {
    setup.stopProgress();
    await destination.close();
    // Only now: a run waiting for this one must find the database closed.
    await p?.release();
  }
}

function checkFormat(options: LoadCommandOptions): typeof LOAD_FORMATS[number] {
  const format = options.format ?? "jsonl";
  if (format === "jsonl") {
    if (!options.table) {
      throw new UserError(
        "dltx load needs --table <name>: the table the JSON lines are loaded into",
      );
    }
    return format;
  }
  if (format === "singer") {
    if (options.table) {
      throw new UserError(
        "--table does not apply to --format singer: each Singer stream is loaded into a table " +
          "named after it (use --pipeline and --dataset to choose where)",
      );
    }
    return format;
  }
  throw new UserError(
    `Unknown --format "${format}" for dltx load; expected one of ${LOAD_FORMATS.join(", ")}`,
  );
}

function checkWriteDisposition(value: string | undefined): WriteDisposition {
  if (value === undefined) return "append";
  if (!(WRITE_DISPOSITIONS as readonly string[]).includes(value)) {
    throw new UserError(
      `Unknown --write-disposition "${value}"; expected one of ${WRITE_DISPOSITIONS.join(", ")}`,
    );
  }
  return value as WriteDisposition;
}

/** The inputs in order; files are checked up front, so a typo fails before any work. */
async function openInputs(ctx: CliContext, inputs: string[]): Promise<JsonlInput[]> {
  if (inputs.filter((i) => i === STDIN).length > 1) {
    throw new UserError(`stdin (${STDIN}) can be read only once, but was given more than once`);
  }
  const out: JsonlInput[] = [];
  for (const input of inputs) {
    if (input === STDIN) {
      out.push(streamInput(ctx.stdin ?? Deno.stdin.readable));
      continue;
    }
    const path = resolve(ctx.cwd, input);
    const stat = await Deno.stat(path).catch((err) => err as Error);
    if (stat instanceof Error || !stat.isFile) {
      const reason = stat instanceof Deno.errors.NotFound
        ? "no such file"
        : stat instanceof Error
        ? stat.message
        : "not a file";
      throw new UserError(`Cannot read ${input}: ${reason}`);
    }
    out.push(fileInput(path, input));
  }
  return out;
}
