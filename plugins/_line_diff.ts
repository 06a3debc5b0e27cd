/**
 * A unified line diff (`--- a`, `+++ b`, `@@ -l,n +l,n @@` hunks) for `dltx add --update`,
 * computed by the `diff` package (Myers' algorithm) and printed as GNU diff prints it.
 *
 * @module
 */

import { structuredPatch } from "diff";

/**
 * Diffs two texts line by line. A last line without a newline is marked
 * `\ No newline at end of file`, so texts that differ only there still show a hunk.
 *
 * @param before the old text (`""` for a new file).
 * @param after the new text (`""` for a removed file).
 * @param options `from`/`to` labels of the header; `context` lines around changes (default 3).
 * @returns the unified diff, or `""` when the texts are equal.
 */
export function unifiedDiff(
  before: string,
  after: string,
  options: { from: string; to: string; context?: number },
): string {
  if (before === after) return "";
  const patch = structuredPatch(options.from, options.to, before, after, undefined, undefined, {
    context: options.context ?? 3,
  });
  let out = `--- ${options.from}\n+++ ${options.to}\n`;
  for (const hunk of patch.hunks) {
    out += `@@ -${range(hunk.oldStart, hunk.oldLines)} +${
      range(hunk.newStart, hunk.newLines)
    } @@\n`;
    for (const line of hunk.lines) out += `${line}\n`;
  }
  return out;
}

/** As GNU diff: a one-line range has no count; an empty range starts at the line before it. */
function range(start: number, count: number): string {
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}
