import { deepStrictEqual, equal } from "node:assert/strict";
import type { DltxEvent } from "../events.ts";
import { LogRenderer } from "./_progress_log.ts";
import { fakeClock, fakeStderr } from "./_progress_testing.ts";

function page(resource: string, pages: number, recordsTotal: number): DltxEvent {
  return { type: "page", resource, records: 10, pages, recordsTotal };
}

Deno.test("LogRenderer writes a line per moving resource at every interval", () => {
  const clock = fakeClock();
  const stderr = fakeStderr(false);
  const log = new LogRenderer(stderr, { clock, intervalMs: 5000 });
  log.handle(page("issues", 1, 100));
  clock.advance(2000);
  log.handle(page("issues", 2, 250));
  log.handle(page("users", 1, 5));
  equal(stderr.writes.length, 0, "nothing before the first interval");
  clock.advance(3000);
  deepStrictEqual(stderr.text().split("\n"), [
    "issues: 250 records, 2 pages | Time: 5.00s | Rate: 50.00/s",
    "users: 5 records, 1 pages | Time: 3.00s | Rate: 1.67/s",
    "",
  ]);
  // Only issues moved during the next interval.
  log.handle(page("issues", 3, 400));
  clock.advance(5000);
  deepStrictEqual(
    stderr.writes.at(-1),
    "issues: 400 records, 3 pages | Time: 10.00s | Rate: 40.00/s\n",
  );
  clock.advance(5000);
  equal(stderr.writes.length, 2, "resources that did not move are not repeated");
  log.stop();
  equal(clock.pending, 0);
});

Deno.test("LogRenderer writes each retry wait but a rate limit's at once, and nothing for a short run", () => {
  const clock = fakeClock();
  const stderr = fakeStderr(false);
  const log = new LogRenderer(stderr, { clock });
  log.handle({ type: "stage", stage: "extract", status: "start" });
  log.handle({
    type: "rate_limit_wait",
    resource: "items",
    url: "u",
    status: 429,
    seconds: 2,
    attempt: 1,
  });
  log.handle({ type: "rate_limit_wait", url: "u", status: 503, seconds: 1.5, attempt: 2 });
  log.handle(page("items", 1, 10));
  clock.advance(4000);
  log.stop();
  clock.advance(10_000);
  // The 429's wait is not repeated per request: the client logs its host's pause once.
  deepStrictEqual(stderr.writes, [
    "requests: waiting 1.5s (status 503) before attempt 3\n",
  ]);
});
