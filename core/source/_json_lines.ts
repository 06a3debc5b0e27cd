/**
 * Streaming JSON-lines reader: bytes in (gzip detected by its magic bytes), batches of parsed
 * values out, one batch per chunk read, with the line number of every value for messages.
 * The input is never held in memory as a whole: only the current chunk and a line that spans
 * chunks are.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import { hasRiskyNumber, parseJson, parseQuotedLine, quoteRiskyLines } from "../json/mod.ts";
import { jsonErrorOffset } from "./_json_error.ts";

/** Values parsed from one chunk of input, and the line each came from (1-based). */
export interface JsonLinesBatch {
  values: unknown[];
  lines: number[];
}

/** Options of {@linkcode readJsonLines}. */
export interface ReadJsonLinesOptions {
  /** How messages name the input: a file path or `stdin`. */
  name: string;
  signal?: AbortSignal;
}

const NEWLINE = "\n";
const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Reads JSON lines from `stream`; blank lines are skipped. A gzip stream is gunzipped (JSON
 * text never starts with byte 0x1f, so the magic bytes decide, whatever the file is called).
 * Numbers are exact (see `parseJson`); one scan per chunk keeps plain `JSON.parse` for the
 * lines of chunks without integers past 2^53 or whole floats.
 *
 * @throws {DataError} `Line 17 of <name> is not valid JSON: <reason>`, on input that is not
 * UTF-8, or on a corrupt gzip stream.
 */
export async function* readJsonLines(
  stream: ReadableStream<Uint8Array>,
  options: ReadJsonLinesOptions,
): AsyncGenerator<JsonLinesBatch> {
  const { name, signal } = options;
  const { input, gzip } = await gunzipIfNeeded(stream);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  // Pieces of the line that spans chunks: joined once its newline arrives, so a huge line
  // costs one copy instead of one per chunk.
  const partial: string[] = [];
  let line = 0;
  let batch: JsonLinesBatch = { values: [], lines: [] };
  /** Parses one line; `quotedLine` is the line of `quoteRiskyLines`' text, if there is one. */
  const parse = (text: string, exact: boolean, quotedLine?: string) => {
    line++;
    if (text.length === 0) return;
    let value: unknown;
    try {
      value = quotedLine === undefined
        ? (exact ? parseJson(text) : JSON.parse(text))
        : parseQuotedOr(quotedLine, text);
    } catch (err) {
      if (text.trim() === "") return;
      throw new DataError(
        `Line ${line} of ${name} is not valid JSON: ${jsonReason(text, err)}`,
        { cause: err },
      );
    }
    batch.values.push(value);
    batch.lines.push(line);
  };
  const decode = (chunk?: Uint8Array) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch (err) {
      throw new DataError(`${name} is not valid UTF-8 (after line ${line})`, { cause: err });
    }
  };
  try {
    for await (const chunk of readChunks(input, gzip ? name : undefined, signal)) {
      const text = decode(chunk);
      let start = 0;
      let nl = text.indexOf(NEWLINE);
      if (nl !== -1 && partial.length > 0) {
        partial.push(text.slice(0, nl));
        parse(partial.join(""), true);
        partial.length = 0;
        start = nl + 1;
        nl = text.indexOf(NEWLINE, start);
      }
      // Lines wholly inside this chunk: one scan decides for all of them, and when they need
      // the exact parse, one more quotes the risky numbers of all of them.
      const whole = nl === -1 ? "" : text.slice(start, text.lastIndexOf(NEWLINE) + 1);
      const exact = whole !== "" && hasRiskyNumber(whole, "lines");
      const quotedLines = exact ? quoteRiskyLines(whole) : undefined;
      let quotedStart = 0;
      for (; nl !== -1; nl = text.indexOf(NEWLINE, start)) {
        if (quotedLines === undefined) parse(text.slice(start, nl), exact);
        else {
          const quotedEnd = quotedLines.indexOf(NEWLINE, quotedStart);
          parse(text.slice(start, nl), true, quotedLines.slice(quotedStart, quotedEnd));
          quotedStart = quotedEnd + 1;
        }
        start = nl + 1;
      }
      if (start < text.length) partial.push(start === 0 ? text : text.slice(start));
      if (batch.values.length > 0) {
        yield batch;
        batch = { values: [], lines: [] };
      }
    }
    partial.push(decode());
    // The last line may lack its newline.
    const last = partial.join("");
    if (last.length > 0) parse(last, true);
    if (batch.values.length > 0) yield batch;
  } finally {
    // Stopping early (an error, `head` on the other side) releases the file or pipe.
    await input.cancel().catch(() => {});
  }
}

/**
 * A line of `quoteRiskyLines`' text parsed, else (a number-like text inside a string made it
 * fail, or the line is not JSON) the original line parsed exactly, or its own error.
 */
function parseQuotedOr(quotedLine: string, line: string): unknown {
  try {
    return parseQuotedLine(quotedLine);
  } catch {
    return parseJson(line);
  }
}

/**
 * Iterates a stream's chunks; with `gzipName`, a failing gunzip is a `DataError` naming it.
 * An abort ends a pending read at once (an idle pipe or terminal may never send more).
 */
async function* readChunks(
  stream: ReadableStream<Uint8Array>,
  gzipName: string | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      signal?.throwIfAborted();
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (err) {
        if (gzipName !== undefined && err instanceof TypeError) {
          throw new DataError(`Cannot gunzip ${gzipName}: ${err.message}`, { cause: err });
        }
        throw err;
      }
      if (result.done) {
        signal?.throwIfAborted();
        return;
      }
      yield result.value;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
}

/** The stream as it was, or gunzipped when it starts with gzip's magic bytes. */
async function gunzipIfNeeded(
  stream: ReadableStream<Uint8Array>,
): Promise<{ input: ReadableStream<Uint8Array>; gzip: boolean }> {
  const reader = stream.getReader();
  // Peek at the first two bytes; they may arrive in separate chunks.
  const head: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < GZIP_MAGIC.length && !done) {
    const result = await reader.read();
    if (result.done) done = true;
    else if (result.value.length > 0) {
      head.push(result.value);
      size += result.value.length;
    }
  }
  const first = head.length === 1 ? head[0] : concat(head, size);
  const replayed = new ReadableStream<Uint8Array>({
    start(controller) {
      if (size > 0) controller.enqueue(first);
      if (done) controller.close();
    },
    async pull(controller) {
      const result = await reader.read();
      if (result.done) controller.close();
      else controller.enqueue(result.value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
  const gzip = size >= GZIP_MAGIC.length && first[0] === GZIP_MAGIC[0] &&
    first[1] === GZIP_MAGIC[1];
  return {
    input: gzip ? replayed.pipeThrough(gunzipStream()) : replayed,
    gzip,
  };
}

function gunzipStream(): TransformStream<Uint8Array, Uint8Array> {
  // DecompressionStream takes any BufferSource; TypeScript's stream variance wants it spelled.
  return new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>;
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** V8's message made to fit one line of input: columns instead of positions, no echo. */
function jsonReason(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const positioned = message.match(/^(.*) in JSON at position (\d+)(?: \(line \d+ column \d+\))?$/);
  if (positioned) return `${positioned[1]} at column ${Number(positioned[2]) + 1}`;
  // "Unexpected token 'x', "<the whole line>" is not valid JSON": say where instead.
  const token = message.match(/^(Unexpected token .+?), ".*" is not valid JSON$/s);
  if (token) {
    const offset = jsonErrorOffset(text);
    return offset === undefined ? token[1] : `${token[1]} at column ${offset + 1}`;
  }
  return message;
}
