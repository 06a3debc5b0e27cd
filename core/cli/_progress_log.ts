/**
 * Progress off a terminal, in dlt's `PROGRESS=log` style: every `intervalMs` one line per
 * resource that moved since the last one
 * (`<resource>: <n> records, <p> pages | Time: <s>s | Rate: <r>/s`) and one for the requests
 * (`requests: <n> done, <m> in flight (limit <l>)`), and one line per retry wait as it starts
 * (a rate limit's pause is the client's log line). A run shorter than the interval prints only its wait lines.
 *
 * @module
 */

import type { DltxEvent } from "../events.ts";
import type { Output } from "./context.ts";
import type { ProgressClock } from "./_progress_clock.ts";
import { NO_RESOURCE, ProgressCounters } from "./_progress_counters.ts";
import { formatSeconds, waitReason } from "./_progress_format.ts";

/** Options of a {@linkcode LogRenderer}. */
export interface LogOptions {
  clock: ProgressClock;
  /** Time between progress lines, in ms. @default 5000 */
  intervalMs?: number;
}

/** Writes periodic progress lines to `out`. */
export class LogRenderer {
  readonly #out: Output;
  readonly #clock: ProgressClock;
  readonly #counters: ProgressCounters;
  readonly #timer: unknown;
  /** Pages of each resource at its last line: a resource that did not move is not repeated. */
  readonly #logged = new Map<string, number>();
  #stopped = false;

  /**
   * @param out where lines go (stderr).
   * @param options clock and interval.
   */
  constructor(out: Output, options: LogOptions) {
    this.#out = out;
    this.#clock = options.clock;
    this.#counters = new ProgressCounters(() => this.#clock.now());
    this.#timer = this.#clock.setInterval(() => this.#tick(), options.intervalMs ?? 5000);
  }

  /**
   * Takes one event into the counters; a retry wait is written at once, except a rate limit's:
   * the client's log line about the host's pause says it once for every request held.
   */
  handle(event: DltxEvent): void {
    this.#counters.apply(event);
    if (
      event.type === "rate_limit_wait" && !this.#stopped && event.status !== 429 &&
      event.status !== 403
    ) {
      this.#out.write(
        `${event.resource ?? NO_RESOURCE}: waiting ${formatSeconds(event.seconds)} (${
          waitReason(event.status)
        }) before attempt ${event.attempt + 1}\n`,
      );
    }
  }

  /** Stops the timer; nothing more is written. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clock.clearInterval(this.#timer);
  }

  #tick(): void {
    if (this.#stopped) return;
    const now = this.#clock.now();
    let text = "";
    for (const resource of this.#counters.resources.values()) {
      if (resource.pages === 0 || this.#logged.get(resource.name) === resource.pages) continue;
      this.#logged.set(resource.name, resource.pages);
      const seconds = (now - resource.startedMs) / 1000;
      const rate = seconds > 0 ? resource.records / seconds : 0;
      text += `${resource.name}: ${resource.records} records, ${resource.pages} pages | ` +
        `Time: ${seconds.toFixed(2)}s | Rate: ${rate.toFixed(2)}/s\n`;
    }
    const http = this.#counters.http;
    if (text !== "" && http !== undefined) {
      text += `requests: ${http.requests} done, ${http.inFlight} in flight (limit ${http.limit})\n`;
    }
    if (text !== "") this.#out.write(text);
  }
}
