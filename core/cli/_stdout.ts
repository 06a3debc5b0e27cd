/**
 * Data on stdout for shell pipelines: one write per batch, and a reader that goes away
 * (`| head -n 5`) is the normal end of a run, not an error.
 *
 * @module
 */

import type { Output } from "./context.ts";

/**
 * Writes batches of data lines to an `Output`. The CLI's stdout writes synchronously, so a
 * slow reader holds the producer back (backpressure) instead of data piling up in memory.
 */
export class StdoutWriter {
  readonly #output: Output;
  #closed = false;

  /** @param output where data goes (the CLI's stdout) */
  constructor(output: Output) {
    this.#output = output;
  }

  /** Whether the reader went away; nothing is written after that. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Writes `text` (whole lines).
   * @returns `false` once the reader has gone (broken pipe): the caller stops producing.
   * @throws whatever else the output throws
   */
  write(text: string): boolean {
    if (this.#closed) return false;
    try {
      this.#output.write(text);
      return true;
    } catch (err) {
      if (!isBrokenPipe(err)) throw err;
      this.#closed = true;
      return false;
    }
  }
}

/** Whether `err` says the reading end of a pipe was closed (EPIPE). */
export function isBrokenPipe(err: unknown): boolean {
  return err instanceof Deno.errors.BrokenPipe ||
    (typeof err === "object" && err !== null && (err as { code?: unknown }).code === "EPIPE");
}
