/**
 * Inside the worker: turns a connector module's default export into data that can cross to
 * the engine. Each function becomes a {@linkcode HookMarker} naming where it sits
 * (`resources[0].processing_steps[1].map`); the worker keeps the functions by that path.
 *
 * @module
 */

import { HOOK_KEY, type HookMarker } from "./_protocol.ts";

/**
 * Copies `value` as data: arrays and plain objects are walked, functions become markers
 * (collected into `hooks` when given), anything else is left to structured clone.
 *
 * @throws {TypeError} when the definition refers back to itself (it cannot cross as data).
 */
export function definitionData(
  value: unknown,
  hooks?: Map<string, (...args: unknown[]) => unknown>,
): unknown {
  return walk(value, "", new Set(), hooks);
}

function walk(
  value: unknown,
  path: string,
  open: Set<object>,
  hooks: Map<string, (...args: unknown[]) => unknown> | undefined,
): unknown {
  if (typeof value === "function") {
    hooks?.set(path, value as (...args: unknown[]) => unknown);
    const marker: HookMarker = { [HOOK_KEY]: path };
    return marker;
  }
  if (value === null || typeof value !== "object") return value;
  if (open.has(value)) throw new TypeError(`${path || "the default export"} refers back to itself`);
  open.add(value);
  try {
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`, open, hooks));
    const proto = Object.getPrototypeOf(value);
    // Dates, maps and the like cross by structured clone; the validator judges them.
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = walk(v, path ? `${path}.${key}` : key, open, hooks);
    }
    return out;
  } finally {
    open.delete(value);
  }
}
