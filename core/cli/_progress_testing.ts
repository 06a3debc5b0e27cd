/**
 * Test doubles for progress rendering: a clock moved by hand and a stderr that records.
 *
 * @module
 */

import type { Output } from "./context.ts";
import type { ProgressClock } from "./_progress_clock.ts";

/** A clock whose time only moves through `advance()`, firing due intervals in order. */
export interface FakeClock extends ProgressClock {
  advance(ms: number): void;
  /** Intervals not cleared. */
  readonly pending: number;
}

/** Creates a {@linkcode FakeClock} at time 0. */
export function fakeClock(): FakeClock {
  let time = 0;
  let nextId = 1;
  const timers = new Map<number, { fn: () => void; ms: number; due: number }>();
  return {
    now: () => time,
    setInterval(fn, ms) {
      timers.set(nextId, { fn, ms, due: time + ms });
      return nextId++;
    },
    clearInterval: (handle) => void timers.delete(handle as number),
    advance(ms) {
      const end = time + ms;
      for (;;) {
        let first: { fn: () => void; ms: number; due: number } | undefined;
        for (const timer of timers.values()) if (!first || timer.due < first.due) first = timer;
        if (!first || first.due > end) break;
        time = first.due;
        first.due += first.ms;
        first.fn();
      }
      time = end;
    },
    get pending() {
      return timers.size;
    },
  };
}

/** A stderr that records every write. */
export function fakeStderr(isTerminal = true): Output & { writes: string[]; text(): string } {
  const writes: string[] = [];
  return {
    isTerminal,
    writes,
    write: (text) => void writes.push(text),
    text: () => writes.join(""),
  };
}

/**
 * What a terminal shows after `text`: interprets the few controls the bar uses (`\r`, `\n`,
 * cursor up `ESC[nA`, to column `ESC[nG`, erase line `ESC[2K`, erase down `ESC[J`). Trailing
 * empty lines dropped.
 */
export function screen(text: string): string[] {
  // What follows ESC: `[`, a count, a command letter.
  const CSI = /\[(\d*)([A-Za-z])/y;
  const lines: string[] = [""];
  let row = 0;
  let col = 0;
  const put = (char: string) => {
    const line = lines[row].padEnd(col, " ");
    lines[row] = line.slice(0, col) + char + line.slice(col + 1);
    col++;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\x1b") {
      CSI.lastIndex = i + 1;
      const match = CSI.exec(text);
      if (!match) {
        throw new Error(`unknown escape at ${i}: ${JSON.stringify(text.slice(i, i + 8))}`);
      }
      i += match[0].length;
      const n = Number(match[1] || "1");
      if (match[2] === "A") row = Math.max(0, row - n);
      // Cursor to column n (1-based; 0 counts as 1): Deno clears its own status line so.
      else if (match[2] === "G") col = Math.max(0, n - 1);
      else if (match[2] === "K" && match[1] === "2") lines[row] = "";
      else if (match[2] === "J") {
        lines[row] = lines[row].slice(0, col);
        lines.length = row + 1;
      } else throw new Error(`unsupported escape ${JSON.stringify(match[0])}`);
    } else if (char === "\r") col = 0;
    else if (char === "\n") {
      row++;
      col = 0;
      if (lines.length <= row) lines.push("");
    } else put(char);
  }
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}
