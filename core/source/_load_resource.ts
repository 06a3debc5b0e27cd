/**
 * The resource of one table of a JSON-lines or Singer source: the load hints given on the
 * command line, the same for every table.
 *
 * @module
 */

import type { LoadHints } from "./jsonl_source.ts";
import type { ResourceInfo } from "./types.ts";

/** The resource of one table of a JSON-lines or Singer source. */
export function loadResourceInfo(name: string, tableName: string, hints: LoadHints): ResourceInfo {
  const writeDisposition = hints.writeDisposition ?? "append";
  return {
    name,
    tableName,
    writeDisposition,
    ...(writeDisposition === "merge" && hints.mergeStrategy
      ? { mergeStrategy: hints.mergeStrategy }
      : {}),
    primaryKey: hints.primaryKey ?? [],
    mergeKey: [],
    selected: true,
  };
}
