import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { SecretMasker } from "../config/mod.ts";
import { defaultDeps } from "../deps.ts";
import { ConfigError } from "../errors.ts";
import type { DltxEvent } from "../events.ts";
import type { CliContext } from "./context.ts";
import { createProgress, progressMode } from "./progress.ts";
import { fakeClock, fakeStderr, screen } from "./_progress_testing.ts";

function context(isTerminal: boolean) {
  const stderr = fakeStderr(isTerminal);
  const stdout = fakeStderr(isTerminal);
  const masker = new SecretMasker();
  masker.add("s3cret-token");
  const ctx: CliContext = {
    args: [],
    env: {},
    cwd: ".",
    stdout,
    stderr,
    masker,
    deps: { ...defaultDeps, now: () => new Date("2024-05-01T10:00:00Z") },
  };
  return { ctx, stderr, stdout };
}

const EVENTS: DltxEvent[] = [
  { type: "stage", stage: "extract", status: "start" },
  {
    type: "request",
    resource: "items",
    method: "GET",
    url: "https://api.test/items?q=s3cret-token",
    status: 200,
    ms: 12,
    attempt: 1,
  },
  {
    type: "rate_limit_wait",
    resource: "items",
    url: "https://api.test/items",
    status: 429,
    seconds: 2,
    attempt: 1,
  },
  { type: "page", resource: "items", records: 2, pages: 1, recordsTotal: 2 },
  { type: "schema_change", table: "items", column: "id", dataType: "bigint" },
  { type: "stage", stage: "extract", status: "end", seconds: 0.5 },
  { type: "load_done", loadId: "1714557600.1", seconds: 0.7, rows: { items: 2 } },
];

Deno.test("progressMode() follows PROGRESS, else bar on a terminal and log off one", () => {
  equal(progressMode({}, true), "bar");
  equal(progressMode({}, false), "log");
  equal(progressMode({ TERM: "dumb" }, true), "log");
  equal(progressMode({ PROGRESS: "log" }, true), "log");
  equal(progressMode({ PROGRESS: "NONE" }, true), "none");
  equal(progressMode({ PROGRESS: "bar" }, false), "bar");
  equal(progressMode({ PROGRESS: "tqdm" }, true), "bar");
  equal(progressMode({ PROGRESS: "" }, false), "log");
  throws(() => progressMode({ PROGRESS: "fancy" }, true), (error) => {
    ok(error instanceof ConfigError);
    equal(error.message, 'PROGRESS must be bar, log or none, got "fancy"');
    return true;
  });
});

Deno.test("createProgress() in json format writes every event and message as a JSON line", () => {
  const { ctx, stderr, stdout } = context(true);
  const progress = createProgress(ctx, { mode: "bar", logFormat: "json" });
  for (const event of EVENTS) progress.sink(event);
  progress.logger.info("token s3cret-token loaded");
  progress.logger.debug("not at INFO");
  progress.stop();
  equal(stdout.writes.length, 0);
  ok(!stderr.text().includes("s3cret-token"));
  ok(!stderr.text().includes("\x1b"));
  const lines = stderr.text().trimEnd().split("\n").map((line) => JSON.parse(line));
  deepStrictEqual(lines.map((l) => l.event ?? l.level), [
    "stage",
    "request",
    "rate_limit_wait",
    "page",
    "schema_change",
    "stage",
    "load_done",
    "info",
  ]);
  deepStrictEqual(lines[1], {
    ts: "2024-05-01T10:00:00.000Z",
    event: "request",
    resource: "items",
    method: "GET",
    url: "https://api.test/items?q=***",
    status: 200,
    ms: 12,
    attempt: 1,
  });
  deepStrictEqual(lines[6].rows, { items: 2 });
  deepStrictEqual(lines[7], {
    ts: "2024-05-01T10:00:00.000Z",
    level: "info",
    message: "token *** loaded",
  });
});

Deno.test("createProgress() in json format with mode none writes messages only", () => {
  const { ctx, stderr } = context(false);
  const progress = createProgress(ctx, { mode: "none", logFormat: "json" });
  for (const event of EVENTS) progress.sink(event);
  progress.logger.warn("careful");
  deepStrictEqual(JSON.parse(stderr.text()).message, "careful");
});

Deno.test("createProgress() with mode none and text logs writes only log messages", () => {
  const { ctx, stderr } = context(false);
  const clock = fakeClock();
  const progress = createProgress(ctx, { mode: "none", logFormat: "text", clock });
  for (const event of EVENTS) progress.sink(event);
  clock.advance(60_000);
  progress.logger.warn("careful");
  progress.stop();
  deepStrictEqual(stderr.writes, ["warning: careful\n"]);
  equal(clock.pending, 0);
});

Deno.test("createProgress() --verbose adds a masked line per request", () => {
  const { ctx, stderr } = context(false);
  const progress = createProgress(ctx, { mode: "none", logFormat: "text", verbose: true });
  for (const event of EVENTS) progress.sink(event);
  progress.sink({ ...(EVENTS[1] as DltxEvent & { type: "request" }), status: 0, attempt: 3 });
  progress.stop();
  deepStrictEqual(stderr.writes, [
    "debug: GET https://api.test/items?q=*** -> 200 in 12 ms [items]\n",
    "debug: GET https://api.test/items?q=*** -> no response in 12 ms, attempt 3 [items]\n",
  ]);
});

Deno.test("createProgress() in bar mode logs above the bar and clears it on stop", () => {
  const { ctx, stderr, stdout } = context(true);
  const clock = fakeClock();
  const progress = createProgress(ctx, {
    mode: "bar",
    logFormat: "text",
    clock,
    columns: 100,
  });
  for (const event of EVENTS.slice(0, 5)) progress.sink(event);
  clock.advance(100);
  progress.logger.info("Resource items: detected paginator single_page");
  deepStrictEqual(screen(stderr.text()), [
    "Resource items: detected paginator single_page",
    "items: 1 pages, 2 records, 167 rows/s, table items",
  ]);
  progress.stop();
  deepStrictEqual(screen(stderr.text()), ["Resource items: detected paginator single_page"]);
  equal(stdout.writes.length, 0);
  equal(clock.pending, 0);
});

Deno.test("createProgress() in log mode writes lines at the interval", () => {
  const { ctx, stderr } = context(false);
  const clock = fakeClock();
  const progress = createProgress(ctx, { mode: "log", logFormat: "text", clock, intervalMs: 1000 });
  for (const event of EVENTS) progress.sink(event);
  clock.advance(1000);
  progress.stop();
  // A rate limit's wait is the client's log line about its host's pause, not one per request.
  deepStrictEqual(stderr.writes, [
    "items: 2 records, 1 pages | Time: 1.01s | Rate: 1.98/s\n",
  ]);
});

Deno.test("createProgress() turns itself off when stderr fails instead of throwing", () => {
  const { ctx } = context(false);
  let calls = 0;
  ctx.stderr = {
    isTerminal: false,
    write() {
      calls++;
      throw new Deno.errors.BrokenPipe("closed");
    },
  };
  const progress = createProgress(ctx, { mode: "log", logFormat: "json" });
  for (const event of EVENTS) progress.sink(event);
  equal(calls, 1);
});
