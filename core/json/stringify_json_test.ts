import { deepEqual, equal, throws } from "node:assert/strict";
import { floatText } from "./float_text.ts";
import { parseJson } from "./parse_json.ts";
import { rawNumber, stringifyJson, withRawNumbers } from "./stringify_json.ts";
import {
  EDGE_TOKENS,
  expectedValue,
  mark,
  prng,
  randomSpec,
  type Spec,
  visible,
  writeSpec,
} from "./_testing.ts";

Deno.test("stringifyJson() writes parsed numbers back as Python would read them", () => {
  const text = '{"id":9007199254740993,"f":1.0,"e":1e3,"big":1e400,"neg":-1e400,"z":-0.0,' +
    '"l":[1.0,2,0.1],"n":{"x":123456789012345678901234567890123456789012},"s":"1.0"}';
  equal(
    stringifyJson(parseJson(text)),
    '{"id":9007199254740993,"f":1.0,"e":1000.0,"big":1e400,"neg":-1e400,"z":-0.0,' +
      '"l":[1.0,2,0.1],"n":{"x":123456789012345678901234567890123456789012},"s":"1.0"}',
  );
});

Deno.test("stringifyJson() round-trips every generated value through parseJson()", () => {
  const rand = prng(11);
  for (let n = 0; n < 2000; n++) {
    // In a list: a top-level whole float has no holder to carry its mark.
    const spec: Spec = { kind: "array", items: [randomSpec(rand, 4)] };
    const value = parseJson(writeSpec(spec, rand));
    deepEqual(visible(parseJson(stringifyJson(value))), visible(expectedValue(spec)));
  }
});

Deno.test("stringifyJson() handles bigints without marks (made by hooks) and keeps errors", () => {
  equal(stringifyJson({ a: [1n, { b: -5n }] }), '{"a":[1,{"b":-5}]}');
  equal(stringifyJson(12345678901234567890n), "12345678901234567890");
  equal(stringifyJson({ a: 1 }, 2), '{\n  "a": 1\n}');
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  throws(() => stringifyJson(circular), TypeError);
});

Deno.test("stringifyJson() keeps dates, raw numbers and `__proto__` keys", () => {
  const when = new Date("2024-01-01T00:00:00Z");
  const value = JSON.parse('{"__proto__": {"x": 1}}');
  value.when = when;
  value.raw = rawNumber("1.0");
  value.big = 10n;
  equal(
    stringifyJson(value),
    '{"__proto__":{"x":1},"when":"2024-01-01T00:00:00.000Z","raw":1.0,"big":10}',
  );
  equal(Object.getPrototypeOf(withRawNumbers(value)), Object.prototype);
});

Deno.test("withRawNumbers() leaves NaN to JSON.stringify's null and does not change its input", () => {
  const input = mark([NaN, Infinity, 1], ["2"]);
  equal(JSON.stringify(withRawNumbers(input)), "[null,1e400,1.0]");
  equal(input[1], Infinity);
});

Deno.test("floatText() writes floats as Python's repr (values checked against CPython 3)", () => {
  const cases: [number, string][] = [
    [1, "1.0"],
    [-0, "-0.0"],
    [0, "0.0"],
    [0.1, "0.1"],
    [1e-4, "0.0001"],
    [1e-5, "1e-05"],
    [1.5e-7, "1.5e-07"],
    [-2.5e-10, "-2.5e-10"],
    [123.456, "123.456"],
    [100, "100.0"],
    [1e15, "1000000000000000.0"],
    [1e16, "1e+16"],
    [12345678901234567, "1.2345678901234568e+16"],
    [0.1 + 0.2, "0.30000000000000004"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [NaN, "nan"],
  ];
  for (const [value, text] of cases) equal(floatText(value), text, String(value));
});

Deno.test("floatText() reads back as the same double for every edge token", () => {
  for (const token of EDGE_TOKENS) {
    const value = Number(token);
    if (Number.isFinite(value)) equal(Number(floatText(value)), value, token);
  }
});
