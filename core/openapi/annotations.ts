/**
 * Comments of a generated connector, apart from its data and from its format: lines (and
 * commented-out snippets of connector config) placed before a key or list item, or after the
 * last entry of an object or list, addressed by their path in the connector. The YAML and TS
 * renderers both place them, each in its own syntax.
 *
 * @module
 */

/** A comment line, or a connector snippet written commented out (`since: {type: ...}`). */
export type CommentLine = string | { snippet: Record<string, unknown> };

/** A path into the connector: keys and list indexes (`["resources", 2, "endpoint"]`). */
export type NodePath = readonly (string | number)[];

/** The comments of one connector. */
export class Annotations {
  /** The file's leading comment. */
  readonly header: string[] = [];
  readonly #before = new Map<string, CommentLine[]>();
  readonly #after = new Map<string, CommentLine[]>();

  /** Adds lines before the key or list item at `path`. */
  before(path: NodePath, lines: readonly CommentLine[]): void {
    if (lines.length === 0) return;
    const key = JSON.stringify(path);
    this.#before.set(key, [...(this.#before.get(key) ?? []), ...lines]);
  }

  /** Adds lines after the last entry of the object or list at `path` (`[]`: the file's end). */
  after(path: NodePath, lines: readonly CommentLine[]): void {
    if (lines.length === 0) return;
    const key = JSON.stringify(path);
    this.#after.set(key, [...(this.#after.get(key) ?? []), ...lines]);
  }

  /** The lines before the node at `path`. */
  beforeOf(path: NodePath): CommentLine[] {
    return this.#before.get(JSON.stringify(path)) ?? [];
  }

  /** The lines after the entries of the node at `path`. */
  afterOf(path: NodePath): CommentLine[] {
    return this.#after.get(JSON.stringify(path)) ?? [];
  }

  /** Every path that has comments, for renderers that check they placed them all. */
  paths(): { before: NodePath[]; after: NodePath[] } {
    const parse = (key: string) => JSON.parse(key) as NodePath;
    return {
      before: [...this.#before.keys()].map(parse),
      after: [...this.#after.keys()].map(parse),
    };
  }
}

/**
 * Breaks a comment's text at spaces into lines of at most `width` characters (a longer word
 * stays whole); a line's leading spaces are kept on each of its parts.
 *
 * @param lines the lines.
 * @param width the widest line.
 * @returns the wrapped lines.
 */
export function wrapLines(lines: readonly string[], width: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const indent = line.match(/^\s*/)![0];
    let current = "";
    for (const word of line.trim().split(/\s+/)) {
      if (current !== "" && indent.length + current.length + 1 + word.length > width) {
        out.push(indent + current);
        current = word;
      } else {
        current = current === "" ? word : `${current} ${word}`;
      }
    }
    out.push(indent + current);
  }
  return out;
}
