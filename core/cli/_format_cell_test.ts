import { deepStrictEqual, equal } from "node:assert/strict";
import { cellText, columnsOf } from "./_format_cell.ts";

Deno.test("cellText() prints dates as ISO, objects as JSON and bigints exactly", () => {
  equal(cellText(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), "2024-01-02T03:04:05.000Z");
  equal(cellText({ a: [1, 2] }), '{"a":[1,2]}');
  equal(cellText(12345678901234567890n), "12345678901234567890");
  equal(cellText({ big: 12345678901234567890n }), '{"big":12345678901234567890}');
  equal(cellText(true), "true");
  equal(cellText(null), "NULL");
  equal(cellText(undefined, ""), "");
});

Deno.test("columnsOf() unites the keys of all rows in order of first appearance", () => {
  deepStrictEqual(columnsOf([{ a: 1 }, { b: 2, a: 3 }, { c: 4 }]), ["a", "b", "c"]);
});
