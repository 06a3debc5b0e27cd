/**
 * Logging seam. Library code never writes to the console; it logs through a `Logger` the
 * caller passes in (the CLI's writes to stderr).
 *
 * @module
 */

/** Where dltx components report what they are doing. */
export interface Logger {
  /** Details for `--verbose` and `RUNTIME__LOG_LEVEL=DEBUG`. */
  debug(message: string): void;
  /** Progress a user wants to see. */
  info(message: string): void;
  /** Something the user should look at; the run goes on. */
  warn(message: string): void;
}

/** A logger that drops everything; the default for library use and unit tests. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
};

/** A logger that records messages, for tests that assert on what was logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
  };
}
