import { equal, ok, throws } from "node:assert/strict";
import { InternalError } from "../errors.ts";
import { parseJson } from "../json/mod.ts";
import type { Column, DataType } from "../schema/mod.ts";
import { coerceValue, fitsDecimal, inferType, NOT_COERCIBLE, valueType } from "./infer.ts";

Deno.test("inferType() types JSON values like dlt", () => {
  equal(inferType("text"), "text");
  equal(inferType(1), "bigint");
  equal(inferType(-7), "bigint");
  equal(inferType(1.5), "double");
  equal(inferType(true), "bool");
  equal(inferType({ a: 1 }), "json");
  equal(inferType([1, 2]), "json");
  equal(inferType(new Date(0)), "timestamp");
  equal(inferType(10n), "bigint");
  equal(inferType(2n ** 70n), "decimal");
  equal(inferType(null), undefined);
  equal(inferType(undefined), undefined);
  equal(inferType(() => 1), undefined);
});

Deno.test("inferType() detects ISO datetimes but keeps dates as text", () => {
  equal(inferType("2024-01-02T03:04:05Z"), "timestamp");
  equal(inferType("2024-01-02T03:04:05.123+02:00"), "timestamp");
  equal(inferType("2024-01-02"), "text");
  equal(inferType("2024-13-02T03:04:05Z"), "text");
});

Deno.test("valueType() names the raw type, without timestamp detection", () => {
  equal(valueType("2024-01-02T03:04:05Z"), "text");
  equal(valueType(3), "bigint");
  equal(valueType(3.25), "double");
  equal(valueType([]), "json");
});

function coerces(toType: DataType, value: unknown, expected: unknown): void {
  equal(coerceValue(toType, value), expected, `${String(value)} into ${toType}`);
}

function rejects(toType: DataType, value: unknown): void {
  equal(coerceValue(toType, value), NOT_COERCIBLE, `${String(value)} into ${toType}`);
}

Deno.test("coerceValue() converts numbers and numeric text into bigint", () => {
  coerces("bigint", 5, 5);
  coerces("bigint", "123", 123);
  coerces("bigint", " -42 ", -42);
  coerces("bigint", "1_000", 1000);
  coerces("bigint", "0x1F", 31);
  coerces("bigint", 7n, 7);
  rejects("bigint", 1.5);
  rejects("bigint", "1.5");
  rejects("bigint", "abc");
  rejects("bigint", "");
  rejects("bigint", true);
  rejects("bigint", "99999999999999999999");
  rejects("bigint", { a: 1 });
});

Deno.test("coerceValue() converts numbers and numeric text into double", () => {
  coerces("double", 1, 1);
  coerces("double", 2.5, 2.5);
  coerces("double", "2.5", 2.5);
  coerces("double", "1e3", 1000);
  coerces("double", ".5", 0.5);
  rejects("double", "2.5.1");
  rejects("double", false);
  rejects("double", [1]);
});

Deno.test("coerceValue() keeps decimal text exact", () => {
  coerces("decimal", "12345678901234567890.123", "12345678901234567890.123");
  coerces("decimal", 1.25, 1.25);
  coerces("decimal", 2n ** 70n, "1180591620717411303424");
  rejects("decimal", "x");
});

Deno.test("coerceValue() writes anything into text the way dlt does", () => {
  coerces("text", "a", "a");
  coerces("text", 5, "5");
  coerces("text", 1.5, "1.5");
  coerces("text", 1e21, "1000000000000000000000");
  coerces("text", true, "True");
  coerces("text", false, "False");
  coerces("text", { a: [1] }, '{"a":[1]}');
  coerces("text", new Date(Date.UTC(2024, 0, 2)), "2024-01-02T00:00:00.000Z");
});

Deno.test("coerceValue() converts text and numbers into bool like dlt's str2bool", () => {
  coerces("bool", true, true);
  coerces("bool", "yes", true);
  coerces("bool", "True", true);
  coerces("bool", "1", true);
  coerces("bool", "n", false);
  coerces("bool", "FALSE", false);
  coerces("bool", 0, false);
  coerces("bool", 2, true);
  rejects("bool", "maybe");
  rejects("bool", { a: 1 });
});

Deno.test("coerceValue() converts ISO text and Unix seconds into timestamp", () => {
  coerces("timestamp", "2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z");
  coerces("timestamp", "2024-01-02", "2024-01-02T00:00:00+00:00");
  coerces("timestamp", 0, "1970-01-01T00:00:00.000Z");
  coerces("timestamp", 1700000000.5, "2023-11-14T22:13:20.500Z");
  rejects("timestamp", "yesterday");
  rejects("timestamp", true);
  rejects("timestamp", 1e20);
  rejects("timestamp", ["2024-01-02"]);
});

Deno.test("coerceValue() converts dates and datetimes into date", () => {
  coerces("date", "2024-01-02", "2024-01-02");
  coerces("date", "2024-01-02T01:00:00+02:00", "2024-01-01");
  coerces("date", 86400, "1970-01-02");
  rejects("date", "soon");
});

Deno.test("coerceValue() accepts only objects and lists into json", () => {
  const value = { a: 1 };
  equal(coerceValue("json", value), value);
  rejects("json", 2);
  rejects("json", "text");
  rejects("json", new Date());
});

Deno.test("coerceValue() throws InternalError on an unknown type", () => {
  throws(() => coerceValue("money" as DataType, 1), InternalError);
});

/** The JSON text the job writer gets for a coerced value. */
function written(toType: DataType, value: unknown, float = false): string | undefined {
  const coerced = coerceValue(toType, value, float);
  return coerced === NOT_COERCIBLE ? undefined : JSON.stringify(coerced);
}

Deno.test("inferType() types exact integers by size and whole floats as double", () => {
  equal(inferType(9007199254740993n), "bigint");
  equal(inferType(2n ** 63n - 1n), "bigint");
  equal(inferType(-(2n ** 63n)), "bigint");
  equal(inferType(2n ** 63n), "decimal");
  equal(inferType(-(2n ** 63n) - 1n), "decimal");
  equal(inferType(10n ** 38n - 1n), "decimal");
  equal(inferType(-(10n ** 38n) + 1n), "decimal");
  equal(inferType(10n ** 38n), "text");
  equal(inferType(1, true), "double");
  equal(inferType(0, true), "double");
  equal(inferType(1), "bigint");
  // A whole JS number past int64 (from a hook) is a double; it is not an exact integer.
  equal(inferType(2 ** 63), "double");
  equal(valueType(12345678901234567890n), "decimal");
  equal(valueType(1, true), "double");
});

Deno.test("coerceValue() puts exact integers into bigint only when int64 holds them", () => {
  // Past 2^53 as digits in a string, which DuckDB casts exactly.
  equal(written("bigint", 9007199254740993n), '"9007199254740993"');
  equal(written("bigint", 9223372036854775807n), '"9223372036854775807"');
  equal(written("bigint", -9223372036854775808n), '"-9223372036854775808"');
  equal(written("bigint", "9223372036854775807"), '"9223372036854775807"');
  equal(written("bigint", 9007199254740991n), "9007199254740991");
  equal(written("bigint", " -0x10 "), "-16");
  equal(written("bigint", 2 ** 62), String(2 ** 62));
  equal(written("bigint", 1, true), "1");
  rejects("bigint", 9223372036854775808n);
  rejects("bigint", "9223372036854775808");
  rejects("bigint", 2 ** 63);
  rejects("bigint", -(2 ** 64));
});

Deno.test("coerceValue() never rounds an integer into double, and writes specials exactly", () => {
  equal(written("double", 9007199254740992n), "9007199254740992");
  rejects("double", 9007199254740993n);
  rejects("double", "9007199254740993");
  rejects("double", 10n ** 400n);
  equal(written("double", Infinity), "1e400");
  equal(written("double", -Infinity), "-1e400");
  equal(written("double", "1e400"), "1e400");
  equal(written("double", NaN), '"NaN"');
  equal(written("double", -0, true), "-0.0");
  // Python's int 0 into a double column is 0.0: only a float keeps its sign.
  equal(written("double", -0), "0");
});

Deno.test("coerceValue() writes numbers into text as Python's str() does", () => {
  equal(written("text", 1, true), '"1.0"');
  equal(written("text", 1e16, true), '"1e+16"');
  equal(written("text", 1e-5), '"1e-05"');
  equal(written("text", Infinity), '"inf"');
  equal(written("text", 12345678901234567890n), '"12345678901234567890"');
  equal(
    written("text", parseJson('{"a":1.0,"b":9007199254740993}')),
    '"{\\"a\\":1.0,\\"b\\":9007199254740993}"',
  );
});

Deno.test("coerceValue() gives json values with exact numbers a raw copy", () => {
  const value = parseJson('{"a":[1.0,9007199254740993],"b":"x"}') as object;
  const coerced = coerceValue("json", value);
  equal(JSON.stringify(coerced), '{"a":[1.0,9007199254740993],"b":"x"}');
  // Unmarked values are kept as they are (no copy on the usual path).
  const plain = { a: 1 };
  equal(coerceValue("json", plain), plain);
});

Deno.test("fitsDecimal() checks integer digits against precision and scale", () => {
  const column = (precision?: number, scale?: number): Column => ({
    name: "d",
    data_type: "decimal",
    nullable: true,
    ...(precision === undefined ? {} : { precision }),
    ...(scale === undefined ? {} : { scale }),
  });
  ok(fitsDecimal(column(), 10n ** 28n));
  ok(!fitsDecimal(column(), 10n ** 29n));
  ok(fitsDecimal(column(38, 0), -(10n ** 38n - 1n)));
  ok(!fitsDecimal(column(38, 0), 10n ** 38n));
  ok(fitsDecimal(column(38, 0), "0099999999999999999999999999999999999999"));
  ok(!fitsDecimal(column(10, 2), "123456789"));
  ok(fitsDecimal(column(10, 2), 1.5));
});
