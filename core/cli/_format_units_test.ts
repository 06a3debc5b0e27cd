import { equal } from "node:assert/strict";
import { formatBytes, loadIdTime } from "./_format_units.ts";

Deno.test("formatBytes() prints sizes as dlt does", () => {
  equal(formatBytes(186), "186B");
  equal(formatBytes(12_345), "12.3kB");
  equal(formatBytes(4_500_000), "4.5MB");
});

Deno.test("loadIdTime() turns a load id into the time it stands for", () => {
  equal(loadIdTime("1749667187.541553"), "2025-06-11T18:39:47.541Z");
  equal(loadIdTime("not-a-load-id"), "");
});
