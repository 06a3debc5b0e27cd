/**
 * Type inference and coercion of JSON values, following dlt: a column is typed by its first
 * non-null value; later values are converted into the column's type when dlt's `coerce_value`
 * would convert them (`"123"` into `bigint`), and go to a variant column otherwise.
 *
 * Numbers are exact, as in Python: a `bigint` value (an integer past 2^53, see `parseJson`) is
 * a `bigint` while it fits int64, a `decimal` up to 38 digits and `text` beyond, and is never
 * rounded into a column; a whole number the JSON text wrote as a float (`1.0`, passed as
 * `float`) is a `double`. Integers a JS number cannot hold go into `bigint` and `decimal`
 * columns as their digits in a string (DuckDB casts them exactly, and a row stringifies much
 * faster with a string than with a raw JSON number); infinities and -0.0 into `double` columns
 * as raw JSON numbers (`rawNumber`).
 *
 * @module
 */

import { InternalError } from "../errors.ts";
import {
  floatText,
  type Marked,
  NUMBER_MARKS,
  rawNumber,
  stringifyJson,
  withRawNumbers,
} from "../json/mod.ts";
import {
  type Column,
  type DataType,
  DEFAULT_DECIMAL_PRECISION,
  DEFAULT_DECIMAL_SCALE,
} from "../schema/mod.ts";
import { isIsoDate, isIsoDatetime, isoDatetimeUtcDate } from "../iso_timestamp.ts";

/** Returned by {@linkcode coerceValue} when a value does not fit the column type. */
export const NOT_COERCIBLE: unique symbol = Symbol("not coercible");

/** 2^63: int64 holds the integers from -2^63 to 2^63 - 1. */
const TWO_63 = 2 ** 63;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL_38_MAX = 10n ** 38n - 1n;

/** The type of an exact integer: `bigint` within int64, `decimal` to 38 digits, else `text`. */
function integerType(value: bigint): DataType {
  if (value >= INT64_MIN && value <= INT64_MAX) return "bigint";
  return value >= -DECIMAL_38_MAX && value <= DECIMAL_38_MAX ? "decimal" : "text";
}

/**
 * The data type of a value as it arrives, before any detection (dlt's `py_type_to_sc_type`):
 * it names variant columns (`id__v_text`). Integers are `bigint` (exact integers past int64
 * `decimal`, past 38 digits `text`), other numbers `double`, objects and arrays `json`; `Date`
 * objects are `timestamp`.
 *
 * @param value A JSON value (or a value a connector hook produced).
 * @param float Whether the JSON text had the number as a float (`1.0`): then it is `double`.
 * @returns The type, or `undefined` for `null`, `undefined` and values that cannot be stored.
 */
export function valueType(value: unknown, float = false): DataType | undefined {
  switch (typeof value) {
    case "string":
      return "text";
    case "number":
      // A whole JS number past int64 (from a hook) is a double: that is what it is in JS.
      return Number.isInteger(value) && !float && value < TWO_63 && value >= -TWO_63
        ? "bigint"
        : "double";
    case "boolean":
      return "bool";
    case "bigint":
      return integerType(value);
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
 * @param float Whether the JSON text had the number as a float (`1.0`).
 * @returns The inferred type, or `undefined` when the value cannot be stored.
 */
export function inferType(value: unknown, float = false): DataType | undefined {
  if (typeof value === "string") return isIsoDatetime(value) ? "timestamp" : "text";
  return valueType(value, float);
}

/** Marks a new `decimal` column made for integers past int64: `decimal(38,0)` holds them all. */
export function setIntegerDecimal(column: Column): void {
  column.precision = DEFAULT_DECIMAL_PRECISION;
  column.scale = 0;
}

/**
 * Whether an integer value (a bigint or integer text) has few enough digits for a `decimal`
 * column's precision and scale; other values are not checked here.
 */
export function fitsDecimal(column: Column, value: unknown): boolean {
  let digits: number;
  if (typeof value === "bigint") digits = (value < 0n ? -value : value).toString().length;
  else if (typeof value === "string" && RE_INTEGER.test(value.trim())) {
    digits = value.trim().replace(/^[+-]/, "").replaceAll("_", "").replace(/^0+(?=\d)/, "")
      .length;
  } else return true;
  const precision = column.precision ?? DEFAULT_DECIMAL_PRECISION;
  return digits <= precision - (column.scale ?? DEFAULT_DECIMAL_SCALE);
}

const RE_INTEGER = /^[+-]?\d+(?:_\d+)*$/;
const RE_HEX = /^[+-]?0[xX][0-9a-fA-F]+$/;
const RE_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// dlt's `str2bool`.
const TRUE_STRINGS = new Set(["yes", "true", "t", "y", "1"]);
const FALSE_STRINGS = new Set(["no", "false", "f", "n", "0"]);

/** An int64 value as the writer wants it: a number when safe, else its digits as text. */
function int64Value(value: bigint): number | string | typeof NOT_COERCIBLE {
  if (value < INT64_MIN || value > INT64_MAX) return NOT_COERCIBLE;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value.toString();
}

/** Integer text (decimal or `0x` hex, `_` separators) as an exact bigint, or undefined. */
function textToInteger(trimmed: string): bigint | undefined {
  if (RE_HEX.test(trimmed)) {
    const negative = trimmed.startsWith("-");
    const digits = BigInt(trimmed.replace(/^[+-]/, ""));
    return negative ? -digits : digits;
  }
  return RE_INTEGER.test(trimmed) ? BigInt(trimmed.replaceAll("_", "")) : undefined;
}

function toText(value: unknown, float: boolean): string | typeof NOT_COERCIBLE {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      // Python's `str()`: integers in full, floats (`1.0` too) as `repr()` writes them.
      if (Number.isInteger(value) && !float) {
        return Math.abs(value) >= 1e21 ? BigInt(value).toString() : String(value);
      }
      return floatText(value);
    case "boolean":
      // Python's `str(True)`: dlt writes booleans into text columns as `True` / `False`.
      return value ? "True" : "False";
    case "bigint":
      return value.toString();
    case "object":
      if (value instanceof Date) return toTimestamp(value);
      return stringifyJson(value);
    default:
      return NOT_COERCIBLE;
  }
}

function toBigint(value: unknown): number | string | typeof NOT_COERCIBLE {
  switch (typeof value) {
    case "number":
      // Whole values only (`1.0` too, as dlt's `int(1.0)`), and only those int64 holds.
      return Number.isInteger(value) && value < TWO_63 && value >= -TWO_63 ? value : NOT_COERCIBLE;
    case "string": {
      const integer = textToInteger(value.trim());
      return integer === undefined ? NOT_COERCIBLE : int64Value(integer);
    }
    case "bigint":
      return int64Value(value);
    default:
      return NOT_COERCIBLE;
  }
}

/**
 * A double as the writer wants it: a finite number as it is; -0.0 (a float) and infinities
 * (`1e400`) as raw JSON, which JSON.stringify would write as `0` and `null`; NaN as text, which
 * DuckDB reads as NaN.
 */
function doubleValue(value: number, float: boolean): number | object | string {
  if (Number.isFinite(value)) {
    return value === 0 && 1 / value < 0 ? (float ? rawNumber("-0.0") : 0) : value;
  }
  if (Number.isNaN(value)) return "NaN";
  return rawNumber(value > 0 ? "1e400" : "-1e400");
}

function toDouble(value: unknown, float: boolean): number | object | string | typeof NOT_COERCIBLE {
  switch (typeof value) {
    case "number":
      return doubleValue(value, float);
    case "string": {
      const trimmed = value.trim();
      const integer = textToInteger(trimmed);
      if (integer !== undefined) return toDouble(integer, false);
      return RE_FLOAT.test(trimmed) ? doubleValue(Number(trimmed), true) : NOT_COERCIBLE;
    }
    case "bigint": {
      // Only integers a double holds exactly; others keep their digits in a variant column.
      const n = Number(value);
      return Number.isFinite(n) && BigInt(n) === value ? n : NOT_COERCIBLE;
    }
    default:
      return NOT_COERCIBLE;
  }
}

function toDecimal(value: unknown): number | string | typeof NOT_COERCIBLE {
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? value : NOT_COERCIBLE;
    case "string": {
      const trimmed = value.trim();
      if (RE_HEX.test(trimmed)) return toDecimal(textToInteger(trimmed)!);
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
  if (typeof value !== "object" || value === null || value instanceof Date) return NOT_COERCIBLE;
  // Marked values hold bigints or floats like 1.0: a copy with raw numbers writes them exactly.
  return (value as Marked)[NUMBER_MARKS] === undefined ? value : withRawNumbers(value);
}

/**
 * Converts a non-null value into a column's type, as dlt's `coerce_value` does: numbers and
 * numeric text into `bigint`/`double`/`decimal` (integers only for `bigint`), anything into
 * `text` (json as JSON text, booleans as `True`/`False`, floats as Python writes them),
 * `str2bool` text and numbers into `bool`, ISO strings and Unix seconds into
 * `timestamp`/`date`. Never rounds: an integer that does not fit int64 into `bigint`, or that
 * a double cannot hold into `double`, is not converted. Results are what the writer expects:
 * numbers, strings (timestamps stay ISO strings; integers past 2^53 are their digits), raw
 * JSON numbers for infinities and -0.0, and JS values for `json`.
 *
 * @param toType The column's data type.
 * @param value A non-null value.
 * @param float Whether the JSON text had the number as a float (`1.0`).
 * @returns The converted value, or {@linkcode NOT_COERCIBLE} when dlt would not convert it
 * (the value then belongs in a variant column).
 */
export function coerceValue(toType: DataType, value: unknown, float = false): unknown {
  switch (toType) {
    case "text":
      return toText(value, float);
    case "bigint":
      return toBigint(value);
    case "double":
      return toDouble(value, float);
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
