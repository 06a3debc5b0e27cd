import { deepStrictEqual, equal } from "node:assert/strict";
import { backoffMs, parseRetryAfter, retryWait } from "./_backoff.ts";

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

Deno.test("retryWait() waits the backoff while the budget lasts, then shortens it", () => {
  const base = { retryAfterMs: undefined, baseMs: 1000, budgetMs: 10_000 };
  deepStrictEqual(retryWait({ ...base, attempt: 1, waitedMs: 0 }), { waitMs: 1000 });
  deepStrictEqual(retryWait({ ...base, attempt: 4, waitedMs: 7000 }), { waitMs: 3000 });
  deepStrictEqual(retryWait({ ...base, attempt: 5, waitedMs: 10_000 }), {
    giveUp: "the retry budget of 10s (runtime.request_max_retry_delay) is used up",
  });
});

Deno.test("retryWait() honours a Retry-After that fits and refuses one that does not", () => {
  const base = { attempt: 1, baseMs: 1000, budgetMs: 300_000 };
  deepStrictEqual(retryWait({ ...base, retryAfterMs: 300_000, waitedMs: 0 }), { waitMs: 300_000 });
  deepStrictEqual(retryWait({ ...base, retryAfterMs: 0, waitedMs: 300_000 }), { waitMs: 0 });
  deepStrictEqual(retryWait({ ...base, retryAfterMs: 999_999_000, waitedMs: 0 }), {
    giveUp: "the server asked to wait 999999s (Retry-After), more than the retry budget of " +
      "300s (runtime.request_max_retry_delay)",
  });
  deepStrictEqual(retryWait({ ...base, retryAfterMs: 60_000, waitedMs: 250_000 }), {
    giveUp: "the server asked to wait 60s (Retry-After), more than the 50s left of the retry " +
      "budget of 300s (runtime.request_max_retry_delay)",
  });
});

Deno.test("retryWait() with a budget of 0 never waits", () => {
  deepStrictEqual(
    retryWait({ attempt: 1, retryAfterMs: undefined, waitedMs: 0, baseMs: 1000, budgetMs: 0 }),
    { giveUp: "the retry budget of 0s (runtime.request_max_retry_delay) is used up" },
  );
});
