/** The retry budget end to end: `RUNTIME__REQUEST_MAX_RETRY_DELAY` bounds all waits of a request. */
import { equal, match } from "node:assert/strict";
import { json, serve, tempProject } from "./_helpers.ts";

async function runWith(handler: (req: Request) => Response, env: Record<string, string>) {
  await using server = serve(handler);
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "slow",
    client: { base_url: server.url, paginator: "single_page" },
    resources: ["items"],
  });
  const started = Date.now();
  const res = await p.dltx(["run", connector, "--to", "jsonl"], env);
  return { res, ms: Date.now() - started, requests: server.requests.length };
}

Deno.test("a Retry-After beyond the retry budget fails at once, naming the budget", async () => {
  const { res, ms, requests } = await runWith(
    () =>
      json({ message: "come back tomorrow" }, {
        status: 429,
        headers: { "retry-after": "999999" },
      }),
    { RUNTIME__REQUEST_MAX_RETRY_DELAY: "2" },
  );
  equal(res.code, 1, res.stderr);
  equal(requests, 1);
  equal(ms < 20_000, true, `took ${ms} ms`);
  match(
    res.stderr,
    /error: Resource "items": 429 Client Error: Too Many Requests for url: http:\/\/127\.0\.0\.1:\d+\/items — response: \{"message":"come back tomorrow"\} \(gave up after 1 attempt: the server asked to wait 999999s \(Retry-After\), more than the retry budget of 2s \(runtime\.request_max_retry_delay\)\)/,
  );
});

Deno.test("backoff waits stop when the retry budget is used up", async () => {
  // Budget 1.5 s: waits of 1 s and 0.5 s (what is left), then the request gives up.
  const { res, ms, requests } = await runWith(
    () => json({ message: "down" }, { status: 503 }),
    { RUNTIME__REQUEST_MAX_RETRY_DELAY: "1.5", RUNTIME__REQUEST_MAX_ATTEMPTS: "10" },
  );
  equal(res.code, 1, res.stderr);
  equal(requests, 3);
  equal(ms >= 1500, true, `took ${ms} ms`);
  match(res.stderr, /waiting 1s before retrying/);
  match(res.stderr, /waiting 0\.5s before retrying/);
  match(
    res.stderr,
    /\(gave up after 3 attempts: the retry budget of 1\.5s \(runtime\.request_max_retry_delay\) is used up\)/,
  );
});

Deno.test("request_max_retry_delay rejects a negative value", async () => {
  const { res } = await runWith(() => json([]), { RUNTIME__REQUEST_MAX_RETRY_DELAY: "-1" });
  equal(res.code, 1);
  match(res.stderr, /runtime\.request_max_retry_delay must be 0 or a positive number \(got "-1"\)/);
});
