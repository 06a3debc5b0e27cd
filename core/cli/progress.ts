/**
 * Progress and logs of a run on stderr: live lines on a terminal (`bar`), a line every few
 * seconds otherwise (`log`), or nothing (`none`); with `--log-format json`, one JSON object per
 * event and per log message instead. `PROGRESS` chooses the mode, as in dlt.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import type { DltxEvent, EventSink } from "../events.ts";
import type { Logger } from "../log.ts";
import type { CliContext, Output } from "./context.ts";
import { stderrLogger } from "./logger.ts";
import { BarRenderer } from "./_progress_bar.ts";
import { type ProgressClock, realClock } from "./_progress_clock.ts";
import { jsonEventLine, requestLine } from "./_progress_format.ts";
import { LogRenderer } from "./_progress_log.ts";

export type { ProgressClock } from "./_progress_clock.ts";

/** How progress shows: live lines, periodic log lines, or not at all. */
export type ProgressMode = "bar" | "log" | "none";

/** Options of {@linkcode createProgress}. */
export interface ProgressOptions {
  /** From {@linkcode progressMode}. */
  mode: ProgressMode;
  /** `json`: every event and log message is one JSON object per line (`mode` none: messages only). */
  logFormat: "text" | "json";
  /** Time between `log` lines, in ms. @default 5000 */
  intervalMs?: number;
  /** Text format: adds a line per HTTP request (masked URL, status, timing). @default false */
  verbose?: boolean;
  /** Log level, dlt's names (`RUNTIME__LOG_LEVEL`). @default "INFO" */
  level?: string;
  /** Clock and timers, for tests. @default performance.now() and unref'd intervals */
  clock?: ProgressClock;
  /** Terminal width for `bar`. @default the console's width, or 80 */
  columns?: number;
}

/** A run's progress reporting; `stop()` it when the run ends, whatever the outcome. */
export interface Progress {
  /** Pass to the HTTP client, the source and the pipeline (`onEvent`). */
  sink: EventSink;
  /** The run's logger: JSON lines in json format; in `bar` mode it writes above the bar. */
  logger: Logger;
  /** Writes to stderr without breaking the bar (for anything else printed during the run). */
  stderr: Output;
  /** Stops timers and erases the bar; idempotent. */
  stop(): void;
}

/**
 * Chooses the progress mode: `PROGRESS=bar|log|none` (dlt's bar libraries, `tqdm`,
 * `enlighten`, `alive_progress`, mean `bar`); else live lines on a terminal, log lines off one.
 *
 * @example Usage
 * ```ts
 * import { progressMode } from "./progress.ts";
 * progressMode({ PROGRESS: "log" }, true); // "log"
 * progressMode({}, false); // "log"
 * ```
 * @param env the environment (`PROGRESS`, `TERM`).
 * @param stderrIsTerminal whether stderr is an interactive terminal.
 * @returns the mode.
 * @throws {ConfigError} for an unknown `PROGRESS` value.
 */
export function progressMode(
  env: Record<string, string | undefined>,
  stderrIsTerminal: boolean,
): ProgressMode {
  const value = env.PROGRESS?.trim().toLowerCase();
  if (!value) return stderrIsTerminal && env.TERM !== "dumb" ? "bar" : "log";
  if (value === "bar" || value === "log" || value === "none") return value;
  if (value === "tqdm" || value === "enlighten" || value === "alive_progress") return "bar";
  throw new ConfigError(`PROGRESS must be bar, log or none, got ${JSON.stringify(env.PROGRESS)}`);
}

/**
 * Builds the progress reporting of one run on `ctx.stderr`, secrets masked with `ctx.masker`.
 * Nothing ever goes to stdout.
 *
 * @example Usage
 * ```ts
 * import { createProgress } from "./progress.ts";
 * import { defaultDeps } from "../deps.ts";
 * const lines: string[] = [];
 * const stderr = { isTerminal: false, write: (t: string) => lines.push(t) };
 * const ctx = { args: [], env: {}, cwd: ".", stdout: stderr, stderr, deps: defaultDeps };
 * const progress = createProgress(ctx, { mode: "log", logFormat: "json" });
 * progress.sink({ type: "stage", stage: "extract", status: "start" });
 * progress.stop();
 * JSON.parse(lines[0]).event; // "stage"
 * ```
 * @param ctx stderr, masker, clock (`deps.now`, for JSON timestamps).
 * @param options mode, log format, interval, verbosity and level.
 * @returns the event sink and logger to run with, and `stop()`.
 */
export function createProgress(ctx: CliContext, options: ProgressOptions): Progress {
  const masker = ctx.masker;
  const mask = masker ? (text: string) => masker.mask(text) : (text: string) => text;
  const now = () => ctx.deps.now();
  const { mode, level } = options;
  if (options.logFormat === "json") {
    const logger = stderrLogger(ctx.stderr, { level, mask, format: "json", now });
    const sink: EventSink = mode === "none"
      ? () => {}
      : (event) => ctx.stderr.write(`${jsonEventLine(event, now(), mask)}\n`);
    return { sink: guarded(sink), logger, stderr: ctx.stderr, stop() {} };
  }
  const clock = options.clock ?? realClock;
  const bar = mode === "bar"
    ? new BarRenderer(ctx.stderr, { clock, columns: options.columns ?? consoleColumns() })
    : undefined;
  const log = mode === "log"
    ? new LogRenderer(ctx.stderr, { clock, intervalMs: options.intervalMs })
    : undefined;
  const stderr = bar?.output ?? ctx.stderr;
  const verbose = options.verbose ?? false;
  const sink = (event: DltxEvent) => {
    bar?.handle(event);
    log?.handle(event);
    if (verbose && event.type === "request") stderr.write(`${mask(requestLine(event))}\n`);
  };
  return {
    sink: guarded(sink),
    logger: stderrLogger(stderr, { level, mask }),
    stderr,
    stop() {
      bar?.stop();
      log?.stop();
    },
  };
}

/**
 * A sink must not throw into the code that reports; a failing stderr (a closed pipe) turns
 * progress off instead of failing the run.
 */
function guarded(sink: EventSink): EventSink {
  let broken = false;
  return (event) => {
    if (broken) return;
    try {
      sink(event);
    } catch {
      broken = true;
    }
  };
}

function consoleColumns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 80; // not a console after all (stderr redirected while PROGRESS=bar)
  }
}
