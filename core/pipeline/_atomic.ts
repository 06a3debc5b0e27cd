import { parseJson } from "../json/mod.ts";

/** Writes a file so a reader never sees it half-written: temp file in the same folder, then rename. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, path);
  } catch (err) {
    // A half-written temp file (a full disk) must not stay and keep the space.
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/**
 * Reads and parses a JSON file (numbers exact: state holds cursor values), or returns
 * `undefined` when it does not exist.
 */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return parseJson(await Deno.readTextFile(path)) as T;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}
