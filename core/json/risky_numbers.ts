/**
 * Finding the number tokens of a JSON text that `JSON.parse` does not read as Python's `json`
 * does: integers that are not safe JS integers (rounded), and floats whose value is a whole
 * number or not finite (`1.0`, `1e3`, `1e400`; JS numbers cannot tell them from integers).
 *
 * The scan must be cheap, since it runs over every page, so it does not tokenize the text.
 * Three regular expressions find candidates, and each candidate is checked precisely. Every
 * risky token contains a match of one of them:
 * - a risky integer token has 16 digits or more (15 digits stay below 2^53): `LONG_RUN`;
 * - a fraction token without exponent whose digits after the point are all zeros has `.0`:
 *   `ZERO_FRACTION`;
 * - a fraction token `I.F` without exponent, with a non-zero digit in `F`, that rounds to an
 *   integer has at least 16 digits: the distance from its value x to any integer is at least
 *   10^-b (b digits in F), rounding moves it by at most x·2^-53 < 10^a·2^-53 (a digits in I),
 *   so 10^(a+b) > 2^53 and a+b >= 16 (a subnormal x has b > 300); its digits and point make a
 *   run of 17 characters of `[0-9.]`: `LONG_RUN`;
 * - a token with an exponent has a digit right before `e`/`E`: `EXPONENT`;
 * - a token that does not fit a double (`1e400`, 400 digits) is one of the above.
 *
 * A candidate is the maximal run of number characters (`0-9 . e E + -`) around a match. It
 * counts when it is a JSON number token by grammar, stands where a value stands (after `[`,
 * `:`, `,` or at the start, before `]`, `}`, `,` or the end, JSON whitespace between) and is
 * risky by its value. Strings can hold such text (`"a,1.0,b"`); the fast check does not care
 * (a page only takes the slower exact parse for nothing), and {@linkcode riskyNumberSpans}
 * drops those inside strings by counting the quotes before them.
 *
 * @module
 */

const ZERO_FRACTION = /\.0/g;
const LONG_RUN = new RegExp("[\\d.]".repeat(16), "g"); // unrolled: much faster than {16}
const EXPONENT = /\d[eE]/g;
// Long runs first: ids past 2^53, the usual risky tokens, end the scan of a page early.
const CANDIDATES = [LONG_RUN, ZERO_FRACTION, EXPONENT];
const NUMBER_TOKEN = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const QUOTE = /"/g;
const BACKSLASH = 92;

const SPACE = 32, TAB = 9, LF = 10, CR = 13;
const COLON = 58, COMMA = 44, OPEN_BRACKET = 91, CLOSE_BRACKET = 93, CLOSE_BRACE = 125;

function isNumberChar(c: number): boolean {
  // 0-9 . e E + -
  return (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}

/**
 * How values may be separated: one JSON text, or JSON lines, where a value may also start
 * after and end before a newline.
 */
export type TextKind = "json" | "lines";

/** The start of the number token around `at`, or -1 when there is none there. */
function tokenStart(text: string, at: number, kind: TextKind): number {
  let start = at;
  while (start > 0 && isNumberChar(text.charCodeAt(start - 1))) start--;
  let i = start - 1;
  for (; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === LF && kind === "lines") return start;
    if (c !== SPACE && c !== TAB && c !== LF && c !== CR) break;
  }
  if (i < 0) return start;
  const before = text.charCodeAt(i);
  return before === COLON || before === COMMA || before === OPEN_BRACKET ? start : -1;
}

/** The end of the run of number characters from `at`. */
function runEnd(text: string, at: number): number {
  let end = at;
  while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
  return end;
}

function endsValue(text: string, end: number, kind: TextKind): boolean {
  let i = end;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF && kind === "lines") return true;
    if (c !== SPACE && c !== TAB && c !== LF && c !== CR) break;
  }
  if (i === text.length) return true;
  const after = text.charCodeAt(i);
  return after === COMMA || after === CLOSE_BRACE || after === CLOSE_BRACKET;
}

/**
 * Whether a number token (valid JSON number syntax) is read differently by `JSON.parse`
 * than by Python: an integer that is not a safe JS integer, or a float (point or exponent)
 * whose value is whole or not finite.
 */
export function isRiskyToken(token: string): boolean {
  const value = Number(token);
  if (!Number.isFinite(value)) return true;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 46 || c === 101 || c === 69) return Number.isInteger(value); // . e E
  }
  return !Number.isSafeInteger(value);
}

/**
 * Scans `text` for risky number tokens; calls `found(start, end)` for each one (in the order
 * of each candidate pattern, possibly twice), and stops early when it returns true.
 */
function scan(
  text: string,
  kind: TextKind,
  found: (start: number, end: number) => boolean,
): boolean {
  for (const pattern of CANDIDATES) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const end = runEnd(text, match.index);
      // The rest of this run holds no other token.
      pattern.lastIndex = Math.max(pattern.lastIndex, end);
      const start = tokenStart(text, match.index, kind);
      if (start < 0 || !endsValue(text, end, kind)) continue;
      const token = text.slice(start, end);
      if (NUMBER_TOKEN.test(token) && isRiskyToken(token) && found(start, end)) {
        pattern.lastIndex = 0;
        return true;
      }
    }
  }
  return false;
}

/**
 * Whether `text` may hold a number token that `JSON.parse` reads differently from Python.
 * Never false for a text that holds one; true for some texts that only seem to (number-like
 * text inside strings), which then only cost a slower exact parse.
 *
 * @param text a JSON text, or JSON lines (one value per line) with `kind` `"lines"`.
 * @param kind how values are separated.
 * @returns whether the text needs the exact parse.
 */
export function hasRiskyNumber(text: string, kind: TextKind = "json"): boolean {
  return scan(text, kind, () => true);
}

/**
 * The risky number tokens of a JSON text, exactly: as `[start, end, start, end, ...]`
 * offsets in text order, without the number-like text inside strings.
 *
 * @param text one JSON text.
 * @returns the token offsets (empty when `JSON.parse` reads every number exactly).
 */
export function riskyNumberSpans(text: string): number[] {
  const candidates = riskyNumberCandidates(text);
  if (candidates.length === 0) return candidates;
  const spans: number[] = [];
  let inString = false;
  let from = 0;
  for (let i = 0; i < candidates.length; i += 2) {
    const start = candidates[i];
    if (stringEdges(text.slice(from, start)) % 2 === 1) inString = !inString;
    if (!inString) spans.push(start, candidates[i + 1]);
    from = candidates[i + 1];
  }
  return spans;
}

/**
 * {@linkcode riskyNumberSpans} and the number-like text inside strings that stands as a
 * value would (`"a, 1.0, b"`), told apart by nobody: the cheap first step of an exact parse.
 * Quoting such a candidate inside a string ends the string before a backslash, which no
 * JSON text has outside strings, so `JSON.parse` of the quoted text fails exactly when a
 * candidate was inside a string (or the text was not JSON).
 *
 * @param text one JSON text, or JSON lines with `kind` `"lines"`.
 * @param kind how values are separated.
 * @returns the candidate offsets as `[start, end, ...]`, in text order, each once.
 */
export function riskyNumberCandidates(text: string, kind: TextKind = "json"): number[] {
  const found: number[] = [];
  let sorted = true;
  scan(text, kind, (start, end) => {
    const last = found.length - 2;
    if (last >= 0 && start <= found[last]) {
      if (start === found[last]) return false; // the same token, found again
      sorted = false;
    }
    found.push(start, end);
    return false;
  });
  // Each pattern finds tokens in text order; only a second pattern's tokens come back earlier.
  return sorted ? found : sortedPairs(found);
}

/** `[start, end, ...]` sorted by start, each start once. */
function sortedPairs(pairs: number[]): number[] {
  const ends = new Map<number, number>();
  for (let i = 0; i < pairs.length; i += 2) ends.set(pairs[i], pairs[i + 1]);
  const sorted: number[] = [];
  for (const start of [...ends.keys()].sort((a, b) => a - b)) sorted.push(start, ends.get(start)!);
  return sorted;
}

/**
 * The quotes of `segment` that start or end a string: all of them (a fast native count) but
 * the escaped ones, which follow an odd run of backslashes. Segments start at 0 or right after a
 * token, which ends with a digit, so no backslash run crosses their start.
 */
function stringEdges(segment: string): number {
  let count = segment.match(QUOTE)?.length ?? 0;
  for (let i = segment.indexOf('\\"'); i !== -1; i = segment.indexOf('\\"', i + 2)) {
    let run = 1;
    while (run <= i && segment.charCodeAt(i - run) === BACKSLASH) run++;
    if (run % 2 === 1) count--;
  }
  return count;
}
