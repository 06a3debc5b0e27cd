/**
 * Crash-safe file replacement.
 *
 * @module
 */

/**
 * Writes `text` to `path` through a temporary file in the same folder and a rename, so a reader
 * (or a run that died half-way) sees either the old or the new content, never a torn file.
 */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}
