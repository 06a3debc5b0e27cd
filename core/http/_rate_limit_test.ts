import { deepStrictEqual, equal } from "node:assert/strict";
import { rateLimitVerdict, readRateLimitHeaders } from "./_rate_limit.ts";

const NOW = new Date("2024-05-03T16:00:00Z");
const epoch = (s: number) => String(NOW.getTime() / 1000 + s);

Deno.test("readRateLimitHeaders() reads GitHub's x-ratelimit-* with an epoch reset", () => {
  const headers = new Headers({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": epoch(37) });
  deepStrictEqual(readRateLimitHeaders(headers, NOW), {
    remaining: 0,
    remainingHeader: "x-ratelimit-remaining",
    resetMs: 37_000,
    resetHeader: "x-ratelimit-reset",
  });
});

Deno.test("readRateLimitHeaders() reads delta seconds, ms epochs and resets in the past", () => {
  const delta = readRateLimitHeaders(
    new Headers({ "ratelimit-remaining": "3", "ratelimit-reset": "20" }),
    NOW,
  );
  deepStrictEqual([delta.remaining, delta.resetMs, delta.resetHeader], [
    3,
    20_000,
    "ratelimit-reset",
  ]);
  const ms = readRateLimitHeaders(
    new Headers({
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(NOW.getTime() + 1500),
    }),
    NOW,
  );
  equal(ms.resetMs, 1500);
  // A skewed clock: the reset already passed.
  const past = readRateLimitHeaders(
    new Headers({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": epoch(-10) }),
    NOW,
  );
  equal(past.resetMs, 0);
});

Deno.test("readRateLimitHeaders() reads the single RateLimit header of both draft styles", () => {
  const draft7 = readRateLimitHeaders(
    new Headers({ ratelimit: '"hourly";r=100;t=3000, "burst";r=0;t=4' }),
    NOW,
  );
  deepStrictEqual([draft7.remaining, draft7.resetMs], [0, 4000]);
  const early = readRateLimitHeaders(
    new Headers({ ratelimit: "limit=100, remaining=0, reset=30" }),
    NOW,
  );
  deepStrictEqual([early.remaining, early.resetMs], [0, 30_000]);
  deepStrictEqual(readRateLimitHeaders(new Headers({ ratelimit: "nonsense" }), NOW), {});
});

Deno.test("rateLimitVerdict() takes 429s and GitHub's 403 with remaining 0 as rate limits", () => {
  const github = readRateLimitHeaders(
    new Headers({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": epoch(60) }),
    NOW,
  );
  deepStrictEqual(rateLimitVerdict(403, github), {
    limited: true,
    waitMs: 60_000,
    waitHeader: "x-ratelimit-reset",
    exhaustedForMs: 60_000,
    reason: "403 Forbidden, x-ratelimit-remaining: 0, x-ratelimit-reset in 60s",
  });
  // A 403 with requests left is a real refusal.
  const refused = readRateLimitHeaders(new Headers({ "x-ratelimit-remaining": "4999" }), NOW);
  equal(rateLimitVerdict(403, refused).limited, false);
  // GitHub's secondary limit: a 403 with Retry-After.
  const secondary = readRateLimitHeaders(new Headers({ "retry-after": "5" }), NOW);
  deepStrictEqual(rateLimitVerdict(403, secondary), {
    limited: true,
    waitMs: 5000,
    waitHeader: "Retry-After",
    reason: "403 Forbidden, Retry-After: 5s",
  });
  // A 429 without headers is a rate limit with no wait named.
  deepStrictEqual(rateLimitVerdict(429, {}), { limited: true, reason: "429 Too Many Requests" });
  // A success that used the last request: not limited, but the window is exhausted.
  const last = rateLimitVerdict(200, github);
  deepStrictEqual([last.limited, last.exhaustedForMs], [false, 60_000]);
  // A 500 with rate-limit headers left is not a rate limit.
  deepStrictEqual(rateLimitVerdict(500, refused), { limited: false, reason: "" });
});
