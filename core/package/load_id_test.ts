import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { compareLoadIds, newLoadId } from "./load_id.ts";

Deno.test("newLoadId() formats seconds with 6 decimals", () => {
  match(newLoadId(new Date(1749667187541)), /^1749667187\.541\d{3}$/);
});

Deno.test("newLoadId() is unique and increasing even with a frozen clock", () => {
  const now = new Date(1800000000000);
  const ids = Array.from({ length: 1000 }, () => newLoadId(now));
  equal(new Set(ids).size, ids.length);
  for (let i = 1; i < ids.length; i++) ok(compareLoadIds(ids[i - 1], ids[i]) < 0);
});

Deno.test("compareLoadIds() orders by time", () => {
  const ids = ["1749667187.541553", "999999999.9", "1749667187.54", "1749667188.000001"];
  deepStrictEqual(ids.sort(compareLoadIds), [
    "999999999.9",
    "1749667187.54",
    "1749667187.541553",
    "1749667188.000001",
  ]);
  equal(compareLoadIds("1.5", "1.500"), 0);
});
