import { deepStrictEqual } from "node:assert/strict";
import type { Output } from "./context.ts";
import { stderrLogger } from "./logger.ts";

function fakeStderr(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { isTerminal: false, lines, write: (text) => lines.push(text) };
}

Deno.test("stderrLogger() writes text lines from the level on, masked", () => {
  const stderr = fakeStderr();
  const logger = stderrLogger(stderr, {
    level: "info",
    mask: (t) => t.replaceAll("s3cret", "***"),
  });
  logger.debug("hidden");
  logger.info("token s3cret used");
  logger.warn("slow");
  deepStrictEqual(stderr.lines, ["token *** used\n", "warning: slow\n"]);
});

Deno.test("stderrLogger() with format json writes one parseable object per message", () => {
  const stderr = fakeStderr();
  const logger = stderrLogger(stderr, {
    level: "DEBUG",
    format: "json",
    mask: (t) => t.replaceAll("s3cret", "***"),
    now: () => new Date("2024-05-01T10:00:00Z"),
  });
  logger.debug('GET "x" s3cret');
  logger.info("done");
  logger.warn("slow\nAPI");
  deepStrictEqual(stderr.lines.map((line) => JSON.parse(line)), [
    { ts: "2024-05-01T10:00:00.000Z", level: "debug", message: 'GET "x" ***' },
    { ts: "2024-05-01T10:00:00.000Z", level: "info", message: "done" },
    { ts: "2024-05-01T10:00:00.000Z", level: "warning", message: "slow\nAPI" },
  ]);
  deepStrictEqual(stderr.lines.every((line) => line.endsWith("}\n")), true);
});

Deno.test("stderrLogger() treats an unknown level as INFO", () => {
  const stderr = fakeStderr();
  const logger = stderrLogger(stderr, { level: "chatty" });
  logger.debug("hidden");
  logger.info("shown");
  deepStrictEqual(stderr.lines, ["shown\n"]);
});
