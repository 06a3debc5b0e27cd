/**
 * DuckDB's readers refuse a record larger than a limit: `read_json`'s `maximum_object_size`
 * (16 MiB by default; in practice a record past twice that, as it reads in buffers of two),
 * `read_csv`'s `max_line_size` (2 MiB). A record of an API may be larger (a 40 MB document),
 * so files are read with a limit of their own size when that is larger: no record is larger
 * than the file it is in, and ordinary files (job files rotate at 8 MiB; only a larger single
 * row gets a file of its own) keep DuckDB's defaults and their memory use.
 *
 * @module
 */

/** DuckDB's default `maximum_object_size` of `read_json` (16 MiB). */
export const DEFAULT_MAXIMUM_OBJECT_SIZE = 16 * 1024 * 1024;

/** DuckDB's default `max_line_size` of `read_csv` (2 MiB). */
export const DEFAULT_MAX_LINE_SIZE = 2 * 1024 * 1024;

/** The largest value DuckDB takes for either (an unsigned 32-bit setting). */
const MAX_LIMIT = 2 ** 32 - 1;

/**
 * The limit that reads every record of `paths`: a little over the largest file's size when
 * that reaches `defaultLimit`, else `undefined` (keep DuckDB's default).
 *
 * @param paths files about to be read; a `.gz` one counts with its uncompressed size
 * @param defaultLimit DuckDB's default for the setting
 * @returns the limit to pass, or `undefined`
 */
export async function readLimitFor(
  paths: readonly string[],
  defaultLimit: number,
): Promise<number | undefined> {
  let largest = 0;
  for (const path of paths) {
    const size = path.endsWith(".gz") ? await gzipSize(path) : await fileSize(path);
    if (size > largest) largest = size;
  }
  if (largest < defaultLimit) return undefined;
  // A little above the file: DuckDB counts the newline and its padding against the limit.
  return Math.min(largest + 1024, MAX_LIMIT);
}

/** {@linkcode readLimitFor} of `read_json`'s `maximum_object_size`. */
export function maximumObjectSizeFor(paths: readonly string[]): Promise<number | undefined> {
  return readLimitFor(paths, DEFAULT_MAXIMUM_OBJECT_SIZE);
}

/** `, maximum_object_size=<n>` for a `read_json` call, or nothing for the default. */
export function maximumObjectSizeArg(limit: number | undefined): string {
  return limit === undefined ? "" : `, maximum_object_size=${Math.floor(limit)}`;
}

async function fileSize(path: string): Promise<number> {
  return (await Deno.stat(path).catch(() => undefined))?.size ?? 0;
}

/**
 * The uncompressed size of a gzip file, from its trailer (ISIZE: the size modulo 2^32, of the
 * last member; DuckDB and dlt write one member), or the file's own size when that is larger.
 * A file past 4 GiB uncompressed may read as smaller: its limit then stays DuckDB's default
 * unless a record is that large too, and DuckDB names the limit when it is hit.
 */
async function gzipSize(path: string): Promise<number> {
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(path);
    const size = (await file.stat()).size;
    if (size < 18) return size;
    await file.seek(size - 4, Deno.SeekMode.Start);
    const trailer = new Uint8Array(4);
    if ((await file.read(trailer)) !== 4) return size;
    const isize = new DataView(trailer.buffer).getUint32(0, true);
    return Math.max(isize, size);
  } catch {
    return 0;
  } finally {
    file?.close();
  }
}
