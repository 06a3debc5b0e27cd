import { deepStrictEqual, equal } from "node:assert/strict";
import { coerceValue, typeOfDefault } from "./_coerce.ts";

Deno.test("coerceValue() parses env strings as number literals", () => {
  deepStrictEqual(coerceValue("5", "number"), { ok: true, value: 5 });
  deepStrictEqual(coerceValue(" -1.5 ", "number"), { ok: true, value: -1.5 });
  deepStrictEqual(coerceValue("1e3", "number"), { ok: true, value: 1000 });
  deepStrictEqual(coerceValue("5x", "number"), { ok: false });
  deepStrictEqual(coerceValue("", "number"), { ok: false });
  deepStrictEqual(coerceValue(true, "number"), { ok: false });
});

Deno.test("coerceValue() parses dlt's boolean words in any case", () => {
  for (const word of ["true", "TRUE", "yes", "y", "t", "1"]) {
    deepStrictEqual(coerceValue(word, "boolean"), { ok: true, value: true });
  }
  for (const word of ["false", "No", "n", "f", "0"]) {
    deepStrictEqual(coerceValue(word, "boolean"), { ok: true, value: false });
  }
  deepStrictEqual(coerceValue("maybe", "boolean"), { ok: false });
});

Deno.test("coerceValue() parses JSON and TOML inline tables and arrays", () => {
  deepStrictEqual(coerceValue('{"a":1}', "object"), { ok: true, value: { a: 1 } });
  deepStrictEqual(coerceValue("[1, 2]", "object"), { ok: true, value: [1, 2] });
  const toml = coerceValue('{ a = 1, b = "x" }', "object");
  equal(toml.ok, true);
  deepStrictEqual({ ...(toml as { value: object }).value }, { a: 1, b: "x" });
  deepStrictEqual(coerceValue("{oops", "object"), { ok: false });
  deepStrictEqual(coerceValue("plain", "object"), { ok: false });
  deepStrictEqual(coerceValue({ a: 1 }, "object"), { ok: true, value: { a: 1 } });
});

Deno.test("coerceValue() turns numbers and booleans into text for string fields", () => {
  deepStrictEqual(coerceValue(123, "string"), { ok: true, value: "123" });
  deepStrictEqual(coerceValue(false, "string"), { ok: true, value: "false" });
  deepStrictEqual(coerceValue("5", "string"), { ok: true, value: "5" });
  deepStrictEqual(coerceValue({ a: 1 }, "string"), { ok: false });
});

Deno.test("typeOfDefault() infers the expected type from a default", () => {
  equal(typeOfDefault(5), "number");
  equal(typeOfDefault("x"), "string");
  equal(typeOfDefault(false), "boolean");
  equal(typeOfDefault([]), "object");
  equal(typeOfDefault({}), "object");
  equal(typeOfDefault(null), undefined);
  equal(typeOfDefault(undefined), undefined);
});
