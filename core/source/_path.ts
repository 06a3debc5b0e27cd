/**
 * Paths into parsed JSON: plain dotted ones (`data.items`, `$.user.id`) compile to a key loop;
 * anything richer goes to JSONPath (`jsonpath-plus`).
 *
 * @module
 */

import { JSONPath } from "jsonpath-plus";

const SIMPLE = /^(?:\$|\$\.[^.[\]$@*]+(?:\.[^.[\]$@*]+)*|[^.[\]$@*]+(?:\.[^.[\]$@*]+)*)$/;

/**
 * The keys of a plain dotted path (`[]` for `$`), or `undefined` when the path needs JSONPath
 * (wildcards, filters, brackets, `..`).
 */
export function simplePath(path: string): string[] | undefined {
  if (!SIMPLE.test(path)) return undefined;
  if (path === "$") return [];
  return (path.startsWith("$.") ? path.slice(2) : path).split(".");
}

/** Reads the value at `keys`; `undefined` when a key is missing on the way. */
export function getAt(document: unknown, keys: readonly string[]): unknown {
  let node = document;
  for (let i = 0; i < keys.length; i++) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[keys[i]];
  }
  return node;
}

/** Every match of a JSONPath expression (a bare dotted path gets a `$.` in front). */
export function jsonPathAll(document: unknown, path: string): unknown[] {
  if (document === null || typeof document !== "object") return path === "$" ? [document] : [];
  const expression = path.startsWith("$") ? path : `$.${path}`;
  return JSONPath({ path: expression, json: document, wrap: true }) as unknown[];
}

/**
 * Compiles a path into a getter of its first match (`undefined` when nothing matches), as
 * dlt's `jsonpath.find_values(path, item)[0]`.
 */
export function compileGetter(path: string): (document: unknown) => unknown {
  const keys = simplePath(path);
  if (keys) return (document) => getAt(document, keys);
  return (document) => jsonPathAll(document, path)[0];
}
