/**
 * `JSON.stringify` that writes numbers exactly: bigints as their digits, whole-valued floats
 * that {@linkcode parseJson} marked as floats again (`1.0`), and Infinity as `1e400` rather
 * than `null`.
 *
 * @module
 */

import { floatText } from "./float_text.ts";
import { type Marked, NUMBER_MARKS } from "./number_marks.ts";

/** `JSON.rawJSON` (ES2025, in Deno's V8) is not in TypeScript's lib types yet. */
const rawJson = (JSON as unknown as { rawJSON(text: string): object }).rawJSON;
const isRawJson = (JSON as unknown as { isRawJSON(value: unknown): boolean }).isRawJSON;

/** `1e400` reads back as Infinity in JSON.parse and Python alike; JSON has no other way. */
const INFINITY = "1e400";

/**
 * A number written exactly as JSON text: an opaque object that `JSON.stringify` writes as the
 * given digits (`JSON.rawJSON`). For values that a JS number cannot hold.
 *
 * @param text a JSON number, e.g. `9223372036854775807`, `1.0` or `1e400`.
 * @returns the raw JSON object.
 * @throws {SyntaxError} when `text` is not a JSON number.
 */
export function rawNumber(text: string): object {
  return rawJson(text);
}

/**
 * `value` with every number that `JSON.stringify` would write inexactly replaced by a
 * {@linkcode rawNumber}: bigints, whole floats marked by {@linkcode NUMBER_MARKS}, and
 * Infinity (`1e400`; NaN has no JSON text and stays `null`). Plain objects and arrays are
 * copied; objects with `toJSON` (dates) are kept as they are. The input is not changed.
 *
 * @param value any JSON-like value.
 * @returns a value for plain `JSON.stringify`.
 */
export function withRawNumbers(value: unknown): unknown {
  return rawCopy(value, false);
}

function rawCopy(value: unknown, float: boolean): unknown {
  switch (typeof value) {
    case "bigint":
      return rawJson(value.toString());
    case "number":
      if (!Number.isFinite(value)) {
        return Number.isNaN(value) ? value : rawJson(value > 0 ? INFINITY : `-${INFINITY}`);
      }
      return float && Number.isInteger(value) ? rawJson(floatText(value)) : value;
    case "object": {
      if (value === null || isRawJson(value)) return value;
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") return value;
      const marks = (value as Marked)[NUMBER_MARKS];
      if (Array.isArray(value)) {
        return value.map((item, i) => rawCopy(item, marks !== undefined && marks.includes(`${i}`)));
      }
      const copy: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const item = rawCopy(
          (value as Record<string, unknown>)[key],
          marks !== undefined && marks.includes(key),
        );
        if (key === "__proto__") {
          Object.defineProperty(copy, key, {
            value: item,
            writable: true,
            enumerable: true,
            configurable: true,
          });
        } else copy[key] = item;
      }
      return copy;
    }
    default:
      return value;
  }
}

/** Whether plain `JSON.stringify` would not write `value` exactly (as far as marks tell). */
function needsRawNumbers(value: unknown): boolean {
  return typeof value === "bigint" ||
    (typeof value === "number" && !Number.isFinite(value) && !Number.isNaN(value)) ||
    (typeof value === "object" && value !== null && (value as Marked)[NUMBER_MARKS] !== undefined);
}

/**
 * `JSON.stringify` with exact numbers (see {@linkcode withRawNumbers}). Values that hold none
 * of those take plain `JSON.stringify`; bigints a hook added without marks are found when
 * `JSON.stringify` refuses them.
 *
 * @param value the value.
 * @param space indentation, as `JSON.stringify`'s third argument.
 * @returns the JSON text (`undefined` for `undefined` and functions, as `JSON.stringify`).
 *
 * @example Usage
 * ```ts
 * import { stringifyJson } from "./stringify_json.ts";
 * if (stringifyJson({ id: 9007199254740993n }) !== '{"id":9007199254740993}') throw new Error();
 * ```
 */
export function stringifyJson(value: unknown, space?: number): string {
  if (needsRawNumbers(value)) return JSON.stringify(withRawNumbers(value), null, space);
  try {
    return JSON.stringify(value, null, space);
  } catch (err) {
    // "Do not know how to serialize a BigInt"; circular structures still throw below.
    if (err instanceof TypeError && err.message.includes("BigInt")) {
      return JSON.stringify(withRawNumbers(value), null, space);
    }
    throw err;
  }
}
