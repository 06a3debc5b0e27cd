/**
 * `JSON.parse` that reads numbers as Python's `json` does, so no id is rounded and `1.0`
 * stays a float.
 *
 * @module
 */

import { hasRiskyNumber, riskyNumberCandidates, riskyNumberSpans } from "./risky_numbers.ts";
import { type Marked, NUMBER_MARKS } from "./number_marks.ts";

type Holder = Record<string, unknown> & Marked;
/** What V8 passes a reviver as its third argument (JSON.parse source text access). */
interface ReviverContext {
  source?: string;
}

/**
 * Parses a JSON text with every number as exact as Python's `json` reads it:
 * - integers that are safe JS integers are numbers; larger ones are `bigint`s with the exact
 *   digits (`9007199254740993` stays `9007199254740993n`, not `9007199254740992`);
 * - floats are numbers; a float token with a whole value (`1.0`, `1e3`) or one too large for
 *   a double (`1e400`, Infinity as in Python) marks its object or array with
 *   {@linkcode NUMBER_MARKS} (see there), so the float is still known as one
 *   and writers can write every such number back exactly.
 *
 * Texts without such numbers (most pages) take plain `JSON.parse`, after a scan that costs a
 * fraction of the parse; the others are parsed with the risky tokens quoted and turned back
 * into numbers afterwards.
 *
 * @param text the JSON text.
 * @returns the value.
 * @throws {SyntaxError} exactly as `JSON.parse(text)` does for text that is not JSON.
 *
 * @example Usage
 * ```ts
 * import { parseJson } from "./parse_json.ts";
 * const record = parseJson('{"id": 9007199254740993, "score": 1.0}') as Record<string, unknown>;
 * if (record.id !== 9007199254740993n) throw new Error("rounded");
 * ```
 */
export function parseJson(text: string): unknown {
  return hasRiskyNumber(text) ? parseJsonExact(text) : JSON.parse(text);
}

/**
 * {@linkcode parseJson} without the scan that picks plain `JSON.parse`: for text already known
 * to hold risky numbers (or for tests).
 *
 * @param text the JSON text.
 * @returns the value.
 * @throws {SyntaxError} exactly as `JSON.parse(text)` does for text that is not JSON.
 */
export function parseJsonExact(text: string): unknown {
  // A string starting with U+0000 can only come from this escape; without it, such a string
  // after parsing is one of the tokens quoted below.
  if (text.includes("\\u0000")) return parseWithReviver(text);
  // Most texts have no number-like text inside strings: quoting every candidate and parsing
  // once is enough. A candidate inside a string makes that parse fail (see
  // riskyNumberCandidates); only then are the tokens told from string text, quote by quote.
  const candidates = riskyNumberCandidates(text);
  if (candidates.length === 0) return JSON.parse(text);
  let value: unknown;
  try {
    value = JSON.parse(quoted(text, candidates));
  } catch {
    const spans = riskyNumberSpans(text);
    if (spans.length === 0) return JSON.parse(text);
    try {
      value = JSON.parse(quoted(text, spans));
    } catch {
      // Report the text's own error (quoting tokens keeps valid text valid and vice versa).
      return parseWithReviver(text);
    }
  }
  return restored(value);
}

/**
 * The value of a text parsed with its tokens quoted, the tokens turned back into numbers. The
 * value itself is restored, not a holder around it: marking a holder that is thrown away
 * costs a property definition per text (per line of JSON lines input).
 */
function restored(value: unknown): unknown {
  if (typeof value === "object" && value !== null) {
    restore(value as Holder);
    return value;
  }
  return typeof value === "string" && value.charCodeAt(0) === 0 ? tokenValue(value, {}, "") : value;
}

/**
 * Many JSON lines at once, for {@linkcode parseQuotedLine}: `text` with every risky-number
 * candidate quoted, in one scan instead of one per line (quoting adds no line breaks, so its
 * lines are the text's lines). `undefined` when the text holds `\u0000`, which the quoting
 * needs absent: parse its lines with {@linkcode parseJson} then.
 *
 * @param text JSON lines.
 * @returns the quoted text, or `undefined`.
 */
export function quoteRiskyLines(text: string): string | undefined {
  if (text.includes("\\u0000")) return undefined;
  const candidates = riskyNumberCandidates(text, "lines");
  return candidates.length === 0 ? text : quoted(text, candidates);
}

/**
 * Parses one line of {@linkcode quoteRiskyLines}' text, exactly.
 *
 * @param line the quoted line.
 * @returns the value.
 * @throws {SyntaxError} when the line is not JSON, or when a candidate was number-like text
 *   inside a string: parse the original line with {@linkcode parseJson} then, which reads it
 *   right or throws the line's own error.
 */
export function parseQuotedLine(line: string): unknown {
  return restored(JSON.parse(line));
}

/** `text` with each span written as a string: `"\u0000<token>"`. */
function quoted(text: string, spans: number[]): string {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < spans.length; i += 2) {
    parts.push(text.slice(from, spans[i]), '"\\u0000', text.slice(spans[i], spans[i + 1]), '"');
    from = spans[i + 1];
  }
  parts.push(text.slice(from));
  return parts.join("");
}

/**
 * Turns the quoted tokens below `holder` back into numbers; true when `holder` or anything
 * below it got marks (a whole or infinite float: bigints need none, their type tells).
 */
function restore(holder: Holder | unknown[]): boolean {
  let below = false;
  if (Array.isArray(holder)) {
    for (let i = 0; i < holder.length; i++) {
      const item = holder[i];
      if (typeof item === "string") {
        if (item.charCodeAt(0) === 0) holder[i] = tokenValue(item, holder, String(i));
      } else if (typeof item === "object" && item !== null && restore(item as Holder)) {
        below = true;
      }
    }
  } else {
    for (const key in holder) {
      const value = holder[key];
      if (typeof value === "string") {
        // An own property, even `__proto__`: assigning it does not reach the setter.
        if (value.charCodeAt(0) === 0) holder[key] = tokenValue(value, holder, key);
      } else if (typeof value === "object" && value !== null && restore(value as Holder)) {
        below = true;
      }
    }
  }
  if (below) marksOf(holder);
  return below || (holder as Marked)[NUMBER_MARKS] !== undefined;
}

/** The marks of `holder`, added (not enumerable, so copies and equality ignore them). */
function marksOf(holder: object): string[] {
  let marks = (holder as Marked)[NUMBER_MARKS];
  if (marks === undefined) {
    marks = [];
    Object.defineProperty(holder, NUMBER_MARKS, {
      value: marks,
      writable: true,
      configurable: true,
    });
  }
  return marks;
}

function hasFloatSyntax(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 46 || c === 101 || c === 69) return true; // . e E
  }
  return false;
}

/**
 * The value of a quoted token (`\u0000` + token); marks the holder of a whole float (listing
 * its key) or of an infinite one.
 */
function tokenValue(quoted: string, holder: object, key: string): number | bigint {
  const token = quoted.slice(1);
  const value = Number(token);
  if (hasFloatSyntax(token)) {
    if (Number.isInteger(value)) marksOf(holder).push(key);
    else if (!Number.isFinite(value)) marksOf(holder);
    return value;
  }
  return Number.isSafeInteger(value) ? value : BigInt(token);
}

/** The same result through a reviver with source access: slower, but exact for any text. */
function parseWithReviver(text: string): unknown {
  return JSON.parse(text, exactReviver as (key: string, value: unknown) => unknown);
}

function exactReviver(
  this: Holder,
  key: string,
  value: unknown,
  context?: ReviverContext,
): unknown {
  if (typeof value === "number") {
    const source = context?.source;
    if (source === undefined) return value;
    if (!hasFloatSyntax(source)) return Number.isSafeInteger(value) ? value : BigInt(source);
    if (Number.isInteger(value)) marksOf(this).push(key);
    else if (!Number.isFinite(value)) marksOf(this);
    return value;
  }
  if (typeof value === "object" && value !== null && (value as Marked)[NUMBER_MARKS]) {
    marksOf(this);
  }
  return value;
}
