import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { isFloatToken, type Marked, NUMBER_MARKS } from "./number_marks.ts";
import { parseJson, parseJsonExact } from "./parse_json.ts";
import {
  expectedValue,
  mark,
  prng,
  randomSpec,
  type Spec,
  visible,
  writeSpec,
} from "./_testing.ts";

function marks(value: unknown): string[] | undefined {
  return (value as Marked)[NUMBER_MARKS];
}

Deno.test("parseJson() reads every edge token as Python does", () => {
  const cases: [string, unknown, boolean][] = [
    ["9007199254740993", 9007199254740993n, false],
    ["1234567890123456789", 1234567890123456789n, false],
    ["9223372036854775807", 9223372036854775807n, false],
    ["-9223372036854775808", -9223372036854775808n, false],
    [
      "123456789012345678901234567890123456789012",
      123456789012345678901234567890123456789012n,
      false,
    ],
    ["9007199254740991", 9007199254740991, false],
    ["-0", -0, false],
    ["0.1", 0.1, false],
    ["1.0", 1, true],
    ["-0.0", -0, true],
    ["1e3", 1000, true],
    ["100e-2", 1, true],
    ["1e-400", 0, true],
    ["0.99999999999999999", 1, true],
    ["1e400", Infinity, false],
    ["-1e400", -Infinity, false],
  ];
  for (const [token, value, float] of cases) {
    const record = parseJson(`{"v": ${token}, "s": "${token}"}`) as Record<string, unknown>;
    equal(record.v, value, token);
    equal(isFloatToken(record, "v"), float, token);
    // The same digits inside a string stay text.
    equal(record.s, token);
  }
});

Deno.test("parseJson() leaves texts without risky numbers as JSON.parse reads them, unmarked", () => {
  const text =
    '{"id": 1000000005, "score": 0.25, "when": "2024-01-01T10:00:00.000Z", "l": [1, -0]}';
  const value = parseJson(text);
  deepEqual(value, JSON.parse(text));
  equal(marks(value), undefined);
});

Deno.test("parseJson() marks holders up to the root and lists float keys in property order", () => {
  const value = parseJson('{"b": {"c": [1, 2.0, 3]}, "2": 1.0, "1": 9007199254740993, "x": "y"}');
  const record = value as Record<string, Record<string, unknown[]>>;
  deepEqual(marks(record), ["2"]);
  deepEqual(marks(record.b), []);
  deepEqual(marks(record.b.c), ["1"]);
  equal(record["1"] as unknown, 9007199254740993n);
});

Deno.test("visible() shows the marks, so the tests below can see them", () => {
  notDeepEqual(visible(parseJson("[1.0]")), visible(parseJson("[1]")));
  notDeepEqual(visible(parseJson("[[9007199254740993]]")), visible([[9007199254740992]]));
});

Deno.test("parseJson() and parseJsonExact() give exactly the generated values", () => {
  const rand = prng(99);
  for (let n = 0; n < 3000; n++) {
    const spec: Spec = randomSpec(rand, 4);
    const text = writeSpec(spec, rand);
    const expected = expectedValue(spec);
    deepEqual(visible(parseJson(text)), visible(expected), text);
    deepEqual(visible(parseJsonExact(text)), visible(expected), text);
  }
});

Deno.test("parseJson() marks infinite floats but not bigints, on either path", () => {
  // The second text has \u0000, so it takes the reviver.
  for (const extra of ["", ', "z": "\\u0000"']) {
    const value = parseJson(
      `{"id": 9007199254740993, "u": {"n": [12345678901234567890]}, "f": {"x": 1e400}${extra}}`,
    ) as Record<string, Record<string, unknown>>;
    equal(value.id as unknown, 9007199254740993n, extra);
    deepEqual(value.u.n, [12345678901234567890n], extra);
    equal(marks(value.u), undefined, extra);
    equal(marks(value.u.n), undefined, extra);
    equal(value.f.x, Infinity, extra);
    deepEqual(marks(value.f), [], extra);
    deepEqual(marks(value), [], extra);
  }
});

Deno.test("parseJson() keeps JSON.parse's semantics for duplicate keys and `__proto__`", () => {
  const dup = parseJson('{"a": 1.0, "a": 12345678901234567890, "b": 2.0, "b": 3}') as Marked;
  // The later values win; the floats they replaced leave no marks (bigints need none).
  deepEqual(visible(dup), visible({ a: 12345678901234567890n, b: 3 }));
  const proto = parseJson('{"__proto__": 9007199254740993}') as Record<string, unknown>;
  ok(Object.hasOwn(proto, "__proto__"));
  equal(Object.getOwnPropertyDescriptor(proto, "__proto__")?.value, 9007199254740993n);
  equal(Object.getPrototypeOf(proto), Object.prototype);
});

Deno.test("parseJson() takes the reviver for texts with \\u0000 and reads them the same", () => {
  const text = '{"s": "\\u0000 1.0", "n": [1.0, 12345678901234567890], "t": "\\u00001.0"}';
  const value = parseJson(text) as Record<string, unknown>;
  equal(value.s, "\u0000 1.0");
  equal(value.t, "\u00001.0");
  deepEqual(
    visible(value.n),
    visible(mark([1, 12345678901234567890n], ["0"])),
  );
});

Deno.test("parseJson() throws JSON.parse's own error for text that is not JSON", () => {
  const rand = prng(3);
  let invalid = 0;
  for (let n = 0; n < 3000; n++) {
    const text = writeSpec(randomSpec(rand, 3), rand);
    // One character deleted, replaced or inserted somewhere.
    const at = Math.floor(rand() * (text.length + 1));
    const chars = '0123456789.eE+-,:[]{}" \\tn';
    const insert = chars[Math.floor(rand() * chars.length)];
    const mutated = [
      text.slice(0, at) + text.slice(at + 1),
      text.slice(0, at) + insert + text.slice(at + 1),
      text.slice(0, at) + insert + text.slice(at),
    ][Math.floor(rand() * 3)];
    let expected: unknown;
    try {
      JSON.parse(mutated);
    } catch (err) {
      expected = err;
    }
    if (expected === undefined) {
      parseJson(mutated);
      parseJsonExact(mutated);
      continue;
    }
    invalid++;
    const same = (err: unknown) =>
      err instanceof SyntaxError && err.message === (expected as Error).message;
    throws(() => parseJson(mutated), same, mutated);
    throws(() => parseJsonExact(mutated), same, mutated);
  }
  ok(invalid > 1000, `invalid texts: ${invalid}`);
});

Deno.test("parseJson() reads tokens exactly next to look-alikes in strings (embedded JSON, lists in text)", () => {
  const text = JSON.stringify({
    payload: '{"id": 12345678901234567890, "v": 1.0}',
    note: "ids, 12345678901234567891, and [2.0]",
  }).slice(0, -1) + ', "id": 12345678901234567892, "v": [1.0, 2.5e3, 3]}';
  const value = parseJson(text) as Record<string, unknown>;
  equal(value.payload, '{"id": 12345678901234567890, "v": 1.0}');
  equal(value.note, "ids, 12345678901234567891, and [2.0]");
  equal(value.id, 12345678901234567892n);
  deepEqual(visible(value.v), visible(mark([1, 2500, 3], ["0", "1"])));
  deepEqual(visible(parseJsonExact(text)), visible(value));
});
