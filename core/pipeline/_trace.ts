/**
 * The trace of one run (`trace.json`), with dlt's steps: `extract`, `normalize` and `load`,
 * each with its start, end and what it did. dltx extracts and normalizes in one streaming
 * pass, so those two steps start together; `normalize` ends when the package is sealed.
 *
 * @module
 */

import { peakRssMb } from "./_memory.ts";

/** dlt's pipeline steps, in run order. */
export type TraceStepName = "extract" | "normalize" | "load";

/** Builds a run's trace; every text that may hold a secret goes through `mask`. */
export class TraceRecorder {
  readonly #trace: Record<string, unknown>;
  readonly #steps: Record<string, unknown>[] = [];
  readonly #now: () => Date;
  readonly #mask: (text: string) => string;
  #current?: { name: TraceStepName; startedAt: Date; started: number };

  constructor(
    head: { pipelineName: string; loadId: string },
    options: { now: () => Date; mask: (text: string) => string },
  ) {
    this.#now = options.now;
    this.#mask = options.mask;
    this.#trace = {
      pipeline_name: head.pipelineName,
      started_at: this.#now().toISOString(),
      load_id: head.loadId,
      steps: this.#steps,
    };
  }

  /** Starts `name`; a step started before it must have ended. */
  start(name: TraceStepName, at?: { startedAt: Date; started: number }): void {
    this.#current = { name, ...(at ?? { startedAt: this.#now(), started: performance.now() }) };
  }

  /** Where the running step started, to start another one at the same time. */
  startOf(): { startedAt: Date; started: number } | undefined {
    const current = this.#current;
    return current && { startedAt: current.startedAt, started: current.started };
  }

  /** Ends the running step with what it did. */
  end(info: Record<string, unknown> = {}): void {
    const current = this.#current;
    if (!current) return;
    this.#current = undefined;
    this.#steps.push({
      step: current.name,
      started_at: current.startedAt.toISOString(),
      finished_at: this.#now().toISOString(),
      seconds: (performance.now() - current.started) / 1000,
      peak_rss_mb: peakRssMb(),
      ...info,
    });
  }

  /** The trace of a run that loaded. */
  loaded(): Record<string, unknown> {
    return { ...this.#trace, finished_at: this.#now().toISOString(), status: "loaded" };
  }

  /** The trace of a run that failed: the running step ends FAILED with the error. */
  failed(err: unknown): Record<string, unknown> {
    const error = this.#mask(err instanceof Error ? err.message : String(err));
    if (this.#current) this.end({ error });
    return { ...this.#trace, finished_at: this.#now().toISOString(), status: "failed", error };
  }
}
