/**
 * Type inference and coercion of JSON values, following dlt: a column is typed by its first
 * non-null value; later values are converted into the column's type when dlt's `coerce_value`
 * would convert them (`"123"` into `bigint`), and go to a variant column otherwise.
 *
 * @module
 */

import { InternalError } from "../errors.ts";
import type { DataType } from "../schema/mod.ts";
import { isIsoDate, isIsoDatetime, isoDatetimeUtcDate } from "./_iso.ts";

/** Returned by {@linkcode coerceValue} when a value does not fit the column type. */
export const NOT_COERCIBLE: unique symbol = Symbol("not coercible");

/**
 * The data type of a value as it arrives, before any detection (dlt's `py_type_to_sc_type`):
 * it names variant columns (`id__v_text`). Integers are `bigint`, other numbers `double`,
 * objects and arrays `json`; `Date` objects are `timestamp`.
 *
 * @param value A JSON value (or a value a connector hook produced).
 * @returns The type, or `undefined` for `null`, `undefined` and values that cannot be stored.
 */
export function valueType(value: unknown): DataType | undefined {
  switch (typeof value) {
    case "string":
      return "text";
    case "number":
      return Number.isInteger(value) ? "bigint" : "double";
    case "boolean":
      return "bool";
    case "bigint":
      return "bigint";
    case "object":
      if (value === null) return undefined;
      return value instanceof Date ? "timestamp" : "json";
    default:
      return undefined;
  }
}

/**
 * The column type inferred from a first value: {@linkcode valueType}, except that strings
 * holding a full ISO 8601 datetime become `timestamp` (dlt's default `iso_timestamp`
 * detection). Date-only strings stay `text`.
 *
 * @param value A non-null value.
 * @returns The inferred type, or `undefined` when the value cannot be stored.
 */
export function inferType(value: unknown): DataType | undefined {
  if (typeof value === "string") return isIsoDatetime(value) ? "timestamp" : "text";
  // Integers past 2^53 cannot be JS numbers; a decimal column keeps their digits as text.
  if (typeof value === "bigint" && toBigint(value) === NOT_COERCIBLE) return "decimal";
  return valueType(value);
}

const RE_INTEGER = /^[+-]?\d+(?:_\d+)*$/;
const RE_HEX = /^[+-]?0[xX][0-9a-fA-F]+$/;
const RE_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// dlt's `str2bool`.
const TRUE_STRINGS = new Set(["yes", "true", "t", "y", "1"]);
const FALSE_STRINGS = new Set(["no", "false", "f", "n", "0"]);

function textToNumber(text: string, integer: boolean): number | typeof NOT_COERCIBLE {
  const trimmed = text.trim();
  let n: number;
  if (RE_HEX.test(trimmed)) {
    n = parseInt(trimmed.replace(/0[xX]/, ""), 16);
  } else if (RE_INTEGER.test(trimmed)) {
    n = Number(trimmed.replaceAll("_", ""));
  } else if (!integer && RE_FLOAT.test(trimmed)) {
    return Number(trimmed);
  } else {
    return NOT_COERCIBLE;
  }
  // Integers beyond 2^53 would silently change; keep them as they are in a variant instead.
  return integer && !Number.isSafeInteger(n) ? NOT_COERCIBLE : n;
}

function toText(value: unknown): string | typeof NOT_COERCIBLE {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      // Large integers print in full, as Python's `str(int)` does.
      return Number.isInteger(value) && Math.abs(value) >= 1e21
        ? BigInt(value).toString()
        : String(value);
    case "boolean":
      // Python's `str(True)`: dlt writes booleans into text columns as `True` / `False`.
      return value ? "True" : "False";
    case "bigint":
      return value.toString();
    case "object":
      if (value instanceof Date) return toTimestamp(value);
      return JSON.stringify(value);
    default:
      return NOT_COERCIBLE;
  }
}

function toBigint(value: unknown): number | typeof NOT_COERCIBLE {
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) ? value : NOT_COERCIBLE;
    case "string":
      return textToNumber(value, true);
    case "bigint":
      return value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER
        ? Number(value)
        : NOT_COERCIBLE;
    default:
      return NOT_COERCIBLE;
  }
}

function toDouble(value: unknown): number | typeof NOT_COERCIBLE {
  switch (typeof value) {
    case "number":
      return value;
    case "string":
      return textToNumber(value, false);
    case "bigint":
      return Number(value);
    default:
      return NOT_COERCIBLE;
  }
}

function toDecimal(value: unknown): number | string | typeof NOT_COERCIBLE {
  switch (typeof value) {
    case "number":
      return value;
    case "string": {
      const trimmed = value.trim();
      if (RE_HEX.test(trimmed)) return parseInt(trimmed.replace(/0[xX]/, ""), 16);
      // Keep decimal text as it is: converting it to a double would lose digits.
      return RE_FLOAT.test(trimmed) || RE_INTEGER.test(trimmed)
        ? trimmed.replaceAll("_", "")
        : NOT_COERCIBLE;
    }
    case "bigint":
      return value.toString();
    default:
      return NOT_COERCIBLE;
  }
}

function toBool(value: unknown): boolean | typeof NOT_COERCIBLE {
  switch (typeof value) {
    case "boolean":
      return value;
    case "string": {
      const lower = value.toLowerCase();
      if (TRUE_STRINGS.has(lower)) return true;
      return FALSE_STRINGS.has(lower) ? false : NOT_COERCIBLE;
    }
    case "number":
      return value !== 0;
    case "bigint":
      return value !== 0n;
    default:
      return NOT_COERCIBLE;
  }
}

function epochSecondsToIso(seconds: number): string | typeof NOT_COERCIBLE {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? NOT_COERCIBLE : date.toISOString();
}

function toTimestamp(value: unknown): string | typeof NOT_COERCIBLE {
  switch (typeof value) {
    case "string":
      if (isIsoDatetime(value)) return value;
      // dlt reads a date as midnight UTC of that day.
      return isIsoDate(value) ? `${value}T00:00:00+00:00` : NOT_COERCIBLE;
    case "number":
      // Numbers are Unix timestamps in seconds, as in dlt.
      return epochSecondsToIso(value);
    case "object":
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
      return NOT_COERCIBLE;
    default:
      // Booleans are ints in Python and would become 1970-01-01T00:00:01; that helps nobody.
      return NOT_COERCIBLE;
  }
}

function toDate(value: unknown): string | typeof NOT_COERCIBLE {
  if (typeof value === "string") {
    if (isIsoDate(value)) return value;
    return isoDatetimeUtcDate(value) ?? NOT_COERCIBLE;
  }
  const timestamp = toTimestamp(value);
  return timestamp === NOT_COERCIBLE ? timestamp : timestamp.slice(0, 10);
}

function toJson(value: unknown): unknown {
  return typeof value === "object" && value !== null && !(value instanceof Date)
    ? value
    : NOT_COERCIBLE;
}

/**
 * Converts a non-null value into a column's type, as dlt's `coerce_value` does: numbers and
 * numeric text into `bigint`/`double`/`decimal` (integers only for `bigint`), anything into
 * `text` (json as JSON text, booleans as `True`/`False`), `str2bool` text and numbers into
 * `bool`, ISO strings and Unix seconds into `timestamp`/`date`. Results are what the writer
 * expects: numbers, strings (timestamps stay ISO strings) and JS values for `json`.
 *
 * @param toType The column's data type.
 * @param value A non-null value.
 * @returns The converted value, or {@linkcode NOT_COERCIBLE} when dlt would not convert it
 * (the value then belongs in a variant column).
 */
export function coerceValue(toType: DataType, value: unknown): unknown {
  switch (toType) {
    case "text":
      return toText(value);
    case "bigint":
      return toBigint(value);
    case "double":
      return toDouble(value);
    case "decimal":
      return toDecimal(value);
    case "bool":
      return toBool(value);
    case "timestamp":
      return toTimestamp(value);
    case "date":
      return toDate(value);
    case "json":
      return toJson(value);
    default: {
      const _exhaustive: never = toType;
      throw new InternalError(`coerceValue(): unknown data type "${toType}"`);
    }
  }
}
