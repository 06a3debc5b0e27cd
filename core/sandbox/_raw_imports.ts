/**
 * A second look at a plugin module's text, independent of the tokenizer. The tokenizer tells
 * a regular expression from a division by heuristics, which a hostile file can fool into
 * reading code as a string (and so miss an import in it). Two things are checked on the raw
 * text instead, comments and strings included, because there they cannot hide:
 *
 * - every `import (` is followed by a relative string literal (`import("./x.ts")`), so no
 *   `import()` can load what the scanner did not see;
 * - no `npm:` specifier appears, escapes decoded (`"\u006epm:x"`): in a worker, Deno's module
 *   loader applies the worker's permissions to files, URLs and `jsr:`, but not to `npm:`.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";

/**
 * Checks a module's text; see the module doc.
 *
 * @param source the module's text.
 * @param file the module's name in errors.
 * @throws {ConfigError} naming the file and line.
 */
export function checkRawImports(source: string, file: string): void {
  const importWord = /\bimport\b/g;
  for (let m = importWord.exec(source); m; m = importWord.exec(source)) {
    let i = skipBlank(source, m.index + m[0].length);
    if (source[i] !== "(") continue;
    i = skipBlank(source, i + 1);
    const literal = readLiteral(source, i);
    const after = literal ? skipBlank(source, literal.end) : i;
    const relative = literal !== undefined && /^\.\.?\//.test(literal.value) &&
      (source[after] === ")" || source[after] === ",");
    if (!relative) {
      throw new ConfigError(
        `Connector plugin ${file} line ${lineOf(source, m.index)}: "import(" is not followed by ` +
          `a relative string literal ("./x.ts"); a plugin's import() must name one of its own ` +
          `files, and dltx checks this even in comments and strings`,
      );
    }
  }
  const npm = /npm:/i.exec(decodeEscapes(source));
  if (npm) {
    throw new ConfigError(
      `Connector plugin ${file} mentions an npm: specifier; a plugin may not import npm ` +
        `packages (dltx refuses the text npm: anywhere in a plugin, comments included)`,
    );
  }
}

/** Skips whitespace and comments from `i`. */
function skipBlank(source: string, i: number): number {
  for (;;) {
    while (i < source.length && /\s/.test(source[i])) i++;
    if (source.startsWith("//", i)) {
      const end = source.indexOf("\n", i);
      i = end < 0 ? source.length : end + 1;
    } else if (source.startsWith("/*", i)) {
      const end = source.indexOf("*/", i + 2);
      i = end < 0 ? source.length : end + 2;
    } else return i;
  }
}

/** A quoted or substitution-free template literal at `i`, its value with escapes decoded. */
function readLiteral(source: string, i: number): { value: string; end: number } | undefined {
  const quote = source[i];
  if (quote !== '"' && quote !== "'" && quote !== "`") return undefined;
  for (let j = i + 1; j < source.length; j++) {
    const c = source[j];
    if (c === "\\") j++;
    else if (quote === "`" && c === "$" && source[j + 1] === "{") return undefined;
    else if (c === quote) return { value: decodeEscapes(source.slice(i + 1, j)), end: j + 1 };
    else if (c === "\n" && quote !== "`") return undefined;
  }
  return undefined;
}

/** Text with JS escapes decoded: `\u{..}`, `\uXXXX`, `\xXX`, and any other `\c` as `c`. */
function decodeEscapes(text: string): string {
  return text.replace(
    /\\(?:u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(\r\n|[\s\S]))/g,
    (_, braced, u4, x2, other) => {
      const hex = braced ?? u4 ?? x2;
      if (hex !== undefined) {
        const code = parseInt(hex, 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : "";
      }
      return /^(\r\n|\n|\r|\u2028|\u2029)$/.test(other) ? "" : other;
    },
  );
}

function lineOf(source: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (source[i] === "\n") line++;
  return line;
}
