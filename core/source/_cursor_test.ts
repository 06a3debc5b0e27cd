import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { compareCursors, type Cursor, describeCursor, lagValue, readCursor } from "./_cursor.ts";

function cursor(value: unknown): Cursor {
  const c = readCursor(value);
  ok(c, `not a cursor: ${String(value)}`);
  return c;
}

function cmp(a: unknown, b: unknown): number {
  return Math.sign(compareCursors(cursor(a), cursor(b)));
}

Deno.test("readCursor() reads timestamps as instants, whatever their offset", () => {
  equal(cmp("2024-01-01T10:00:00+02:00", "2024-01-01T09:00:00Z"), -1);
  equal(cmp("2024-01-01T10:00:00+02:00", "2024-01-01T08:00:00Z"), 0);
  equal(cmp("2024-01-01T08:00:00", "2024-01-01T08:00:00Z"), 0); // naive means UTC
  equal(cmp("2024-01-01 08:00:00.5-0130", "2024-01-01T09:30:00.500Z"), 0);
  equal(cmp("2024-01-01", "2024-01-01T00:00:00Z"), 0);
  equal(cmp(new Date("2024-01-01T00:00:01Z"), "2024-01-01T00:00:00Z"), 1);
  // a string sort would get these wrong
  equal(cmp("2024-01-02T00:00:00+05:00", "2024-01-01T20:00:00Z"), -1);
  equal(cmp("0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z"), -1);
  equal(cmp("2024-01-01T10:00+02", "2024-01-01T08:00:00.000000Z"), 0);
  equal(cmp("2024-01-01T10:00:00.5", "2024-01-01T10:00:00,500"), 0);
});

Deno.test("readCursor() takes only dlt's ISO forms for timestamps, the rest for strings", () => {
  // The same rules as type inference (core/iso_timestamp.ts): dates that do not exist, a
  // lower-case `t` or `z`, a space before the zone are text, not instants.
  for (
    const text of [
      "2024-02-31",
      "2023-02-29T00:00:00Z",
      "2024-04-31T10:00:00Z",
      "0000-01-01",
      "2024-01-01t10:00:00Z",
      "2024-01-01T10:00:00z",
      "2024-01-01T10:00:00 Z",
      "2024-01-01T10:00:00 +02:00",
      "2024-01-01T24:00:00Z",
    ]
  ) equal(cursor(text).kind, "string", text);
  equal(cursor("2024-02-29").kind, "timestamp");
  equal(cursor("2024-01-01 10:00:00,5+0200").kind, "timestamp");
  equal(lagValue("2024-02-31", 1, "max"), undefined);
});

Deno.test("readCursor() keeps microseconds and nanoseconds apart", () => {
  equal(cmp("2024-01-01T00:00:00.123456Z", "2024-01-01T00:00:00.123457Z"), -1);
  equal(cmp("2024-01-01T00:00:00.123456789Z", "2024-01-01T00:00:00.123456789Z"), 0);
  equal(cmp("2024-01-01T00:00:00.1Z", "2024-01-01T00:00:00.100000Z"), 0);
});

Deno.test("readCursor() tells numbers, timestamps and other strings apart", () => {
  equal(cursor(10).kind, "number");
  equal(cmp(9, 10), -1); // not "9" > "10"
  equal(cursor("2024-01-01T00:00:00Z").kind, "timestamp");
  equal(cursor("2024-13-01").kind, "string");
  equal(cursor("abc").kind, "string");
  equal(cmp("b", "a"), 1);
  equal(readCursor(true), undefined);
  equal(readCursor({ a: 1 }), undefined);
  equal(readCursor(Number.NaN), undefined);
});

Deno.test("lagValue() moves a value back, keeping its format", () => {
  equal(lagValue("2024-05-01T10:00:00Z", 3600, "max"), "2024-05-01T09:00:00Z");
  equal(lagValue("2024-05-01T10:00:00+02:00", 90, "max"), "2024-05-01T09:58:30+02:00");
  equal(lagValue("2024-05-01 00:00:00.250000", 0.5, "max"), "2024-04-30 23:59:59.750000");
  equal(lagValue("2024-05-01T10:00:00Z", 60, "min"), "2024-05-01T10:01:00Z");
  equal(lagValue("2024-03-01", 1, "max"), "2024-02-29"); // date-only: days
  equal(lagValue("2024-03-01", 1.5, "max"), "2024-02-28");
  equal(lagValue(100, 10, "max"), 90);
  equal(lagValue(100, 2.5, "max"), 97);
  equal(lagValue(1.5, 1, "min"), 2.5);
  deepStrictEqual(
    lagValue(new Date("2024-01-01T00:00:10Z"), 10, "max"),
    new Date("2024-01-01T00:00:00Z"),
  );
  equal(lagValue("abc", 1, "max"), undefined);
});

Deno.test("describeCursor() names the value and its kind", () => {
  equal(describeCursor("2024-01-01"), '"2024-01-01" (a timestamp)');
  equal(describeCursor(3), "3 (a number)");
  equal(describeCursor(true), "true (a boolean)");
  equal(describeCursor({ a: 1 }), '{"a":1} (an object)');
  equal(describeCursor(undefined), "nothing");
});

Deno.test("cursors past 2^53 compare exactly, with each other and with numbers", () => {
  equal(cmp(9007199254740993n, 9007199254740992), 1);
  equal(cmp(9007199254740992, 9007199254740993n), -1);
  equal(cmp(9007199254740992n, 9007199254740992), 0);
  equal(cmp(12345678901234567890n, 12345678901234567891n), -1);
  equal(cmp(5n, 4.5), 1);
  equal(describeCursor(9007199254740993n), "9007199254740993 (a number)");
});

Deno.test("lagValue() moves an exact integer by whole units, never less than the lag", () => {
  equal(lagValue(9007199254740993n, 10, "max"), 9007199254740983n);
  equal(lagValue(9007199254740993n, 1.5, "max"), 9007199254740991n);
  equal(lagValue(9007199254740993n, 1.5, "min"), 9007199254740995n);
});
