/**
 * What `dltx run` and `dltx load` set up alike: config (env, `.dlt/` TOML files), the stderr
 * logger at `RUNTIME__LOG_LEVEL`, the secret masker, and the pipeline with its working folder.
 *
 * @module
 */

import { resolve } from "node:path";
import { type ConfigResolver, loadConfig, SecretMasker } from "../config/mod.ts";
import { ConfigError } from "../errors.ts";
import type { EventSink } from "../events.ts";
import type { Logger } from "../log.ts";
import { type Destination, type Pipeline, pipeline } from "../pipeline/mod.ts";
import type { CliContext, Masker } from "./context.ts";
import { createProgress, progressMode } from "./progress.ts";

/** Config, logger and masker of one command. */
export interface CommandSetup {
  config: ConfigResolver;
  logger: Logger;
  masker: Masker;
  /** Progress and machine-readable logs: pass to the source and the pipeline. */
  events: EventSink;
  /** Ends progress output (erases a TTY bar); call it before printing results or errors. */
  stopProgress(): void;
}

/** Command-line options that shape a command's logs and progress. */
export interface OutputOptions {
  /** `--log-format`: `text` (default) or `json` (one JSON object per event and message). */
  logFormat?: string;
  /** `--verbose`: request URLs and timings in text logs. */
  verbose?: boolean;
}

/** Reads the config and builds the logger (stderr) and the masker. */
export async function commandSetup(
  ctx: CliContext,
  options: OutputOptions = {},
): Promise<CommandSetup> {
  const masker = ctx.masker ?? new SecretMasker();
  const config = await loadConfig({ env: definedEnv(ctx.env), projectDir: ctx.cwd });
  const logLevel = config.get("runtime.log_level")?.value;
  const logFormat = options.logFormat ?? "text";
  if (logFormat !== "text" && logFormat !== "json") {
    throw new ConfigError(`Unknown --log-format "${logFormat}"; expected text or json`);
  }
  const verbose = options.verbose ?? false;
  const progress = createProgress({ ...ctx, masker }, {
    mode: progressMode(ctx.env, ctx.stderr.isTerminal),
    logFormat,
    verbose,
    // --verbose shows the details of a run (debug lines), whatever the configured level.
    level: verbose ? "DEBUG" : typeof logLevel === "string" ? logLevel : undefined,
  });
  return {
    config,
    logger: verbose ? withoutRequestLines(progress.logger) : progress.logger,
    masker,
    events: progress.sink,
    stopProgress: () => progress.stop(),
  };
}

/** Names of one pipeline and where it loads. */
export interface PipelineTarget {
  pipelineName: string;
  /** @default `<pipelineName>_dataset` */
  datasetName?: string;
  destination: Destination;
  /** `--wait`: wait for another run of the pipeline instead of failing at once. */
  waitForLock?: boolean;
}

/** The pipeline of a command: working folder under `DLTX_PIPELINES_DIR`, dlt's settings. */
export function cliPipeline(
  ctx: CliContext,
  setup: CommandSetup,
  target: PipelineTarget,
): Pipeline {
  const { config, logger, masker } = setup;
  return pipeline({
    pipelineName: target.pipelineName,
    datasetName: target.datasetName,
    destination: target.destination,
    pipelinesDir: ctx.env.DLTX_PIPELINES_DIR
      ? resolve(ctx.cwd, ctx.env.DLTX_PIPELINES_DIR)
      : undefined,
    env: ctx.env,
    projectDir: ctx.cwd,
    // Sources read the same providers as the command (and `load.delete_completed_jobs`).
    config,
    logger,
    deps: ctx.deps,
    masker,
    onEvent: setup.events,
    waitForLock: target.waitForLock,
  });
}

/**
 * With --verbose, each request is shown once, from its event (status and time included): the
 * HTTP client's own `GET <url>` debug line before it is left out.
 */
function withoutRequestLines(logger: Logger): Logger {
  const requestLine = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S+$/;
  return { ...logger, debug: (m) => requestLine.test(m) ? undefined : logger.debug(m) };
}

function definedEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
