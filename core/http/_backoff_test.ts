import { equal } from "node:assert/strict";
import { backoffMs, parseRetryAfter } from "./_backoff.ts";

Deno.test("backoffMs() doubles from the base and stops at the cap", () => {
  const waits = [1, 2, 3, 4, 5, 10].map((a) => backoffMs(a, 1000, 300_000));
  equal(waits.join(","), "1000,2000,4000,8000,16000,300000");
});

Deno.test("parseRetryAfter() reads delay-seconds", () => {
  const now = new Date("2024-01-01T00:00:00Z");
  equal(parseRetryAfter("3", now), 3000);
  equal(parseRetryAfter(" 0 ", now), 0);
  equal(parseRetryAfter("1.5", now), 1500);
});

Deno.test("parseRetryAfter() reads an HTTP date relative to now", () => {
  const now = new Date("2015-10-21T07:27:50Z");
  equal(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now), 10_000);
  equal(parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now), 0);
});

Deno.test("parseRetryAfter() ignores a missing or unreadable header", () => {
  const now = new Date();
  equal(parseRetryAfter(null, now), undefined);
  equal(parseRetryAfter("", now), undefined);
  equal(parseRetryAfter("soon", now), undefined);
});
