/**
 * The CLI's logger: one line per message on stderr, secrets masked, level from
 * `RUNTIME__LOG_LEVEL` (dlt's key).
 *
 * @module
 */

import type { Logger } from "../log.ts";
import type { Output } from "./context.ts";

const LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;

/** Builds a stderr logger; `level` is dlt's level name (default INFO). */
export function stderrLogger(
  stderr: Output,
  options: { level?: string; mask?: (text: string) => string } = {},
): Logger {
  const name = (options.level ?? "INFO").toUpperCase() as keyof typeof LEVELS;
  const threshold = LEVELS[name] ?? LEVELS.INFO;
  const mask = options.mask ?? ((t: string) => t);
  const emit = (level: number, label: string, message: string) => {
    if (level >= threshold) stderr.write(`${label}${mask(message)}\n`);
  };
  return {
    debug: (m) => emit(LEVELS.DEBUG, "debug: ", m),
    info: (m) => emit(LEVELS.INFO, "", m),
    warn: (m) => emit(LEVELS.WARNING, "warning: ", m),
  };
}
