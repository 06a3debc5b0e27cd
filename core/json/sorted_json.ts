/**
 * JSON text as dlt hashes it: orjson's compact output with `OPT_SORT_KEYS`, the input of the
 * deterministic hashes dlt derives from data (incremental `unique_hashes`, merge row ids).
 *
 * @module
 */

import { floatText } from "./float_text.ts";
import { isFloatToken } from "./number_marks.ts";

/**
 * Compact JSON with object keys sorted at every level (orjson's `OPT_SORT_KEYS`). Numbers as
 * Python has them: integers past 2^53 (bigints) in full, whole floats from the JSON text
 * (`1.0`, see `parseJson`) as floats, so `{"a": 1.0}` and `{"a": 1}` differ as in dlt.
 *
 * @param value the value.
 * @param float whether `value` is a number the JSON text wrote as a float.
 */
export function sortedJson(value: unknown, float = false): string {
  if (typeof value === "bigint") return value.toString();
  if (float && Number.isFinite(value)) return floatText(value as number);
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (value instanceof Date) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      out += value[i] === undefined ? "null" : sortedJson(value[i], isFloatToken(value, `${i}`));
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined || typeof v === "function") continue; // as JSON.stringify
    if (!first) out += ",";
    first = false;
    out += `${JSON.stringify(key)}:${sortedJson(v, isFloatToken(record, key))}`;
  }
  return `${out}}`;
}
