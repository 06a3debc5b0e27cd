/**
 * The fast way from a job file to COPY text: a scanner over the file's UTF-8 bytes that finds
 * each value of each JSON line and copies its bytes to the output, so no row object is built,
 * no text is decoded or encoded again, and every number keeps its exact digits (the token
 * itself goes to PostgreSQL). Job files are what dltx's job writer wrote: one compact JSON
 * object per line, scalars and (for `json` columns) nested JSON. Anything else makes the
 * scanner give up (`undefined`), and the caller parses the file instead.
 *
 * @module
 */

import { parseJson, stringifyJson } from "../../core/json/mod.ts";
import type { Column } from "../../core/schema/types.ts";
import { type EncodeStats, escapeCopyText, withoutNul } from "./_copy_text.ts";

const QUOTE = 34, BACKSLASH = 92, COMMA = 44, COLON = 58, POINT = 46, MINUS = 45;
const OPEN_BRACE = 123, CLOSE_BRACE = 125, OPEN_BRACKET = 91, CLOSE_BRACKET = 93;
const SPACE = 32, TAB = 9, LF = 10, CR = 13;
const LOWER_T = 116, LOWER_F = 102, LOWER_N = 110, LOWER_E = 101, UPPER_E = 69;
const NULL_BYTES = [BACKSLASH, 78]; // \N
/** Bytes no JSON string holds raw: newline, tab, carriage return. */
const RAW = [LF, TAB, CR];

/** What a value of the current row is. */
const enum Kind {
  Missing,
  Plain, // a string without escapes: its bytes between the quotes
  Escaped, // a string with escapes
  Nested, // an object or array without escapes
  NestedEscaped, // an object or array with escapes in its strings
  Number,
  True,
  False,
  Null,
}

/** Thrown inside the scanner for input it does not handle; never leaves this module. */
const GIVE_UP = Symbol("give up");

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR;
}

/** The output: byte chunks of about `chunkBytes`, filled in place. */
class Output {
  readonly chunks: Uint8Array[] = [];
  #buf: Uint8Array;
  #pos = 0;
  readonly #chunkBytes: number;

  constructor(chunkBytes: number) {
    this.#chunkBytes = chunkBytes;
    this.#buf = new Uint8Array(chunkBytes);
  }

  /** Room for `n` more bytes; a full chunk is handed over first. */
  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    if (this.#pos > 0) this.chunks.push(this.#buf.subarray(0, this.#pos));
    this.#buf = new Uint8Array(Math.max(this.#chunkBytes, n));
    this.#pos = 0;
  }

  byte(b: number): void {
    this.#room(1);
    this.#buf[this.#pos++] = b;
  }

  bytes(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.#room(n);
    if (n < 64) {
      // A loop beats a subarray's allocation for the short values most columns hold.
      const buf = this.#buf;
      let pos = this.#pos;
      for (let i = start; i < end; i++) buf[pos++] = src[i];
      this.#pos = pos;
    } else {
      this.#buf.set(src.subarray(start, end), this.#pos);
      this.#pos += n;
    }
  }

  text(s: string): void {
    const bytes = encoder.encode(s);
    this.bytes(bytes, 0, bytes.length);
  }

  /** Ends a row: hands the chunk over once it is full enough. */
  endRow(): void {
    if (this.#pos >= this.#chunkBytes) {
      this.chunks.push(this.#buf.subarray(0, this.#pos));
      this.#buf = new Uint8Array(this.#chunkBytes);
      this.#pos = 0;
    }
  }

  finish(): Uint8Array[] {
    if (this.#pos > 0) this.chunks.push(this.#buf.subarray(0, this.#pos));
    return this.chunks;
  }
}

/**
 * A scanner for the rows of one table; {@linkcode CopyScanner.scan} turns a job file's bytes
 * into COPY text (UTF-8).
 */
export class CopyScanner {
  readonly #columns: readonly Column[];
  readonly #index: Map<string, number>;
  /** Each column's key as it appears in a job file: `"name"` in UTF-8. */
  readonly #keys: Uint8Array[];
  readonly #stats: EncodeStats;
  readonly #kind: Kind[];
  readonly #start: number[];
  readonly #end: number[];
  #src: Uint8Array = new Uint8Array(0);
  #at = 0;
  /** Set by #stringEnd and #nestedEnd: the value just scanned had an escape. */
  #escaped = false;
  /** The first backslash at or after where it was last looked for (Infinity: none). */
  #nextBackslash = -1;
  /**
   * The first raw newline, tab or carriage return at or after where each was last looked for:
   * JSON strings never hold one, and one in a value would break COPY's rows or columns.
   */
  readonly #nextRaw = [-1, -1, -1];

  constructor(columns: readonly Column[], stats: EncodeStats) {
    this.#columns = columns;
    this.#index = new Map(columns.map((c, i) => [c.name, i]));
    this.#keys = columns.map((c) => encoder.encode(JSON.stringify(c.name)));
    this.#stats = stats;
    this.#kind = new Array(columns.length).fill(Kind.Missing);
    this.#start = new Array(columns.length).fill(0);
    this.#end = new Array(columns.length).fill(0);
  }

  /**
   * The COPY text of every row of `src`, in chunks of about `chunkBytes`, or `undefined` when
   * the bytes are not what the job writer writes (the caller then parses the file).
   */
  scan(src: Uint8Array, chunkBytes = 1 << 20): Uint8Array[] | undefined {
    this.#src = src;
    this.#at = 0;
    this.#nextBackslash = -1;
    this.#nextRaw.fill(-1);
    const out = new Output(chunkBytes);
    try {
      for (;;) {
        while (this.#at < src.length && isSpace(src[this.#at])) this.#at++; // blank lines too
        if (this.#at >= src.length) break;
        this.#kind.fill(Kind.Missing);
        this.#row();
        this.#write(out);
        out.endRow();
      }
    } catch (err) {
      if (err === GIVE_UP) return undefined;
      throw err;
    } finally {
      this.#src = new Uint8Array(0);
    }
    return out.finish();
  }

  /** Finds the values of one `{...}` row (keys of no column are skipped). */
  #row(): void {
    const src = this.#src;
    if (src[this.#at] !== OPEN_BRACE) throw GIVE_UP;
    this.#at++;
    this.#skipSpace();
    if (src[this.#at] === CLOSE_BRACE) {
      this.#at++;
      return this.#lineEnd();
    }
    // Rows repeat their key order: guess the next column before looking the key up.
    let guess = 0;
    for (;;) {
      if (src[this.#at] !== QUOTE) throw GIVE_UP;
      let column = this.#matchKey(guess);
      const keyEnd = this.#stringEnd(this.#at);
      if (column < 0) {
        const key = JSON.parse(decoder.decode(src.subarray(this.#at, keyEnd))) as string;
        column = this.#index.get(key) ?? -1;
      }
      this.#at = keyEnd;
      this.#skipSpace();
      if (src[this.#at] !== COLON) throw GIVE_UP;
      this.#at++;
      this.#skipSpace();
      const start = this.#at;
      const kind = this.#value();
      if (column >= 0) {
        this.#kind[column] = kind;
        this.#start[column] = start;
        this.#end[column] = this.#at;
        guess = column + 1;
      }
      this.#skipSpace();
      const c = src[this.#at++];
      if (c === CLOSE_BRACE) return this.#lineEnd();
      if (c !== COMMA) throw GIVE_UP;
      this.#skipSpace();
    }
  }

  /** After a row, only spaces until the line ends. */
  #lineEnd(): void {
    const src = this.#src;
    while (this.#at < src.length && src[this.#at] !== LF) {
      if (!isSpace(src[this.#at])) throw GIVE_UP;
      this.#at++;
    }
  }

  /** The column `guess` when its key is at the scan position (byte for byte), else -1. */
  #matchKey(guess: number): number {
    if (guess >= this.#keys.length) return -1;
    const key = this.#keys[guess];
    const src = this.#src;
    const at = this.#at;
    if (at + key.length > src.length) return -1;
    for (let i = 0; i < key.length; i++) if (src[at + i] !== key[i]) return -1;
    return guess;
  }

  /** Scans the value at the position; returns its kind and leaves the position after it. */
  #value(): Kind {
    const src = this.#src;
    const c = src[this.#at];
    if (c === QUOTE) {
      this.#at = this.#stringEnd(this.#at);
      return this.#escaped ? Kind.Escaped : Kind.Plain;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      this.#at = this.#nestedEnd(this.#at);
      return this.#escaped ? Kind.NestedEscaped : Kind.Nested;
    }
    if (c === LOWER_T) return this.#word(4, Kind.True);
    if (c === LOWER_F) return this.#word(5, Kind.False);
    if (c === LOWER_N) return this.#word(4, Kind.Null);
    if (c !== MINUS && (c < 48 || c > 57)) throw GIVE_UP;
    let i = this.#at + 1;
    for (; i < src.length; i++) {
      const d = src[i];
      if (
        (d >= 48 && d <= 57) || d === POINT || d === LOWER_E || d === UPPER_E || d === 43 ||
        d === MINUS
      ) {
        continue;
      }
      break;
    }
    this.#at = i;
    return Kind.Number;
  }

  /** `true`, `false` or `null` (trusting the first letter and the length, then checked). */
  #word(length: number, kind: Kind): Kind {
    const word = kind === Kind.True ? "true" : kind === Kind.False ? "false" : "null";
    for (let i = 0; i < length; i++) {
      if (this.#src[this.#at + i] !== word.charCodeAt(i)) throw GIVE_UP;
    }
    this.#at += length;
    return kind;
  }

  /**
   * The end of the string starting at `start` (after its closing quote); sets #escaped.
   * Native `indexOf` finds the quotes; the next backslash is found once and remembered until
   * the scan passes it, so the whole scan stays linear.
   */
  #stringEnd(start: number): number {
    const src = this.#src;
    let escaped = false;
    for (let i = start + 1;;) {
      const quote = src.indexOf(QUOTE, i);
      if (quote < 0) throw GIVE_UP;
      if (this.#nextBackslash < i) {
        const found = src.indexOf(BACKSLASH, i);
        this.#nextBackslash = found < 0 ? Infinity : found;
      }
      // A backslash before the quote starts an escape (the quote may be the escaped one).
      if (this.#nextBackslash > quote) {
        for (let r = 0; r < 3; r++) {
          if (this.#nextRaw[r] < start) {
            const found = src.indexOf(RAW[r], start);
            this.#nextRaw[r] = found < 0 ? Infinity : found;
          }
          if (this.#nextRaw[r] < quote) throw GIVE_UP;
        }
        this.#escaped = escaped;
        return quote + 1;
      }
      escaped = true;
      i = this.#nextBackslash + 2;
    }
  }

  /** The end of the object or array starting at `start`; sets #escaped. */
  #nestedEnd(start: number): number {
    const src = this.#src;
    let depth = 0;
    let escaped = false;
    for (let i = start; i < src.length; i++) {
      const d = src[i];
      if (d === QUOTE) {
        i = this.#stringEnd(i) - 1;
        escaped ||= this.#escaped;
      } else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        if (--depth === 0) {
          this.#escaped = escaped;
          return i + 1;
        }
      } else if (d === LF) break;
    }
    throw GIVE_UP;
  }

  #skipSpace(): void {
    const src = this.#src;
    while (this.#at < src.length && (src[this.#at] === SPACE || src[this.#at] === TAB)) this.#at++;
  }

  /** Writes the current row: its values in column order, tab-separated, `\N` for none. */
  #write(out: Output): void {
    const src = this.#src;
    const columns = this.#columns;
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) out.byte(TAB);
      const kind = this.#kind[i];
      const start = this.#start[i];
      const end = this.#end[i];
      const column = columns[i];
      const type = column.data_type;
      switch (kind) {
        case Kind.Missing:
        case Kind.Null:
          out.byte(NULL_BYTES[0]);
          out.byte(NULL_BYTES[1]);
          break;
        case Kind.Plain:
          if (type === "json") {
            out.bytes(src, start, end); // a JSON string: as it is, quotes included
          } else if (type === "timestamp") {
            // `2024-01-02T03:04:05,5Z`: ISO 8601 allows a comma, PostgreSQL wants a point.
            let comma = start + 1;
            while (comma < end - 1 && src[comma] !== COMMA) comma++;
            if (comma >= end - 1) out.bytes(src, start + 1, end - 1);
            else {
              out.bytes(src, start + 1, comma);
              out.byte(POINT);
              out.bytes(src, comma + 1, end - 1);
            }
          } else {
            // Without an escape a JSON string holds no tab, newline, backslash or U+0000.
            out.bytes(src, start + 1, end - 1);
          }
          break;
        case Kind.Escaped: {
          const raw = decoder.decode(src.subarray(start, end));
          if (type === "json") out.text(this.#json(raw, column));
          else {
            let value = escapeCopyText(JSON.parse(raw) as string, column.name, this.#stats);
            if (type === "timestamp") value = value.replace(",", ".");
            out.text(value);
          }
          break;
        }
        case Kind.Nested:
          // No escapes, so no backslash: the JSON text as it is.
          out.bytes(src, start, end);
          break;
        case Kind.NestedEscaped:
          out.text(this.#json(decoder.decode(src.subarray(start, end)), column));
          break;
        case Kind.True:
          if (type === "bool") out.byte(LOWER_T);
          else out.bytes(src, start, end);
          break;
        case Kind.False:
          if (type === "bool") out.byte(LOWER_F);
          else out.bytes(src, start, end);
          break;
        case Kind.Number:
          if (type === "double" && this.#hasExponent(start, end)) {
            // `1e400` is Infinity to Python and dltx; PostgreSQL calls it out of range.
            const value = Number(decoder.decode(src.subarray(start, end)));
            if (!Number.isFinite(value)) {
              out.text(value > 0 ? "Infinity" : "-Infinity");
              break;
            }
          }
          out.bytes(src, start, end);
          break;
      }
    }
    out.byte(LF);
  }

  #hasExponent(start: number, end: number): boolean {
    for (let i = start; i < end; i++) {
      if (this.#src[i] === LOWER_E || this.#src[i] === UPPER_E) return true;
    }
    return false;
  }

  /** JSON text for a `jsonb` value, without U+0000, COPY-escaped. */
  #json(raw: string, column: Column): string {
    if (!raw.includes("\\u0000")) return escapeCopyText(raw, column.name);
    const value = parseJson(raw);
    const clean = stringifyJson(withoutNul(value));
    if (clean !== stringifyJson(value)) {
      this.#stats.droppedNul.set(column.name, (this.#stats.droppedNul.get(column.name) ?? 0) + 1);
    }
    return escapeCopyText(clean, column.name);
  }
}
