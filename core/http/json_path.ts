/**
 * Tiny path getter/setter for the paths paginators read and write: `cursors.next`,
 * `meta.total`, `links.next.href`, `$.a.b`, `items[0].id`, `data['next-page']`. Such simple
 * paths compile to a loop over keys (hot path: called once per page, never per record).
 * Anything richer (wildcards, filters, `..`) falls back to JSONPath (`jsonpath-plus`) and
 * yields the first match, as dlt's `jsonpath.find_values(...)[0]` does.
 *
 * @module
 */

import { JSONPath } from "jsonpath-plus";
import { ConfigError } from "../errors.ts";

/** Reads one value out of a parsed JSON document; `undefined` when the path is missing. */
export type PathGetter = (document: unknown) => unknown;

const compiled = new Map<string, PathGetter>();

/**
 * Splits a simple path into keys (strings) and list indexes (numbers).
 *
 * @param path e.g. `"$.links.next.href"`, `"items[0].id"`, `"data['next-page']"`.
 * @returns the segments (`[]` for `$`), or `undefined` when the path needs full JSONPath.
 */
export function parsePath(path: string): (string | number)[] | undefined {
  const segments: (string | number)[] = [];
  let i = 0;
  const n = path.length;
  if (path[0] === "$") {
    i = 1;
    if (i < n && path[i] !== "." && path[i] !== "[") return undefined;
  }
  // `expectName` is true at the start (no `$`) and after a dot.
  let expectName = i === 0;
  while (i < n) {
    const ch = path[i];
    if (ch === ".") {
      if (expectName) return undefined; // `..` (recursive descent) or a leading dot
      expectName = true;
      i++;
      continue;
    }
    if (ch === "[") {
      if (expectName && segments.length > 0) return undefined; // `a.[0]`
      const close = path.indexOf("]", i);
      if (close < 0) return undefined;
      const inner = path.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else if (/^'[^']*'$|^"[^"]*"$/.test(inner)) segments.push(inner.slice(1, -1));
      else return undefined; // `[*]`, `[?(...)]`, slices
      i = close + 1;
      expectName = false;
      continue;
    }
    if (!expectName) return undefined;
    let end = i;
    while (end < n && path[end] !== "." && path[end] !== "[") end++;
    const name = path.slice(i, end);
    if (name === "*" || name.includes("]") || name.includes("@") || name.trim() !== name) {
      return undefined;
    }
    segments.push(name);
    i = end;
    expectName = false;
  }
  if (expectName && n > 0 && path !== "$") return undefined; // trailing dot
  return segments;
}

/**
 * Compiles a path into a getter; results are cached per path string.
 *
 * @param path a dotted path or a JSONPath expression.
 * @returns a function reading the first value at `path` (`undefined` when missing).
 * @throws {ConfigError} when the path is empty.
 */
export function compilePath(path: string): PathGetter {
  let getter = compiled.get(path);
  if (getter) return getter;
  if (path.trim() === "") throw new ConfigError(`A JSON path must not be empty (got "${path}")`);
  const segments = parsePath(path);
  getter = segments ? segmentGetter(segments) : jsonPathGetter(path);
  compiled.set(path, getter);
  return getter;
}

/**
 * Reads the value at `path` in `document`.
 *
 * @example Usage
 * ```ts
 * import { getPath } from "./json_path.ts";
 * getPath({ links: { next: { href: "/p2" } } }, "links.next.href"); // "/p2"
 * ```
 * @param document a parsed JSON document.
 * @param path a dotted path (`meta.total`, `$.a.b`) or a JSONPath expression.
 * @returns the value, or `undefined` when the path does not exist.
 */
export function getPath(document: unknown, path: string): unknown {
  return compilePath(path)(document);
}

/**
 * Returns a copy of `document` with `value` placed at `path`, creating objects on the way.
 * Only the containers along the path are copied, so the caller's object is never changed.
 *
 * @param document the JSON body to change (`undefined` starts from `{}`).
 * @param path a simple dotted path such as `pagination.cursor`.
 * @param value the value to place.
 * @returns the new document.
 * @throws {ConfigError} when `path` is not a simple path or is `$` itself.
 */
export function setPath(document: unknown, path: string, value: unknown): unknown {
  const segments = parsePath(path);
  if (!segments || segments.length === 0) {
    throw new ConfigError(
      `Cannot place a value at JSON path "${path}" in the request body; use a dotted path like "pagination.cursor"`,
    );
  }
  return setAt(document, segments, 0, value);
}

function setAt(
  node: unknown,
  segments: (string | number)[],
  index: number,
  value: unknown,
): unknown {
  const key = segments[index];
  const copy: Record<string | number, unknown> = Array.isArray(node)
    ? [...node] as unknown as Record<number, unknown>
    : isObject(node)
    ? { ...node }
    : typeof key === "number"
    ? [] as unknown as Record<number, unknown>
    : {};
  copy[key] = index === segments.length - 1 ? value : setAt(copy[key], segments, index + 1, value);
  return copy;
}

function segmentGetter(segments: (string | number)[]): PathGetter {
  if (segments.length === 0) return (document) => document;
  if (segments.length === 1) {
    const [key] = segments;
    return (document) =>
      isObject(document) ? (document as Record<string, unknown>)[key] : undefined;
  }
  return (document) => {
    let node = document;
    for (const key of segments) {
      if (!isObject(node)) return undefined;
      node = (node as Record<string | number, unknown>)[key];
    }
    return node;
  };
}

function jsonPathGetter(path: string): PathGetter {
  const expression = path.startsWith("$") ? path : `$.${path}`;
  return (document) => {
    if (document === null || typeof document !== "object") return undefined;
    const matches = JSONPath({ path: expression, json: document, wrap: true }) as unknown[];
    return matches.length > 0 ? matches[0] : undefined;
  };
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === "object";
}
