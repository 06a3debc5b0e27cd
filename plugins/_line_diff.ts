/**
 * A unified line diff (`--- a`, `+++ b`, `@@ -l,n +l,n @@` hunks) for `dltx add --update`.
 * Plugins are small files, so a longest-common-subsequence table over the lines that differ
 * (after trimming the common head and tail) is fast enough and keeps the code short.
 *
 * @module
 */

/** Above this many table cells the changed middle is shown as removed, then added. */
const MAX_CELLS = 4_000_000;

type Op = [kind: " " | "-" | "+", line: string];

/**
 * Diffs two texts line by line.
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
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const context = options.context ?? 3;
  let out = `--- ${options.from}\n+++ ${options.to}\n`;
  for (const hunk of hunks(ops, context)) out += hunk;
  return out;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function diffLines(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head && tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) tail++;
  const ops: Op[] = a.slice(0, head).map((l) => [" ", l]);
  ops.push(...middle(a.slice(head, a.length - tail), b.slice(head, b.length - tail)));
  for (const l of a.slice(a.length - tail)) ops.push([" ", l]);
  return ops;
}

/** LCS over the lines between the common head and tail. */
function middle(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS || n === 0 || m === 0) {
    return [...a.map((l): Op => ["-", l]), ...b.map((l): Op => ["+", l])];
  }
  // lcs[i * (m + 1) + j]: length of the LCS of a[i..] and b[j..].
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = a[i] === b[j]
        ? lcs[(i + 1) * (m + 1) + j + 1] + 1
        : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push([" ", a[i++]]);
      j++;
    } else if (lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) {
      ops.push(["-", a[i++]]);
    } else {
      ops.push(["+", b[j++]]);
    }
  }
  while (i < n) ops.push(["-", a[i++]]);
  while (j < m) ops.push(["+", b[j++]]);
  return ops;
}

/** Groups changes with `context` lines around them into `@@` hunks. */
function hunks(ops: Op[], context: number): string[] {
  const out: string[] = [];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k][0] === " ") k++;
    if (k >= ops.length) break;
    const start = Math.max(0, k - context);
    // Extend while the next change is within 2 * context unchanged lines.
    let end = k;
    let same = 0;
    for (let x = k; x < ops.length; x++) {
      if (ops[x][0] === " ") {
        if (++same > 2 * context) break;
      } else {
        same = 0;
        end = x;
      }
    }
    const stop = Math.min(ops.length, end + 1 + context);
    out.push(formatHunk(ops, start, stop));
    k = stop;
  }
  return out;
}

function formatHunk(ops: Op[], start: number, stop: number): string {
  // 1-based line numbers of the hunk's first line in the old and the new text.
  let oldLine = 1;
  let newLine = 1;
  for (let x = 0; x < start; x++) {
    if (ops[x][0] !== "+") oldLine++;
    if (ops[x][0] !== "-") newLine++;
  }
  let oldCount = 0;
  let newCount = 0;
  let body = "";
  for (let x = start; x < stop; x++) {
    const [kind, line] = ops[x];
    if (kind !== "+") oldCount++;
    if (kind !== "-") newCount++;
    body += `${kind}${line}\n`;
  }
  // As GNU diff: an empty range starts at the line before it.
  const range = (line: number, count: number) =>
    count === 0 ? `${line - 1},0` : count === 1 ? `${line}` : `${line},${count}`;
  return `@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@\n${body}`;
}
