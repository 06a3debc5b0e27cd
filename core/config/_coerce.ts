/**
 * Coercion of provider values to the type a field expects. Env vars only hold strings, so a
 * field expecting a number, boolean or object parses its string as a literal:
 *
 * - number: a decimal literal (`"5"`, `"-1.5"`, `"1e3"`);
 * - boolean: dlt's words, any case: `true yes y t 1` / `false no n f 0`;
 * - object (table or array): JSON (`'{"a":1}'`, `'[1,2]'`), else a TOML inline value
 *   (`'{ a = 1 }'`);
 * - string: numbers and booleans are turned into their text (`org = 123` in TOML).
 *
 * Anything else is left as is; a value that still has the wrong type is reported by the caller.
 */

import { parse } from "smol-toml";
import type { ValueType } from "./types.ts";

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(["true", "yes", "y", "t", "1"]);
const FALSE = new Set(["false", "no", "n", "f", "0"]);

/** The type a default value implies, or `undefined` when it implies none. */
export function typeOfDefault(value: unknown): ValueType | undefined {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return typeof value as ValueType;
    case "object":
      return value === null ? undefined : "object";
    default:
      return undefined;
  }
}

/** The result of a coercion: the value, or `ok: false` when it does not fit. */
export type Coerced = { ok: true; value: unknown } | { ok: false };

/** Coerces `value` to `expected`; see the module doc for the accepted literals. */
export function coerceValue(value: unknown, expected: ValueType): Coerced {
  if (hasType(value, expected)) return { ok: true, value };
  if (expected === "string") {
    return typeof value === "number" || typeof value === "boolean" || typeof value === "bigint"
      ? { ok: true, value: String(value) }
      : { ok: false };
  }
  if (typeof value !== "string") return { ok: false };
  const text = value.trim();
  switch (expected) {
    case "number":
      return NUMBER.test(text) ? { ok: true, value: Number(text) } : { ok: false };
    case "boolean": {
      const word = text.toLowerCase();
      if (TRUE.has(word)) return { ok: true, value: true };
      if (FALSE.has(word)) return { ok: true, value: false };
      return { ok: false };
    }
    case "object": {
      const parsed = parseLiteral(text);
      return hasType(parsed, "object") ? { ok: true, value: parsed } : { ok: false };
    }
  }
}

function hasType(value: unknown, expected: ValueType): boolean {
  if (expected === "object") return typeof value === "object" && value !== null;
  return typeof value === expected && !(expected === "number" && Number.isNaN(value));
}

function parseLiteral(text: string): unknown {
  if (!text.startsWith("{") && !text.startsWith("[")) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON; maybe a TOML inline table or array.
  }
  try {
    return parse(`v = ${text}`).v;
  } catch {
    return undefined;
  }
}
