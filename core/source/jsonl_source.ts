/**
 * JSON lines as a source: each line of stdin or of files (gzip too) is one record of one
 * resource, so `cat x.jsonl | dltx load - --table x` goes through the same normalizer, schema
 * evolution, write dispositions and state as a REST resource.
 *
 * @module
 */

import { UserError } from "../errors.ts";
import type { MergeStrategy, WriteDisposition } from "../schema/types.ts";
import { readJsonLines } from "./_json_lines.ts";
import { loadResourceInfo } from "./_load_resource.ts";
import type { ExtractOptions, ResourcePage, Source } from "./types.ts";

/** One input of JSON lines: a file or a stream (stdin). */
export interface JsonlInput {
  /** How messages name it: the path as given, or `stdin`. */
  name: string;
  /** Opens the input; called once, when extraction reaches it. */
  open(): Promise<ReadableStream<Uint8Array>>;
}

/**
 * Bytes per read of a file input. `FsFile.readable` reads 64 KiB at a time, each read a round
 * trip to a blocking thread the parser waits for; 128 KiB halves them and made `dltx load` of
 * a 170 MB file ~10% faster (`deno task bench`'s bench-load). Larger reads were slower: a batch
 * of records outgrows V8's young generation, and DuckDB's streamed inserts, which continue on
 * the event loop's turns, get fewer of them.
 */
const FILE_CHUNK_BYTES = 128 * 1024;

/** The file's bytes in reads of {@linkcode FILE_CHUNK_BYTES}; closes it at the end or on cancel. */
function fileChunks(file: Deno.FsFile): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async pull(controller) {
      const buffer = new Uint8Array(FILE_CHUNK_BYTES);
      let read: number | null;
      try {
        read = await file.read(buffer);
      } catch (err) {
        file.close();
        throw err;
      }
      if (read === null) {
        file.close();
        controller.close();
      } else controller.enqueue(buffer.subarray(0, read));
    },
    cancel() {
      file.close();
    },
  });
}

/**
 * A file as input; `.gz` (any gzip) files are gunzipped.
 *
 * @param path the file to read
 * @param name how messages name it @default path
 */
export function fileInput(path: string, name: string = path): JsonlInput {
  return {
    name,
    async open() {
      try {
        return fileChunks(await Deno.open(path, { read: true }));
      } catch (err) {
        const reason = err instanceof Deno.errors.NotFound
          ? "no such file"
          : err instanceof Error
          ? err.message
          : String(err);
        throw new UserError(`Cannot read ${name}: ${reason}`, { cause: err });
      }
    },
  };
}

/**
 * A stream as input (stdin); gzip is detected by its magic bytes.
 *
 * @param stream the bytes
 * @param name how messages name it @default "stdin"
 */
export function streamInput(stream: ReadableStream<Uint8Array>, name = "stdin"): JsonlInput {
  return { name, open: () => Promise.resolve(stream) };
}

/** How records of a JSON-lines or Singer source are written (the same for every table). */
export interface LoadHints {
  /** How rows are written. @default "append" */
  writeDisposition?: WriteDisposition;
  /** For `merge`. @default "delete-insert" */
  mergeStrategy?: MergeStrategy;
  /** Primary key columns (merge and dedup). */
  primaryKey?: string[];
}

/** Options of {@linkcode jsonlSource}. */
export interface JsonlSourceOptions extends LoadHints {
  /** The source (and schema) name. */
  name: string;
  /** The resource, and the root table its records land in. */
  table: string;
  /** Read one after the other, as one resource. */
  inputs: JsonlInput[];
  /**
   * The source's state from the last committed load (`sources.<name>`); `state()` returns it
   * unchanged, JSON lines carry no cursor.
   */
  state?: Record<string, unknown>;
}

/**
 * Builds a source that reads JSON lines: every line is one record of resource `table`. Pages
 * follow the chunks read (tens of KiB), so memory stays flat whatever the input size.
 *
 * @example Usage
 * ```ts
 * import { jsonlSource, streamInput } from "./jsonl_source.ts";
 * const bytes = new TextEncoder().encode('{"id":1}\n{"id":2}\n');
 * const source = jsonlSource({
 *   name: "load_items",
 *   table: "items",
 *   inputs: [streamInput(ReadableStream.from([bytes]))],
 * });
 * for await (const page of source.extract()) page.records; // [{id: 1}, {id: 2}]
 * ```
 * @param options table, inputs and how rows are written
 * @returns the source; `extract()` can run once, as its inputs are streams
 * @throws {DataError} from `extract()`: `Line 17 of <input> is not valid JSON: <reason>`
 * @throws {UserError} from `extract()` when a file cannot be read
 */
export function jsonlSource(options: JsonlSourceOptions): Source {
  const info = loadResourceInfo(options.table, options.table, options);
  const committed = structuredClone(options.state ?? {});
  const stats = { requests: 0, pages: 0, records: 0 };
  async function* extract(extractOptions: ExtractOptions = {}): AsyncGenerator<ResourcePage> {
    const only = extractOptions.resources;
    if (only && only.length > 0 && !only.includes(info.name)) return;
    for (const input of options.inputs) {
      const stream = await input.open();
      const batches = readJsonLines(stream, { name: input.name, signal: extractOptions.signal });
      for await (const batch of batches) {
        stats.pages++;
        stats.records += batch.values.length;
        yield { resource: info.name, records: batch.values };
      }
    }
  }
  return {
    name: options.name,
    resources: [info],
    extract,
    state: () => structuredClone(committed),
    stats: () => ({ [info.name]: { ...stats } }),
  };
}
