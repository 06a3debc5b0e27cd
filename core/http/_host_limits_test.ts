import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import type { Deps } from "../deps.ts";
import { HttpError } from "../errors.ts";
import type { DltxEvent } from "../events.ts";
import { memoryLogger } from "../log.ts";
import { HostLimits, type HostLimitsOptions } from "./_host_limits.ts";

const ORIGIN = "https://api.test";

/** Limits over a fake clock: a sleep moves the clock on at once and is recorded. */
function setup(options: Partial<HostLimitsOptions> = {}) {
  let now = Date.parse("2024-01-01T00:00:00Z");
  const sleeps: number[] = [];
  const deps: Deps = {
    fetch: () => Promise.reject(new Error("no network")),
    now: () => new Date(now),
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
  const events: DltxEvent[] = [];
  const logger = memoryLogger();
  const limits = new HostLimits({
    concurrency: 4,
    budgetMs: 300_000,
    deps,
    logger,
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { limits, sleeps, events, logger, advance: (ms: number) => now += ms };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("HostLimits lets at most `concurrency` requests in flight per origin, in order", async () => {
  const { limits } = setup({ concurrency: 2 });
  const order: number[] = [];
  const slots = [1, 2, 3, 4].map((n) =>
    limits.acquire(ORIGIN).then((slot) => {
      order.push(n);
      return slot;
    })
  );
  // Another origin has its own places.
  await limits.acquire("https://other.test");
  await settle();
  deepStrictEqual(order, [1, 2]);
  deepStrictEqual(limits.state(ORIGIN), { inFlight: 2, limit: 2 });
  (await slots[1]).release("ok");
  await settle();
  deepStrictEqual(order, [1, 2, 3]);
  (await slots[0]).release("ok");
  (await slots[0]).release("ok"); // idempotent
  await settle();
  deepStrictEqual(order, [1, 2, 3, 4]);
  equal(limits.state(ORIGIN).inFlight, 2);
});

Deno.test("HostLimits halves the limit once per window of rate limits and adds one back per window of successes", async () => {
  const { limits, logger } = setup({ concurrency: 8 });
  const first = await Promise.all(Array.from({ length: 8 }, () => limits.acquire(ORIGIN)));
  // All eight were sent before the first 429 came back: one decrease, not three.
  for (const slot of first.slice(0, 3)) slot.release("limited");
  equal(limits.state(ORIGIN).limit, 4);
  ok(
    logger.lines.includes(`info: ${ORIGIN} is rate limited: allowing 4 request(s) in flight to it`),
  );
  for (const slot of first.slice(3)) slot.release("ok");
  // Five successes at limit 4: one window, one more place.
  equal(limits.state(ORIGIN).limit, 5);
  const later = await limits.acquire(ORIGIN);
  later.release("limited");
  equal(limits.state(ORIGIN).limit, 2);
  const again = await limits.acquire(ORIGIN);
  again.release("limited");
  again.release("limited");
  equal(limits.state(ORIGIN).limit, 1, "never below one");
  const last = await limits.acquire(ORIGIN);
  last.release("limited");
  equal(limits.state(ORIGIN).limit, 1);
});

Deno.test("HostLimits holds every request to a paused origin until the pause ends", async () => {
  const { limits, sleeps, events, logger } = setup();
  limits.pause(ORIGIN, 37_000, "403 Forbidden, x-ratelimit-remaining: 0");
  limits.pause(ORIGIN, 10_000, "shorter: ignored");
  const [a, b] = await Promise.all([limits.acquire(ORIGIN), limits.acquire(ORIGIN)]);
  // One wait for the pause: the second request needed none after it.
  deepStrictEqual(sleeps, [37_000]);
  equal(a.waitedMs, 37_000);
  equal(b.waitedMs, 0);
  deepStrictEqual(logger.lines, [
    `warn: ${ORIGIN} is rate limited (403 Forbidden, x-ratelimit-remaining: 0): pausing every request to it for 37s`,
  ]);
  deepStrictEqual(events, [{
    type: "rate_limit_pause",
    host: ORIGIN,
    seconds: 37,
    reason: "403 Forbidden, x-ratelimit-remaining: 0",
  }]);
  // Another origin is not paused.
  await limits.acquire("https://other.test");
  equal(sleeps.length, 1);
});

Deno.test("HostLimits fails when rate limits keep an origin paused longer than the retry budget", async () => {
  const { limits, advance } = setup({ budgetMs: 60_000 });
  limits.pause(ORIGIN, 40_000, "429 Too Many Requests");
  (await limits.acquire(ORIGIN)).release("limited");
  // 40 s in, another pause of 30 s without a success in between: 70 s > 60 s.
  limits.pause(ORIGIN, 30_000, "429 Too Many Requests");
  await rejects(limits.acquire(ORIGIN), (error) => {
    ok(error instanceof HttpError);
    equal(
      error.message,
      `${ORIGIN} is rate limited (429 Too Many Requests) for 70s, longer than the retry budget ` +
        "of 60s (runtime.request_max_retry_delay); set RUNTIME__REQUEST_MAX_RETRY_DELAY to at " +
        "least 70 to wait for it",
    );
    return true;
  });
  // An answer that is not a rate limit ends the stall: the same pause is fine again.
  advance(30_000);
  (await limits.acquire(ORIGIN)).release("ok");
  limits.pause(ORIGIN, 50_000, "429 Too Many Requests");
  (await limits.acquire(ORIGIN)).release("ok");
});

Deno.test("HostLimits spaces request starts to a declared rate", async () => {
  const { limits, sleeps } = setup({ requestsPerSecond: 4 });
  for (let i = 0; i < 3; i++) (await limits.acquire(ORIGIN)).release("ok");
  deepStrictEqual(sleeps, [250, 250]);
});

Deno.test("HostLimits stops waiting when the signal aborts, and the queue moves on", async () => {
  const { limits } = setup({ concurrency: 1 });
  const held = await limits.acquire(ORIGIN);
  const controller = new AbortController();
  const waiting = limits.acquire(ORIGIN, controller.signal);
  const next = limits.acquire(ORIGIN);
  controller.abort(new Error("stopped"));
  await rejects(waiting, /stopped/);
  held.release("ok");
  const slot = await next;
  deepStrictEqual(limits.state(ORIGIN), { inFlight: 1, limit: 1 });
  slot.release("ok");
});

Deno.test("HostLimits at concurrency 1: a parent's next page goes beside the one request, once", async () => {
  const { limits } = setup({ concurrency: 1 });
  const child = await limits.acquire(ORIGIN);
  // The parent's next page does not wait for the child; a second one does (one place beside).
  const nextPage = await limits.acquire(ORIGIN, undefined, { parentLookahead: true });
  deepStrictEqual(limits.state(ORIGIN), { inFlight: 2, limit: 1 });
  let otherPage = false;
  const waiting = limits.acquire(ORIGIN, undefined, { parentLookahead: true }).then((slot) => {
    otherPage = true;
    return slot;
  });
  let otherChild = false;
  const childWaiting = limits.acquire(ORIGIN).then((slot) => {
    otherChild = true;
    return slot;
  });
  await settle();
  equal(otherPage, false, "one place beside the limit, not two");
  equal(otherChild, false, "children still go one at a time");
  nextPage.release("ok");
  child.release("ok");
  await settle();
  // The queued requests take the one place in order.
  equal(otherPage, true);
  equal(otherChild, false);
  (await waiting).release("ok");
  await settle();
  equal(otherChild, true);
  (await childWaiting).release("ok");
  deepStrictEqual(limits.state(ORIGIN), { inFlight: 0, limit: 1 });
});

Deno.test("HostLimits: no place beside the limit above concurrency 1, with a declared rate, or once rate limited", async () => {
  const eight = setup({ concurrency: 2 }).limits;
  await eight.acquire(ORIGIN);
  await eight.acquire(ORIGIN);
  let passed = false;
  eight.acquire(ORIGIN, undefined, { parentLookahead: true }).then(() => passed = true);
  await settle();
  equal(passed, false, "at 2, the limit holds for a parent's next page too");

  const spaced = setup({ concurrency: 1, requestsPerSecond: 5 }).limits;
  const one = await spaced.acquire(ORIGIN);
  let spacedPassed = false;
  spaced.acquire(ORIGIN, undefined, { parentLookahead: true }).then(() => spacedPassed = true);
  await settle();
  equal(spacedPassed, false, "a declared rate keeps 1 strict");
  one.release("ok");

  for (const outcome of ["limited", "beside-limited"] as const) {
    const { limits } = setup({ concurrency: 1 });
    const first = await limits.acquire(ORIGIN, undefined, {
      parentLookahead: outcome === "beside-limited",
    });
    first.release("limited");
    const held = await limits.acquire(ORIGIN);
    let beside = false;
    limits.acquire(ORIGIN, undefined, { parentLookahead: true }).then(() => beside = true);
    await settle();
    equal(beside, false, `after a rate limit (${outcome}), 1 means one request in flight`);
    held.release("ok");
  }
});
