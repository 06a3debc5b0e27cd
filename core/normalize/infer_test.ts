import { equal, throws } from "node:assert/strict";
import { InternalError } from "../errors.ts";
import type { DataType } from "../schema/mod.ts";
import { coerceValue, inferType, NOT_COERCIBLE, valueType } from "./infer.ts";

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
