/**
 * What `dltx add` learns of a TS/JS connector module without running it: whether it has a
 * default export, what it exports otherwise, and the `name` and `version` its definition
 * spells out as string literals (`export default { name: "shop", version: "1.0.0", ... }`,
 * also through `defineConnector({...})`, `satisfies Connector` or a `const` it exports).
 *
 * @module
 */

import { type Token, tokenize } from "./_tokenizer.ts";

/** A module's exports as read from its text. */
export interface ModuleMeta {
  /** `export default ...` or `export { x as default }`. */
  hasDefault: boolean;
  /** The other names it exports. */
  exports: string[];
  /** The definition's `name`, when it is a string literal. */
  name?: string;
  /** The definition's `version`, when it is a string literal. */
  version?: string;
}

/**
 * Reads a module's exports and its definition's literal `name` and `version`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { readModuleMeta } from "./module_meta.ts";
 * const meta = readModuleMeta(`export default { name: "shop", version: "1.0.0", resources: [] };`);
 * deepEqual(meta, { hasDefault: true, exports: [], name: "shop", version: "1.0.0" });
 * ```
 * @param source the module's text.
 */
export function readModuleMeta(source: string): ModuleMeta {
  const tokens = tokenize(source);
  const meta: ModuleMeta = { hasDefault: false, exports: [] };
  let defaultAt: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    if (!isId(tokens[i], "export") || isPunct(tokens[i - 1], ".")) continue;
    const next = tokens[i + 1];
    if (isId(next, "default")) {
      meta.hasDefault = true;
      defaultAt = i + 2;
    } else if (isPunct(next, "{")) {
      for (const [local, exported] of exportList(tokens, i + 2)) {
        if (exported === "default") {
          meta.hasDefault = true;
          defaultAt = declarationOf(tokens, local);
        } else meta.exports.push(exported);
      }
    } else if (next?.type === "id" && /^(const|let|var|function|class|async)$/.test(next.value)) {
      const name = tokens.slice(i + 2, i + 4).find((t) =>
        t.type === "id" && t.value !== "function"
      );
      if (name) meta.exports.push(name.value);
    }
  }
  const object = defaultAt === undefined ? undefined : objectAt(tokens, defaultAt);
  if (object !== undefined) Object.assign(meta, literalKeys(tokens, object));
  return meta;
}

/** `export { a, b as c, type d }` from after `{`: [local, exported] pairs. */
function exportList(tokens: Token[], start: number): [string, string][] {
  const out: [string, string][] = [];
  for (let j = start; j < tokens.length && !isPunct(tokens[j], "}"); j++) {
    const t = tokens[j];
    if (t.type !== "id" || t.value === "type") continue;
    if (isId(tokens[j + 1], "as")) {
      out.push([t.value, tokens[j + 2]?.value ?? t.value]);
      j += 2;
    } else out.push([t.value, t.value]);
  }
  return out;
}

/** Where the value of `const|let|var <name> =` starts. */
function declarationOf(tokens: Token[], name: string): number | undefined {
  for (let j = 0; j + 3 < tokens.length; j++) {
    if (
      tokens[j].type === "id" && /^(const|let|var)$/.test(tokens[j].value) &&
      isId(tokens[j + 1], name)
    ) {
      // `const c: Connector = {...}`: the value starts after the `=`.
      for (let k = j + 2; k < tokens.length && !isPunct(tokens[k], ";"); k++) {
        if (isPunct(tokens[k], "=")) return k + 1;
      }
    }
  }
  return undefined;
}

/** The `{` of the object literal a default export's value is, if it is one. */
function objectAt(tokens: Token[], start: number, depth = 0): number | undefined {
  const t = tokens[start];
  if (!t || depth > 3) return undefined;
  if (isPunct(t, "{")) return start;
  if (isPunct(t, "(")) return objectAt(tokens, start + 1, depth + 1);
  if (t.type !== "id") return undefined;
  // `defineConnector({...})`, `helpers.define({...})`
  let j = start;
  while (isPunct(tokens[j + 1], ".") && tokens[j + 2]?.type === "id") j += 2;
  if (isPunct(tokens[j + 1], "(")) return objectAt(tokens, j + 2, depth + 1);
  if (j === start) {
    const value = declarationOf(tokens, t.value);
    if (value !== undefined) return objectAt(tokens, value, depth + 1);
  }
  return undefined;
}

/** `name: "..."` and `version: "..."` among the top-level keys of the object at `open`. */
function literalKeys(tokens: Token[], open: number): Pick<ModuleMeta, "name" | "version"> {
  const found: Pick<ModuleMeta, "name" | "version"> = {};
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.type === "punct" && "{[(".includes(t.value)) depth++;
    else if (t.type === "punct" && "}])".includes(t.value)) {
      if (--depth === 0) break;
    } else if (depth === 1 && (t.type === "id" || t.type === "str")) {
      const key = t.value;
      const value = tokens[j + 2];
      const end = tokens[j + 3];
      const isKeyStart = isPunct(tokens[j - 1], "{") || isPunct(tokens[j - 1], ",");
      if (
        (key === "name" || key === "version") && isKeyStart && isPunct(tokens[j + 1], ":") &&
        (value?.type === "str" || value?.type === "tpl") &&
        (isPunct(end, ",") || isPunct(end, "}"))
      ) {
        found[key] ??= value.value;
      }
    }
  }
  return found;
}

function isId(t: Token | undefined, value: string): boolean {
  return t !== undefined && t.type === "id" && t.value === value;
}

function isPunct(t: Token | undefined, value: string): boolean {
  return t !== undefined && t.type === "punct" && t.value === value;
}
