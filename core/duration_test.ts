import { equal } from "node:assert/strict";
import { formatDuration, formatSeconds } from "./duration.ts";

Deno.test("formatSeconds() prints dlt's two decimals", () => {
  equal(formatSeconds(0), "0.00");
  equal(formatSeconds(1.076), "1.08");
  equal(formatSeconds(12), "12.00");
  equal(formatSeconds(0.004), "0.00");
});

Deno.test("formatDuration() prints whole seconds bare and drops trailing zeros", () => {
  equal(formatDuration(3), "3s");
  equal(formatDuration(300), "300s");
  equal(formatDuration(1.5), "1.5s");
  equal(formatDuration(1.2), "1.2s");
  // A tenth past a second: 1.04 is "1s", not "1.0s".
  equal(formatDuration(1.04), "1s");
  equal(formatDuration(2.96), "3s");
});

Deno.test("formatDuration() keeps milliseconds under a second", () => {
  equal(formatDuration(0.5), "0.5s");
  equal(formatDuration(0.01), "0.01s");
  equal(formatDuration(0.25), "0.25s");
  equal(formatDuration(0.0123), "0.012s");
  equal(formatDuration(0), "0s");
});
