/**
 * Finds the module specifiers a TS/JS source imports, without running or fully parsing it: a
 * small tokenizer that skips comments, strings, template literals and regular expressions,
 * then reads `import` / `export ... from` / `import()` forms off the token stream. Pure
 * TypeScript, so it works inside the compiled binary, where `deno info` is not available.
 *
 * @module
 */

import { type Token, tokenize } from "./_tokenizer.ts";

/** One import found in a module. */
export interface ImportRef {
  /** The specifier as written; `undefined` for `import(expr)` with a computed specifier. */
  specifier: string | undefined;
  /** 1-based line of the specifier (of `import` for a computed one). */
  line: number;
  /** `static` (`import ... from`, `import "x"`), `reexport` (`export ... from`), `dynamic`. */
  kind: "static" | "reexport" | "dynamic";
  /**
   * `import type ...` / `export type ... from`: erased before run time. `import { type X }`
   * is not: Deno keeps it as `import {} from "..."`, which loads the module.
   */
  typeOnly: boolean;
}

/**
 * Lists the imports of a TS/JS module source.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { scanImports } from "./scan_imports.ts";
 * const refs = scanImports(`import type { C } from "jsr:@x/y";\nimport { h } from "./h.ts";`);
 * deepEqual(refs.map((r) => [r.specifier, r.typeOnly]), [["jsr:@x/y", true], ["./h.ts", false]]);
 * ```
 * @param source the module's text.
 * @returns the imports in source order.
 */
export function scanImports(source: string): ImportRef[] {
  return findImports(tokenize(source));
}

function findImports(tokens: Token[]): ImportRef[] {
  const refs: ImportRef[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type !== "id" || (t.value !== "import" && t.value !== "export")) continue;
    // `foo.import(...)`, `x.export` are property accesses, not module syntax.
    if (i > 0 && tokens[i - 1].type === "punct" && tokens[i - 1].value === ".") continue;
    const ref = t.value === "import" ? readImport(tokens, i) : readExport(tokens, i);
    if (ref) refs.push(ref);
  }
  return refs;
}

function readImport(tokens: Token[], i: number): ImportRef | undefined {
  const next = tokens[i + 1];
  if (!next) return undefined;
  if (isPunct(next, ".")) return undefined; // import.meta
  if (isPunct(next, "(")) {
    const arg = tokens[i + 2];
    const after = tokens[i + 3];
    const literal = arg && (arg.type === "str" || arg.type === "tpl") &&
      after && (isPunct(after, ")") || isPunct(after, ","));
    return literal
      ? { specifier: arg.value, line: arg.line, kind: "dynamic", typeOnly: false }
      : { specifier: undefined, line: tokens[i].line, kind: "dynamic", typeOnly: false };
  }
  if (next.type === "str") {
    return { specifier: next.value, line: next.line, kind: "static", typeOnly: false };
  }
  if (isPunct(tokens[i + 2], "=")) return readImportEquals(tokens, i + 3);
  const typeOnly = next.type === "id" && next.value === "type" && !isDefaultNamedType(tokens, i);
  const spec = findFrom(tokens, i + 1);
  return spec && { specifier: spec.value, line: spec.line, kind: "static", typeOnly };
}

/** `import type from "x"` and `import type, {a} from "x"` import a binding named `type`. */
function isDefaultNamedType(tokens: Token[], i: number): boolean {
  const after = tokens[i + 2];
  if (isPunct(after, ",")) return true;
  return after?.type === "id" && after.value === "from" && tokens[i + 3]?.type === "str";
}

/** TS `import x = require("y")` loads `y`; `import x = A.B` is an alias. */
function readImportEquals(tokens: Token[], i: number): ImportRef | undefined {
  const [req, open, arg] = [tokens[i], tokens[i + 1], tokens[i + 2]];
  if (req?.type === "id" && req.value === "require" && isPunct(open, "(") && arg?.type === "str") {
    return { specifier: arg.value, line: arg.line, kind: "static", typeOnly: false };
  }
  return undefined;
}

function readExport(tokens: Token[], i: number): ImportRef | undefined {
  let j = i + 1;
  let typeOnly = false;
  if (tokens[j]?.type === "id" && tokens[j].value === "type") {
    // `export type X = ...` declares a type; `export type { X } from` re-exports one.
    if (!isPunct(tokens[j + 1], "{") && !isPunct(tokens[j + 1], "*")) return undefined;
    typeOnly = true;
    j++;
  }
  const t = tokens[j];
  if (isPunct(t, "*")) {
    const spec = findFrom(tokens, j + 1);
    return spec && { specifier: spec.value, line: spec.line, kind: "reexport", typeOnly };
  }
  if (isPunct(t, "{")) {
    const close = matchingBrace(tokens, j);
    const from = tokens[close + 1];
    const spec = tokens[close + 2];
    if (from?.type === "id" && from.value === "from" && spec?.type === "str") {
      return { specifier: spec.value, line: spec.line, kind: "reexport", typeOnly };
    }
  }
  return undefined;
}

/** The string after `from` of an import/export clause starting at `start`. */
function findFrom(tokens: Token[], start: number): Token | undefined {
  for (let j = start; j < tokens.length; j++) {
    const t = tokens[j];
    if (isPunct(t, "{")) {
      j = matchingBrace(tokens, j);
      continue;
    }
    if (t.type === "id" && t.value === "from" && tokens[j + 1]?.type === "str") {
      return tokens[j + 1];
    }
    // A clause never holds these: the statement ended without `from` (malformed or not ours).
    if (isPunct(t, ";") || t.type === "str" || isPunct(t, "(")) return undefined;
  }
  return undefined;
}

function matchingBrace(tokens: Token[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    if (isPunct(tokens[j], "{")) depth++;
    else if (isPunct(tokens[j], "}") && --depth === 0) return j;
  }
  return tokens.length - 1;
}

function isPunct(t: Token | undefined, value: string): boolean {
  return t !== undefined && t.type === "punct" && t.value === value;
}
