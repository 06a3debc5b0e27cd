/**
 * dlt's deduplication hash of a record at the incremental boundary: `digest128` (base64 of a
 * 15-byte SHAKE128) of the key values as JSON with sorted keys, or of the whole record when
 * the resource has no primary key. Same inputs give dlt's hashes, so state moves between them.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { floatText, isFloatToken } from "../json/mod.ts";

/** dlt's `digest128`: SHAKE128, 15 bytes, base64 without padding (20 characters). */
export function digest128(text: string): string {
  return createHash("shake128", { outputLength: 15 }).update(text).digest("base64");
}

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
