import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { DltxEvent } from "../events.ts";
import { BarRenderer } from "./_progress_bar.ts";
import { fakeClock, fakeStderr, screen } from "./_progress_testing.ts";

function page(resource: string, pages: number, recordsTotal: number): DltxEvent {
  return { type: "page", resource, records: 100, pages, recordsTotal };
}

function setup(columns = 120) {
  const clock = fakeClock();
  const stderr = fakeStderr();
  const bar = new BarRenderer(stderr, { clock, columns });
  return { clock, stderr, bar };
}

Deno.test("BarRenderer draws one line per resource with pages, records, rate and table", () => {
  const { clock, stderr, bar } = setup();
  bar.handle({ type: "stage", stage: "extract", status: "start" });
  bar.handle({
    type: "request",
    resource: "issues",
    method: "GET",
    url: "u",
    status: 200,
    ms: 5,
    attempt: 1,
  });
  clock.advance(500);
  bar.handle(page("issues", 1, 100));
  bar.handle({ type: "schema_change", table: "issues" });
  bar.handle({ type: "schema_change", table: "issues__labels", column: "name", dataType: "text" });
  clock.advance(100);
  deepStrictEqual(screen(stderr.text()), [
    "issues: 1 pages, 100 records, 198 rows/s, table issues__labels",
  ]);
  bar.handle(page("users", 1, 30));
  bar.handle(page("issues", 2, 200));
  clock.advance(100);
  deepStrictEqual(screen(stderr.text()), [
    "issues: 2 pages, 200 records, 331 rows/s, table issues__labels",
    "users: 1 pages, 30 records, 0 rows/s",
  ]);
  bar.stop();
});

Deno.test("BarRenderer redraws at most once per interval and only when the text changed", () => {
  const { clock, stderr, bar } = setup();
  for (let i = 1; i <= 50; i++) bar.handle(page("items", i, i * 100));
  equal(stderr.writes.length, 0);
  clock.advance(100);
  equal(stderr.writes.length, 1);
  clock.advance(1000);
  equal(stderr.writes.length, 1, "an unchanged frame is not written again");
  bar.stop();
});

Deno.test("BarRenderer shows a rate-limit wait counting down until the next request", () => {
  const { clock, stderr, bar } = setup();
  bar.handle(page("items", 1, 10));
  bar.handle({
    type: "rate_limit_wait",
    resource: "items",
    url: "u",
    status: 429,
    seconds: 3,
    attempt: 1,
  });
  clock.advance(100);
  match(screen(stderr.text())[0], /, waiting 3s \(rate limit\)$/);
  clock.advance(1500);
  match(screen(stderr.text())[0], /, waiting 2s \(rate limit\)$/);
  bar.handle({
    type: "request",
    resource: "items",
    method: "GET",
    url: "u",
    status: 200,
    ms: 1,
    attempt: 2,
  });
  clock.advance(100);
  ok(!screen(stderr.text())[0].includes("waiting"));
  bar.stop();
});

Deno.test("BarRenderer keeps log lines above the bar and erases the bar on stop", () => {
  const { clock, stderr, bar } = setup();
  bar.output.write("first message\n");
  bar.handle(page("items", 1, 10));
  clock.advance(100);
  bar.output.write("warning: slow\n");
  deepStrictEqual(screen(stderr.text()), [
    "first message",
    "warning: slow",
    "items: 1 pages, 10 records, 0 rows/s",
  ]);
  bar.handle({ type: "stage", stage: "extract", status: "end", seconds: 1 });
  bar.handle({ type: "stage", stage: "load", status: "start" });
  clock.advance(1200);
  deepStrictEqual(screen(stderr.text()).at(-1), "loading into the destination... 1.2s");
  bar.stop();
  deepStrictEqual(screen(stderr.text()), ["first message", "warning: slow"]);
  equal(clock.pending, 0, "the redraw timer is cleared");
  bar.stop(); // idempotent
  bar.output.write("after\n");
  deepStrictEqual(screen(stderr.text()), ["first message", "warning: slow", "after"]);
});

Deno.test("BarRenderer cuts lines to the terminal width", () => {
  const { clock, stderr, bar } = setup(30);
  bar.handle(page("a_resource_with_a_long_name", 1, 10));
  clock.advance(100);
  const [line] = screen(stderr.text());
  equal(line.length, 29);
  bar.stop();
});

function match(text: string, pattern: RegExp): void {
  ok(pattern.test(text), `${JSON.stringify(text)} does not match ${pattern}`);
}

Deno.test("BarRenderer shows requests in flight, the limit, and a host's rate-limit pause", () => {
  const { clock, stderr, bar } = setup(200);
  bar.handle({ type: "stage", stage: "extract", status: "start" });
  const answer = (inFlight: number, limit: number): DltxEvent => ({
    type: "request",
    resource: "items",
    method: "GET",
    url: "u",
    status: 200,
    ms: 1,
    attempt: 1,
    inFlight,
    limit,
  });
  bar.handle(answer(7, 8));
  clock.advance(100);
  equal(screen(stderr.text()).at(-1), "requests: 1 done, 7 in flight (limit 8)");
  bar.handle({
    type: "rate_limit_pause",
    host: "https://api.test",
    seconds: 3,
    reason: "429 Too Many Requests",
  });
  bar.handle(answer(3, 4));
  clock.advance(100);
  equal(
    screen(stderr.text()).at(-1),
    "requests: 2 done, 3 in flight (limit 4), https://api.test paused 3s (429 Too Many Requests)",
  );
  clock.advance(3000);
  equal(screen(stderr.text()).at(-1), "requests: 2 done, 3 in flight (limit 4)");
  bar.stop();
});

Deno.test("BarRenderer names the table on the line of the resource whose page added it", () => {
  const { clock, stderr, bar } = setup();
  bar.handle(page("issues", 1, 100));
  bar.handle(page("users", 1, 30));
  // The issues page is normalized after the users page arrived.
  bar.handle({ type: "schema_change", table: "issues", resource: "issues" });
  clock.advance(100);
  deepStrictEqual(screen(stderr.text()), [
    "issues: 1 pages, 100 records, 0 rows/s, table issues",
    "users: 1 pages, 30 records, 0 rows/s",
  ]);
  bar.stop();
});
