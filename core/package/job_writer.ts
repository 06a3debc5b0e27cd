/**
 * The job file writer: normalized rows go to per-table newline-delimited JSON files in a load
 * package's `new_jobs/` folder. This sits on the hot path of every run, so `write()` only
 * serializes and buffers; the I/O happens in batches in `flush()`, synchronously (see
 * `writeAll`).
 *
 * @module
 */

import { join } from "node:path";
import { InternalError } from "../errors.ts";
import { stringifyJson } from "../json/mod.ts";
import { formatJobFileName, JOB_FILE_FORMAT, newFileId } from "./_job_file_name.ts";

/** Options of {@linkcode JobWriter}. */
export interface JobWriterOptions {
  /**
   * A job file is closed and a new one (new file id) started before it would grow past this
   * size. A single row larger than this gets a file of its own.
   *
   * @default {8 * 1024 * 1024}
   */
  maxFileBytes?: number;
  /**
   * Called with each job file once it is complete (rotated or closed), so a destination can
   * start loading it while later rows are still written.
   */
  onFileDone?: (file: JobFileInfo) => void;
}

/** A job file the writer produced. */
export interface JobFileInfo {
  table: string;
  fileId: string;
  /** Path of the file (in the package's `new_jobs/`). */
  path: string;
  rows: number;
  bytes: number;
}

/**
 * The default {@linkcode JobWriterOptions.maxFileBytes}: small enough that a destination can
 * start loading early and its reader buffers stay small, large enough that per-file overhead
 * does not matter.
 */
export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;

const NEWLINE = 10;

/** Encoded rows not yet on disk. */
interface Chunk {
  bytes: Uint8Array;
  used: number;
  rows: number;
}

/** Size of one encode buffer; a row larger than this gets a buffer of its own. */
const CHUNK_BYTES = 1024 * 1024;

/** Spare encode buffers kept for reuse: a flush's worth (see `JobWriter.#spare`). */
const MAX_SPARE_CHUNKS = 8;

interface TableBuffer {
  table: string;
  /** Encoded rows not yet on disk, in order; the last one is being filled. */
  chunks: Chunk[];
  /** Rows written so far, buffered ones included. */
  rows: number;
  file?: Deno.FsFile;
  fileId: string;
  path: string;
  fileBytes: number;
  fileRows: number;
}

/**
 * Writes rows to job files, one file series per table. Memory stays bounded as long as the
 * caller flushes when {@linkcode JobWriter.bufferedBytes} grows (e.g. after each page).
 *
 * @example Usage
 * ```ts ignore
 * const writer = pkg.jobWriter();
 * for await (const page of pages) {
 *   for (const row of page) writer.write("issues", row);
 *   if (writer.bufferedBytes > 4 * 1024 * 1024) await writer.flush();
 * }
 * const files = await writer.close();
 * ```
 */
export class JobWriter {
  readonly #dir: string;
  readonly #maxFileBytes: number;
  readonly #onFileDone?: (file: JobFileInfo) => void;
  readonly #tables = new Map<string, TableBuffer>();
  readonly #done: JobFileInfo[] = [];
  readonly #encoder = new TextEncoder();
  /**
   * Encode buffers whose rows are on disk, for reuse: a fresh megabyte per chunk would make
   * V8 account hundreds of megabytes of short-lived external memory over a run, and collect
   * garbage more often for it.
   */
  readonly #spare: Uint8Array[] = [];
  #buffered = 0;
  #closed = false;

  /**
   * @param dir the folder job files are created in (a package's `new_jobs/`)
   * @param options file rotation
   * @throws {RangeError} when `maxFileBytes` is not a positive integer
   */
  constructor(dir: string, options: JobWriterOptions = {}) {
    const { maxFileBytes = DEFAULT_MAX_FILE_BYTES } = options;
    if (!Number.isInteger(maxFileBytes) || maxFileBytes <= 0) {
      throw new RangeError(`maxFileBytes must be a positive integer, got ${maxFileBytes}`);
    }
    this.#dir = dir;
    this.#maxFileBytes = maxFileBytes;
    this.#onFileDone = options.onFileDone;
  }

  /**
   * Size of the rows buffered since the last flush, in UTF-16 code units (equal to bytes for
   * ASCII, an underestimate for other text): the caller's cue to `flush()`.
   */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /**
   * Buffers one row of `table`. Synchronous and cheap: one `JSON.stringify` (exact numbers
   * arrive as `JSON.rawJSON` values, see the normalizer).
   *
   * @throws {InternalError} after `close()`
   */
  write(table: string, row: Record<string, unknown>): void {
    if (this.#closed) throw new InternalError(`JobWriter.write("${table}") after close()`);
    let buf = this.#tables.get(table);
    if (buf === undefined) {
      buf = { table, chunks: [], rows: 0, fileId: "", path: "", fileBytes: 0, fileRows: 0 };
      this.#tables.set(table, buf);
    }
    let line: string;
    try {
      // The normalizer writes exact numbers as raw JSON already; only a bigint a hook put
      // inside a json value makes plain JSON.stringify throw.
      line = JSON.stringify(row);
    } catch {
      line = stringifyJson(row);
    }
    // Encoding each line straight into a byte buffer is about twice as fast as joining the
    // lines into one big string and encoding that (no rope flattening, no extra copy).
    const worst = line.length * 3 + 1;
    let chunk = buf.chunks[buf.chunks.length - 1];
    if (chunk === undefined || chunk.bytes.length - chunk.used < worst) {
      const bytes = worst <= CHUNK_BYTES && this.#spare.pop() ||
        new Uint8Array(Math.max(CHUNK_BYTES, worst));
      chunk = { bytes, used: 0, rows: 0 };
      buf.chunks.push(chunk);
    }
    const { written } = this.#encoder.encodeInto(line, chunk.bytes.subarray(chunk.used));
    chunk.bytes[chunk.used + written] = NEWLINE;
    chunk.used += written + 1;
    chunk.rows++;
    buf.rows++;
    this.#buffered += written + 1;
  }

  /**
   * Writes the buffered rows of every table to its current job file, rotating files by size.
   * The writes are synchronous (see `writeAll`); a failure (a full disk) rejects.
   */
  flush(): Promise<void> {
    try {
      this.#flushNow();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #flushNow(): void {
    for (const buf of this.#tables.values()) {
      const chunks = buf.chunks;
      buf.chunks = [];
      for (const chunk of chunks) {
        if (chunk.rows > 0) {
          this.#writeRows(buf, chunk.bytes.subarray(0, chunk.used), chunk.rows);
        }
        if (chunk.bytes.length === CHUNK_BYTES && this.#spare.length < MAX_SPARE_CHUNKS) {
          this.#spare.push(chunk.bytes);
        }
      }
    }
    this.#buffered = 0;
  }

  /**
   * Flushes and closes every file. The writer cannot be used afterwards.
   *
   * @returns every job file written, in creation order
   */
  async close(): Promise<JobFileInfo[]> {
    if (!this.#closed) {
      try {
        await this.flush();
      } finally {
        this.#closed = true;
        for (const buf of this.#tables.values()) this.#closeFile(buf);
      }
    }
    return [...this.#done];
  }

  /** Rows written per table so far (buffered rows included). */
  rowCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const buf of this.#tables.values()) counts[buf.table] = buf.rows;
    return counts;
  }

  /** Appends whole lines of `bytes` (`rows` rows) to the table's files, splitting at newlines. */
  #writeRows(buf: TableBuffer, bytes: Uint8Array, rows: number): void {
    let offset = 0;
    while (offset < bytes.length) {
      const room = this.#maxFileBytes - buf.fileBytes;
      let end = bytes.length;
      if (bytes.length - offset > room) {
        // Cut after the last complete line that still fits.
        const nl = room > 0 ? bytes.lastIndexOf(NEWLINE, offset + room - 1) : -1;
        if (nl >= offset) {
          end = nl + 1;
        } else if (buf.fileBytes > 0) {
          this.#closeFile(buf);
          continue;
        } else {
          // One row larger than a whole file: it gets a file of its own.
          end = bytes.indexOf(NEWLINE, offset) + 1;
        }
      }
      const part = bytes.subarray(offset, end);
      const partRows = end === bytes.length ? rows : countNewlines(part);
      const file = buf.file ?? this.#openFile(buf);
      writeAll(file, part);
      buf.fileBytes += part.length;
      buf.fileRows += partRows;
      rows -= partRows;
      offset = end;
    }
  }

  #openFile(buf: TableBuffer): Deno.FsFile {
    buf.fileId = newFileId();
    const name = formatJobFileName({
      table: buf.table,
      fileId: buf.fileId,
      retry: 0,
      format: JOB_FILE_FORMAT,
    });
    buf.path = join(this.#dir, name);
    buf.file = Deno.openSync(buf.path, { createNew: true, write: true });
    return buf.file;
  }

  #closeFile(buf: TableBuffer): void {
    if (buf.file === undefined) return;
    buf.file.close();
    buf.file = undefined;
    const info: JobFileInfo = {
      table: buf.table,
      fileId: buf.fileId,
      path: buf.path,
      rows: buf.fileRows,
      bytes: buf.fileBytes,
    };
    this.#done.push(info);
    this.#onFileDone?.(info);
    buf.fileBytes = 0;
    buf.fileRows = 0;
  }
}

/**
 * Synchronous on purpose: a flush is a few megabytes into the page cache (a few ms), and
 * `await file.write()` sends each write to a blocking thread and back, which made a 200,000-row
 * run wait ~0.9 s for writes that take ~0.15 s.
 */
function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length;) {
    written += file.writeSync(bytes.subarray(written));
  }
}

function countNewlines(bytes: Uint8Array): number {
  let count = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) count++;
  return count;
}
