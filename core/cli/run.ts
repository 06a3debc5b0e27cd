/**
 * `dltx run <connector>`: resolves config, builds the source, runs the pipeline into the
 * destination and prints dlt's load info. `--to jsonl` writes the records to stdout instead
 * (no destination, no state committed).
 *
 * @module
 */

import { UserError } from "../errors.ts";
import { describeCollision } from "../normalize/mod.ts";
import { newLoadId } from "../package/mod.ts";
import { checkPipelineName, formatLoadInfo, type Pipeline } from "../pipeline/mod.ts";
import {
  concurrencySetting,
  requestSettings,
  resolveConnectorConfig,
  restApiSource,
  type Source,
} from "../source/mod.ts";
import type { CliContext } from "./context.ts";
import { resolveConnector } from "./connector_spec.ts";
import { checkDestinationType, targetDestination } from "./_destination.ts";
import { writeJsonl } from "./_jsonl_out.ts";
import { JSONL_FORMATS, type JsonlFormat } from "./_page_formats.ts";
import { cliPipeline, type CommandSetup, commandSetup } from "./_setup.ts";

/** `--to` value that writes JSON lines to stdout instead of loading a destination. */
export const TO_JSONL = "jsonl";

/** Options of `dltx run`, as parsed from the command line. */
export interface RunCommandOptions {
  pipeline?: string;
  dataset?: string;
  resources?: string;
  to?: string;
  /** `--to jsonl`: normalized rows with `_dlt_table` instead of records. */
  normalize?: boolean;
  /** `--to jsonl`: `jsonl` (default) or `singer`. */
  format?: string;
  /** `--log-format text|json`. */
  logFormat?: string;
  /** `--verbose`: request URLs and timings in the logs. */
  verbose?: boolean;
  /** `--wait`: wait for another run of the pipeline to finish instead of failing. */
  wait?: boolean;
  /** `--concurrency N`: requests in flight per host; overrides config and the connector. */
  concurrency?: number;
}

/** Runs `dltx run`; returns the exit code. */
export async function runCommand(
  ctx: CliContext,
  connectorSpec: string,
  options: RunCommandOptions,
): Promise<number> {
  const to = options.to ?? "duckdb";
  checkDestinationType(to, [TO_JSONL]);
  const format = jsonlFormat(to, options);
  if (options.pipeline !== undefined) checkPipelineName(options.pipeline);
  const setup = await commandSetup(ctx, options);
  try {
    return await runWithSetup(ctx, setup, connectorSpec, { ...options, to, format });
  } finally {
    setup.stopProgress();
  }
}

async function runWithSetup(
  ctx: CliContext,
  setup: CommandSetup,
  connectorSpec: string,
  options: RunCommandOptions & { to: string; format: JsonlFormat | undefined },
): Promise<number> {
  const { config, logger, masker } = setup;
  const { to, format } = options;

  const connector = await resolveConnector(connectorSpec, ctx.cwd);
  const pipelineName = checkPipelineName(options.pipeline ?? `${connector.name}_pipeline`);
  // Resolve every field before any request, so a missing secret fails fast and completely.
  const values = resolveConnectorConfig(connector, config, { pipelineName, masker });

  const resources = options.resources?.split(",").map((r) => r.trim()).filter(Boolean);
  const concurrency = options.concurrency ?? concurrencySetting(config, connector.name);
  const sourceOf = (state: Record<string, unknown> | undefined) =>
    restApiSource(connector, {
      config: values,
      state,
      deps: ctx.deps,
      logger,
      masker,
      onEvent: setup.events,
      concurrency,
      ...requestSettings(config),
    });

  if (format !== undefined) {
    // No destination, so nothing to commit state with: cursors start from their initial value.
    return await runToJsonl(ctx, setup, sourceOf(undefined), {
      format,
      normalize: options.normalize ?? false,
      resources,
    });
  }

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
    // The pipeline lock is taken, pending packages are settled and the state restored first:
    // incremental cursors start from what the destination has committed.
    const state = await p.prepare({ signal: ctx.signal });
    const info = await p.run(sourceOf(state.sources[connector.name]), {
      resources,
      signal: ctx.signal,
      keepLock: true,
    });
    setup.stopProgress();
    ctx.stdout.write(masker.mask(formatLoadInfo(info)) + "\n");
    return 0;
  } finally {
    await destination.close();
    // Only now: a run waiting for this one must find the database closed.
    await p?.release();
  }
}

/** The `--format` of `--to jsonl`; `undefined` for destinations. */
function jsonlFormat(to: string, options: RunCommandOptions): JsonlFormat | undefined {
  if (to !== TO_JSONL) {
    if (options.format !== undefined || options.normalize) {
      const flag = options.format !== undefined ? "--format" : "--normalize";
      throw new UserError(`${flag} applies to --to jsonl only (got --to ${to})`);
    }
    return undefined;
  }
  const format = options.format ?? "jsonl";
  if (!(JSONL_FORMATS as readonly string[]).includes(format)) {
    throw new UserError(
      `Unknown --format "${format}" for --to jsonl; expected one of ${JSONL_FORMATS.join(", ")}`,
    );
  }
  return format as JsonlFormat;
}

async function runToJsonl(
  ctx: CliContext,
  setup: CommandSetup,
  source: Source,
  options: { format: JsonlFormat; normalize: boolean; resources?: string[] },
): Promise<number> {
  const { logger } = setup;
  const started = performance.now();
  const summary = await writeJsonl(source, {
    output: ctx.stdout,
    ...options,
    loadId: newLoadId(ctx.deps.now()),
    onCollision: (collision) => {
      logger.warn(describeCollision(collision));
      setup.events({ type: "name_collision", ...collision });
    },
    signal: ctx.signal,
  });
  if (summary.stopped) {
    // `| head -n 5`: the reader has what it wanted. Not an error, and nothing to report.
    logger.debug("stdout was closed by its reader; stopped extracting");
    return 0;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const counts = summary.rows ?? summary.records;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const what = summary.rows ? "row(s) of table(s)" : "record(s) of resource(s)";
  const names = Object.keys(counts).join(", ") || "none";
  logger.info(`Wrote ${total} ${what} ${names} to stdout in ${seconds} seconds`);
  if (hasIncrementalState(source)) {
    logger.info(
      "The incremental state was not committed: --to jsonl has no destination" +
        (options.format === "singer" ? " (the STATE message carries it)" : ""),
    );
  }
  return 0;
}

function hasIncrementalState(source: Source): boolean {
  const resources = source.state?.().resources;
  return typeof resources === "object" && resources !== null &&
    Object.keys(resources).length > 0;
}
