/**
 * Reading numbers and flags out of responses the way dlt does (`int(total)`, `str2bool`), with
 * errors that name the paginator, the path and the value found.
 *
 * @module
 */

import { DataError } from "../../errors.ts";
import { stringifyJson } from "../../json/mod.ts";

/**
 * Converts a response value to an integer, as Python's `int()` would.
 *
 * @param value the value found at `path`.
 * @param where `Paginator offset: total_path "total"`, for the message.
 * @returns the integer.
 * @throws {DataError} when the value is not an integer or integer string.
 */
export function toInteger(value: unknown, where: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
  throw new DataError(`${where} is not an integer in the response; got ${show(value)}`);
}

const TRUE = new Set(["y", "yes", "t", "true", "on", "1"]);
const FALSE = new Set(["n", "no", "f", "false", "off", "0"]);

/**
 * Converts a response value to a boolean: booleans, dlt's `str2bool` strings, and 0/1.
 *
 * @param value the value found at `path`.
 * @param where `Paginator cursor: has_more_path "has_more"`, for the message.
 * @returns the flag.
 * @throws {DataError} when the value is not a boolean.
 */
export function toBoolean(value: unknown, where: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const lower = value.trim().toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
  }
  if (value === 0 || value === 1) return value === 1;
  throw new DataError(`${where} is not a boolean in the response; got ${show(value)}`);
}

/**
 * A value as it appears in messages: JSON, cut to 100 characters.
 *
 * @param value any value.
 * @returns its short JSON text.
 */
export function show(value: unknown): string {
  const text = value === undefined ? "undefined" : stringifyJson(value) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}
