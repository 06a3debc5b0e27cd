/**
 * The CLI's logger: one line per message on stderr, secrets masked, level from
 * `RUNTIME__LOG_LEVEL` (dlt's key). As text (`warning: ...`) or, for `--log-format json`, as
 * one JSON object per line (`{"ts","level","message"}`).
 *
 * @module
 */

import type { Logger } from "../log.ts";
import type { Output } from "./context.ts";

const LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;

/** Options of {@linkcode stderrLogger}. */
export interface StderrLoggerOptions {
  /** dlt's level name (`DEBUG`, `INFO`, `WARNING`, ...); unknown names mean INFO. @default "INFO" */
  level?: string;
  /** Applied to every message (the CLI's secret masker). */
  mask?: (text: string) => string;
  /** `text`: `warning: <message>`; `json`: `{"ts","level","message"}` per line. @default "text" */
  format?: "text" | "json";
  /** Clock for the `ts` of JSON lines. @default () => new Date() */
  now?: () => Date;
}

/**
 * Builds a stderr logger.
 *
 * @example Usage
 * ```ts
 * import { stderrLogger } from "./logger.ts";
 * const lines: string[] = [];
 * const logger = stderrLogger({ isTerminal: false, write: (t) => lines.push(t) }, {
 *   format: "json",
 * });
 * logger.warn("slow API");
 * JSON.parse(lines[0]).level; // "warning"
 * ```
 * @param stderr where lines go.
 * @param options level, masking and format.
 * @returns the logger.
 */
export function stderrLogger(stderr: Output, options: StderrLoggerOptions = {}): Logger {
  const name = (options.level ?? "INFO").toUpperCase() as keyof typeof LEVELS;
  const threshold = LEVELS[name] ?? LEVELS.INFO;
  const mask = options.mask ?? ((t: string) => t);
  const now = options.now ?? (() => new Date());
  const json = options.format === "json";
  const emit = (level: number, label: string, message: string) => {
    if (level < threshold) return;
    stderr.write(
      json
        ? `${JSON.stringify({ ts: now().toISOString(), level: label, message: mask(message) })}\n`
        : `${label === "info" ? "" : `${label}: `}${mask(message)}\n`,
    );
  };
  return {
    debug: (m) => emit(LEVELS.DEBUG, "debug", m),
    info: (m) => emit(LEVELS.INFO, "info", m),
    warn: (m) => emit(LEVELS.WARNING, "warning", m),
  };
}
