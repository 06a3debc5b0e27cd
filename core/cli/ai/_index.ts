/**
 * What `dltx ai` installed in a project, per toolkit and agent: `.dltx/ai.json`. Each file a
 * toolkit owns is recorded with its sha256, so uninstalling removes only files that are still
 * as installed; files dltx merged into (a marked section of `CLAUDE.md`, a server of an MCP
 * config) are recorded as merged. The index holds no time stamp: installing twice leaves it
 * as it was.
 *
 * @module
 */

import { join } from "node:path";
import { ConfigError } from "../../errors.ts";

/** Where the index lives in a project. */
export const AI_INDEX_PATH = ".dltx/ai.json";

/** One file a toolkit put into the project. */
export type IndexedFile = { sha256: string } | { merged: true };

/** What one toolkit installed for one agent. */
export interface IndexedInstall {
  version: string;
  files: Record<string, IndexedFile>;
}

/** The index: toolkit name -> agent -> install. */
export interface AiIndex {
  toolkits: Record<string, Record<string, IndexedInstall>>;
}

/**
 * Reads the index of the project in `cwd` (empty when there is none).
 *
 * @throws {ConfigError} when the file is not the index's JSON
 */
export async function readAiIndex(cwd: string): Promise<AiIndex> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(cwd, AI_INDEX_PATH));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { toolkits: {} };
    throw err;
  }
  try {
    const doc = JSON.parse(text);
    if (typeof doc?.toolkits === "object" && doc.toolkits !== null) return doc as AiIndex;
  } catch {
    // Reported below.
  }
  throw new ConfigError(
    `${AI_INDEX_PATH} is not dltx's AI index; fix it or delete it, then run again`,
  );
}

/** Writes the index when it changed (sorted keys, so the same content is the same text). */
export async function writeAiIndex(cwd: string, index: AiIndex): Promise<void> {
  const text = `${JSON.stringify(sortKeys(index), null, 2)}\n`;
  const path = join(cwd, AI_INDEX_PATH);
  const old = await Deno.readTextFile(path).catch(() => undefined);
  if (old === text) return;
  await Deno.mkdir(join(cwd, ".dltx"), { recursive: true });
  await Deno.writeTextFile(path, text);
}

/** The sha256 of a text, hex. */
export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map((
      [k, v],
    ) => [k, sortKeys(v)]),
  );
}
