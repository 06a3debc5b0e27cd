/**
 * Live progress on a terminal: one line per resource (pages, records, rows/s, current table,
 * retry waits), one for the requests in flight and rate-limit pauses, redrawn in place with ANSI cursor movement at most every `intervalMs`, and
 * erased at the end so only what was logged stays. Hand-written: the ~100 lines a progress
 * library would save do not pay for a dependency.
 *
 * @module
 */

import type { DltxEvent } from "../events.ts";
import type { Output } from "./context.ts";
import type { ProgressClock } from "./_progress_clock.ts";
import { ProgressCounters, type ResourceProgress } from "./_progress_counters.ts";
import { httpLine } from "./_progress_format.ts";
import { formatSeconds, ratePerSecond, waitReason } from "./_progress_format.ts";

/** Erases from the cursor to the end of the screen. */
const ERASE_DOWN = "\x1b[J";
/** Erases the whole line the cursor is on. */
const ERASE_LINE = "\x1b[2K";

/** Options of a {@linkcode BarRenderer}. */
export interface BarOptions {
  clock: ProgressClock;
  /** Terminal width: longer lines are cut, since a wrapped line breaks the redraw. */
  columns: number;
  /** Shortest time between redraws, in ms. @default 100 */
  intervalMs?: number;
}

/** Draws the live lines on `out`; `output` writes log lines above them. */
export class BarRenderer {
  /** Writes text above the live lines (log messages), which are redrawn below it. */
  readonly output: Output;
  readonly #out: Output;
  readonly #clock: ProgressClock;
  readonly #columns: number;
  readonly #counters: ProgressCounters;
  readonly #timer: unknown;
  /** Lines drawn by the last frame, where the cursor must go back to. */
  #drawn = 0;
  #lastFrame = "";
  #stopped = false;

  /**
   * @param out the terminal (stderr).
   * @param options clock, width and redraw interval.
   */
  constructor(out: Output, options: BarOptions) {
    this.#out = out;
    this.#clock = options.clock;
    this.#columns = Math.max(options.columns, 20);
    this.#counters = new ProgressCounters(() => this.#clock.now());
    this.output = {
      isTerminal: out.isTerminal,
      write: (text) => this.#writeAbove(text),
    };
    // Events only update counters; the timer draws, so a burst of pages costs one redraw.
    this.#timer = this.#clock.setInterval(() => this.#redraw(), options.intervalMs ?? 100);
  }

  /** Takes one event into the counters (drawn at the next tick). */
  handle(event: DltxEvent): void {
    this.#counters.apply(event);
  }

  /** Stops redrawing and erases the live lines. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clock.clearInterval(this.#timer);
    if (this.#drawn > 0) this.#out.write(this.#cursorBack() + ERASE_DOWN);
    this.#drawn = 0;
  }

  /** The lines of the current state. */
  frame(): string[] {
    const now = this.#clock.now();
    const lines: string[] = [];
    for (const resource of this.#counters.resources.values()) {
      lines.push(resourceLine(resource, now));
    }
    const stage = this.#counters.stage;
    const http = httpLine(this.#counters, now);
    if (http !== undefined && stage?.name !== "load") lines.push(http);
    if (stage?.name === "load") {
      lines.push(`loading into the destination... ${formatSeconds(elapsed(stage.startedMs, now))}`);
    }
    return lines.map((line) =>
      line.length < this.#columns ? line : line.slice(0, this.#columns - 1)
    );
  }

  #redraw(): void {
    if (this.#stopped) return;
    const lines = this.frame();
    const text = lines.join("\n");
    if (text === this.#lastFrame) return;
    this.#out.write(this.#cursorBack() + this.#draw(lines));
  }

  #writeAbove(text: string): void {
    if (this.#stopped || this.#drawn === 0) return this.#out.write(text);
    // One write: erase the bar, print the text, draw the bar again below it (no flicker).
    const end = text.endsWith("\n") ? "" : "\n";
    this.#out.write(`${this.#cursorBack()}${ERASE_DOWN}${text}${end}${this.#draw(this.frame())}`);
  }

  /** Moves the cursor to the start of the first drawn line. */
  #cursorBack(): string {
    return this.#drawn > 0 ? `\r\x1b[${this.#drawn}A` : "";
  }

  #draw(lines: string[]): string {
    this.#drawn = lines.length;
    this.#lastFrame = lines.join("\n");
    let out = "";
    for (const line of lines) out += `${ERASE_LINE}${line}\n`;
    // A frame with fewer lines than the last one leaves nothing behind.
    return out + ERASE_DOWN;
  }
}

function resourceLine(resource: ResourceProgress, now: number): string {
  const rate = ratePerSecond(resource.records, resource.lastPageMs - resource.startedMs);
  let line = `${resource.name}: ${resource.pages} pages, ${resource.records} records, ` +
    `${rate} rows/s`;
  if (resource.table !== undefined) line += `, table ${resource.table}`;
  const wait = resource.wait;
  if (wait !== undefined && wait.untilMs > now) {
    line += `, waiting ${Math.ceil((wait.untilMs - now) / 1000)}s (${waitReason(wait.status)})`;
  }
  return line;
}

function elapsed(startedMs: number, now: number): number {
  return Math.floor((now - startedMs) / 100) / 10;
}
