/**
 * dlt's `snake_case` naming convention: how keys of the data become table and column names.
 *
 * @module
 */

import { createHash } from "node:crypto";

/** Separator between the parts of a nested name (`user__login`, `issues__labels`). */
export const PATH_SEPARATOR = "__";

/** Name used for empty keys and for identifiers that normalize to nothing. */
export const EMPTY_IDENTIFIER = "_empty";

// dlt reduces a few characters to letters before anything else is replaced by `_`.
const REDUCE_ALPHABET: Readonly<Record<string, string>> = {
  "+": "x",
  "-": "_",
  "*": "x",
  "@": "a",
  "|": "l",
};
const RE_REDUCE_ALPHABET = /[+\-*@|]/g;
// Python's `\d` matches every Unicode decimal digit, so `\p{Nd}` keeps dlt's exact behaviour.
const RE_NON_ALPHANUMERIC = /[^a-zA-Z\p{Nd}_]+/gu;
const RE_CAMEL_BREAK_1 = /([^_])([A-Z][a-z]+)/g;
const RE_CAMEL_BREAK_2 = /([a-z0-9])([A-Z])/g;
const RE_LEADING_DIGIT = /^\p{Nd}/u;
const RE_TRAILING_UNDERSCORES = /_+$/;
const RE_UNDERSCORES = /__+/g;
// Plain lower-case snake identifiers are already normalized: skip the regex pipeline for them.
const RE_ALREADY_SNAKE = /^(?:[a-z]|_[a-z0-9])[a-z0-9]*(?:_[a-z0-9]+)*$/;

// Keys repeat across records; cache results, but bound the caches in case keys are data.
const CACHE_LIMIT = 50_000;
const identifierCache = new Map<string, string>();
const pathCache = new Map<string, string>();

function remember(cache: Map<string, string>, key: string, value: string): string {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

function convert(identifier: string): string {
  if (RE_ALREADY_SNAKE.test(identifier)) return identifier;
  let name = identifier.replace(RE_REDUCE_ALPHABET, (c) => REDUCE_ALPHABET[c]);
  name = name.replace(RE_NON_ALPHANUMERIC, "_");
  name = name.replace(RE_CAMEL_BREAK_1, "$1_$2").replace(RE_CAMEL_BREAK_2, "$1_$2").toLowerCase();
  if (RE_LEADING_DIGIT.test(name)) name = "_" + name;
  // Each trailing `_` becomes `x` so that `name_` cannot clash with `name`.
  const trailing = RE_TRAILING_UNDERSCORES.exec(name);
  if (trailing) name = name.slice(0, trailing.index) + "x".repeat(trailing[0].length);
  // Collapsing `__` keeps the path separator unambiguous.
  return name.replace(RE_UNDERSCORES, "_");
}

/**
 * Normalizes one identifier the way dlt's `snake_case` naming convention does: trims it, maps
 * `+ - * @ |` to `x _ x a l`, replaces other runs of non-alphanumerics with `_`, splits camel
 * case, lower-cases, prefixes a leading digit with `_`, turns trailing `_` into `x` and
 * collapses `__`. An empty (or blank) identifier becomes `_empty`.
 *
 * @example Usage
 * ```ts
 * import { snakeCase } from "./naming.ts";
 * snakeCase("HTTPResponseCode"); // "http_response_code"
 * snakeCase("1st place"); // "_1st_place"
 * ```
 *
 * @param identifier A key of the data, a resource or table name.
 * @returns The normalized identifier.
 */
export function snakeCase(identifier: string): string {
  const cached = identifierCache.get(identifier);
  if (cached !== undefined) return cached;
  const trimmed = identifier.trim();
  const normalized = trimmed === "" ? EMPTY_IDENTIFIER : convert(trimmed);
  return remember(identifierCache, identifier, normalized);
}

/**
 * Normalizes a name that may be a path: a key containing `__` keeps the separator between its
 * normalized parts (`"Parent__childId"` -> `"parent__child_id"`). Empty parts are dropped, as
 * dlt does; a name without any part becomes `_empty`.
 *
 * @param name A key, table or column name.
 * @returns The normalized path.
 */
export function normalizePath(name: string): string {
  if (!name.includes(PATH_SEPARATOR)) return snakeCase(name);
  const cached = pathCache.get(name);
  if (cached !== undefined) return cached;
  const parts: string[] = [];
  for (const part of name.split(PATH_SEPARATOR)) {
    if (part.trim() !== "") parts.push(snakeCase(part));
  }
  const normalized = parts.length === 0 ? EMPTY_IDENTIFIER : parts.join(PATH_SEPARATOR);
  return remember(pathCache, name, normalized);
}

/**
 * Shortens a normalized identifier to `maxLength` the way dlt does for destinations with short
 * identifiers (Postgres: 63): the middle is cut out and replaced by a 6 character tag computed
 * from the original identifier (shake128, base64, lower case), so distinct long names stay
 * distinct.
 *
 * @param normalized The normalized identifier.
 * @param original The identifier before normalization; the tag is computed from it.
 * @param maxLength Longest identifier the destination accepts; 0 or less means no limit.
 * @returns `normalized`, shortened to `maxLength` when it is longer.
 */
export function shortenIdentifier(
  normalized: string,
  original: string,
  maxLength: number,
): string {
  if (maxLength <= 0 || normalized.length <= maxLength) return normalized;
  // 4 bytes of shake128 keep collisions under dlt's 0.001 probability for base64 lower case.
  const tag = createHash("shake128", { outputLength: 4 }).update(original, "utf8")
    .digest("base64").replace(/=+$/, "").replaceAll("/", "a").replaceAll("+", "b")
    .toLowerCase();
  const remaining = maxLength - tag.length;
  const head = Math.floor(remaining / 2) + (remaining % 2);
  const tail = Math.floor(remaining / 2);
  return normalized.slice(0, head) + tag + normalized.slice(normalized.length - tail);
}
