import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { SecretMasker } from "../config/mod.ts";
import { defaultDeps, type Deps } from "../deps.ts";
import { ConfigError, DataError, HttpError } from "../errors.ts";
import type { DltxEvent } from "../events.ts";
import { memoryLogger } from "../log.ts";
import { AuthScope } from "./auth_scope.ts";
import { HttpClient, type HttpClientOptions } from "./client.ts";
import type { Auth, HttpRequest } from "./types.ts";

interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

type Handler = (request: Seen, attempt: number, init: RequestInit) => Response | Promise<Response>;

/** A client over a fake fetch; records requests and sleeps instead of waiting. */
function setup(handler: Handler, options: HttpClientOptions = {}, now = new Date(0)) {
  const seen: Seen[] = [];
  const sleeps: number[] = [];
  const deps: Deps = {
    fetch: async (input, init = {}) => {
      const request = new Request(input, init);
      const entry = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: await request.text(),
      };
      seen.push(entry);
      return await handler(entry, seen.length, init);
    },
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
  const memory = memoryLogger();
  const client = new HttpClient({ deps, logger: memory, ...options });
  // Debug lines (one per attempt) are not what these tests look at.
  const logger = {
    get lines() {
      return memory.lines.filter((line) => !line.startsWith("debug:"));
    },
  };
  return { client, seen, sleeps, logger };
}

function get(url: string, headers: HeadersInit = {}): HttpRequest {
  return { method: "GET", url: new URL(url), headers: new Headers(headers) };
}

function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    ...init,
    headers: { "content-type": "application/json", ...init.headers },
  });
}

Deno.test("request() returns the parsed JSON body, status, headers and URL", async () => {
  const { client } = setup(() => json({ items: [1, 2] }, { headers: { "x-total": "2" } }));
  const response = await client.request(get("https://api.test/items"));
  deepStrictEqual(response?.body, { items: [1, 2] });
  equal(response?.status, 200);
  equal(response?.headers.get("x-total"), "2");
  equal(response?.url.href, "https://api.test/items");
});

Deno.test("request() sets Accept and User-Agent unless given", async () => {
  const { client, seen } = setup(() => json({}));
  await client.request(get("https://api.test/a"));
  await client.request(
    get("https://api.test/b", { accept: "application/vnd.github+json", "user-agent": "me" }),
  );
  equal(seen[0].headers.get("accept"), "application/json");
  ok(/^dltx\/\d+\.\d+\.\d+/.test(seen[0].headers.get("user-agent") ?? ""));
  equal(seen[1].headers.get("accept"), "application/vnd.github+json");
  equal(seen[1].headers.get("user-agent"), "me");
});

Deno.test("request() sends json as JSON and data as a form", async () => {
  const { client, seen } = setup(() => json({}));
  await client.request({
    ...get("https://api.test/search"),
    method: "POST",
    json: { q: "x", n: 1 },
  });
  await client.request({
    ...get("https://api.test/token"),
    method: "POST",
    data: { a: "1", b: "x y" },
  });
  equal(seen[0].method, "POST");
  equal(seen[0].headers.get("content-type"), "application/json");
  equal(seen[0].body, '{"q":"x","n":1}');
  equal(seen[1].headers.get("content-type"), "application/x-www-form-urlencoded");
  equal(seen[1].body, "a=1&b=x+y");
});

Deno.test("request() refuses a GET with a body", async () => {
  const { client } = setup(() => json({}));
  await rejects(client.request({ ...get("https://api.test/x"), json: {} }), ConfigError);
});

Deno.test("request() retries 429 after the Retry-After seconds", async () => {
  const { client, sleeps, logger } = setup((_, attempt) =>
    attempt === 1
      ? new Response("slow down", { status: 429, headers: { "retry-after": "3" } })
      : json({ ok: true })
  );
  const response = await client.request(get("https://api.test/items"));
  deepStrictEqual(response?.body, { ok: true });
  // The pause holds every request to the origin; the retry waits at the gate with them.
  deepStrictEqual(sleeps, [3000]);
  deepStrictEqual(logger.lines, [
    "warn: https://api.test is rate limited (429 Too Many Requests, Retry-After: 3s): pausing every request to it for 3s",
  ]);
});

Deno.test("request() emits a request event per attempt and a rate_limit_wait per wait", async () => {
  const events: DltxEvent[] = [];
  const { client } = setup(
    (_, attempt) =>
      attempt === 1
        ? new Response("slow down", { status: 429, headers: { "retry-after": "3" } })
        : json({ ok: true }),
    { onEvent: (event) => events.push(event) },
  );
  await client.request(get("https://api.test/items?api_key=k-123"), { resource: "items" });
  for (const event of events) if (event.type === "request") ok(event.ms >= 0);
  const url = "https://api.test/items?api_key=***";
  const request = { type: "request", resource: "items", method: "GET", url, ms: 0 };
  // The 429 halves the origin's allowance of requests in flight (8 -> 4).
  deepStrictEqual(events.map((e) => e.type === "request" ? { ...e, ms: 0 } : e), [
    {
      type: "rate_limit_pause",
      host: "https://api.test",
      seconds: 3,
      reason: "429 Too Many Requests, Retry-After: 3s",
    },
    { ...request, status: 429, attempt: 1, inFlight: 0, limit: 4 },
    { type: "rate_limit_wait", resource: "items", url, status: 429, seconds: 3, attempt: 1 },
    { ...request, status: 200, attempt: 2, inFlight: 0, limit: 4 },
  ]);
});

Deno.test("request() reports a connection failure as status 0 in its events", async () => {
  const events: DltxEvent[] = [];
  const { client } = setup(() => {
    throw new TypeError("fetch failed");
  }, { maxAttempts: 2, onEvent: (event) => events.push(event) });
  await rejects(client.request(get("http://127.0.0.1:1234/x")), HttpError);
  deepStrictEqual(events.map((e) => [e.type, "status" in e ? e.status : -1]), [
    ["request", 0],
    ["rate_limit_wait", 0],
    ["request", 0],
  ]);
});

Deno.test("request() honours a Retry-After HTTP date", async () => {
  const now = new Date("2015-10-21T07:27:58Z");
  const { client, sleeps } = setup(
    (_, attempt) =>
      attempt === 1
        ? new Response("", {
          status: 503,
          headers: { "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT" },
        })
        : json([]),
    {},
    now,
  );
  await client.request(get("https://api.test/items"));
  deepStrictEqual(sleeps, [2000]);
});

Deno.test("request() retries a 500 then returns the 200", async () => {
  const { client, sleeps, seen } = setup((_, attempt) =>
    attempt === 1 ? new Response("oops", { status: 500 }) : json({ ok: 1 })
  );
  deepStrictEqual((await client.request(get("https://api.test/x")))?.body, { ok: 1 });
  equal(seen.length, 2);
  deepStrictEqual(sleeps, [1000]);
});

Deno.test("request() backs off 1, 2, 4, 8 s and then reports the last server error", async () => {
  const { client, sleeps } = setup(() => new Response('{"error":"down"}', { status: 503 }));
  await rejects(client.request(get("https://api.test/x")), (error) => {
    ok(error instanceof HttpError);
    equal(error.status, 503);
    equal(
      error.message,
      '503 Server Error: Service Unavailable for url: https://api.test/x — response: {"error":"down"} (gave up after 5 attempts)',
    );
    return true;
  });
  deepStrictEqual(sleeps, [1000, 2000, 4000, 8000]);
});

Deno.test("request() gives up at once on a Retry-After beyond the retry budget", async () => {
  const { client, sleeps, seen } = setup(
    () => new Response("busy", { status: 429, headers: { "retry-after": "999999" } }),
    { maxRetryDelayMs: 300_000 },
  );
  await rejects(client.request(get("https://api.test/x")), (error) => {
    ok(error instanceof HttpError);
    equal(error.status, 429);
    equal(
      error.message,
      "429 Client Error: Too Many Requests for url: https://api.test/x — response: busy " +
        "(gave up after 1 attempt: the server asked to wait 999999s (Retry-After), more than " +
        "the retry budget of 300s (runtime.request_max_retry_delay))",
    );
    return true;
  });
  deepStrictEqual(sleeps, []);
  equal(seen.length, 1);
});

Deno.test("request() keeps all waits of one request within the retry budget", async () => {
  // Budget 10 s: backoff 1 + 2 + 4 s, then 3 s (what is left, not 8), then it is used up.
  const { client, sleeps, seen } = setup(() => new Response("down", { status: 503 }), {
    maxAttempts: 10,
    maxRetryDelayMs: 10_000,
  });
  await rejects(client.request(get("https://api.test/x")), {
    name: "HttpError",
    message: "503 Server Error: Service Unavailable for url: https://api.test/x — response: down " +
      "(gave up after 5 attempts: the retry budget of 10s (runtime.request_max_retry_delay) is used up)",
  });
  deepStrictEqual(sleeps, [1000, 2000, 4000, 3000]);
  equal(seen.length, 5);
});

Deno.test("request() counts Retry-After waits against the budget and names what is left", async () => {
  const { client, sleeps } = setup(
    (_, attempt) =>
      new Response("", { status: 429, headers: { "retry-after": attempt === 1 ? "4" : "7" } }),
    { maxRetryDelayMs: 10_000 },
  );
  await rejects(
    client.request(get("https://api.test/x")),
    /gave up after 2 attempts: the server asked to wait 7s \(Retry-After\), more than the 6s left of the retry budget of 10s \(runtime\.request_max_retry_delay\)\)$/,
  );
  deepStrictEqual(sleeps, [4000]);
});

Deno.test("request() gives up on connection errors when the budget is spent", async () => {
  const { client, sleeps } = setup(() => {
    throw new TypeError("fetch failed");
  }, { maxRetryDelayMs: 1500 });
  await rejects(client.request(get("http://127.0.0.1:1234/x")), {
    name: "HttpError",
    message: "GET http://127.0.0.1:1234/x failed after 3 attempts: connection error talking to " +
      "127.0.0.1:1234: unknown error; the retry budget of 1.5s (runtime.request_max_retry_delay) is used up",
  });
  deepStrictEqual(sleeps, [1000, 500]);
});

Deno.test("request() does not retry 4xx and words them as requests does", async () => {
  const { client, seen } = setup(() => json({ message: "Not Found" }, { status: 404 }));
  await rejects(client.request(get("https://api.test/nope")), {
    name: "HttpError",
    message:
      '404 Client Error: Not Found for url: https://api.test/nope — response: {"message":"Not Found"}',
  });
  equal(seen.length, 1);
});

Deno.test("request() masks sensitive query params, masker secrets and auth secrets", async () => {
  const masker = new SecretMasker();
  masker.add("body-secret");
  const auth: Auth = {
    apply: (request) => {
      request.headers.set("x-token", "auth-secret-value");
      return Promise.resolve();
    },
    secrets: () => ["auth-secret-value"],
  };
  const { client } = setup(
    () => new Response("invalid key body-secret / auth-secret-value", { status: 401 }),
    { masker },
  );
  await rejects(
    client.request(get("https://api.test/x?api_key=k-123&page=2&token=t"), { auth }),
    (error) => {
      ok(error instanceof HttpError);
      equal(
        error.message,
        "401 Client Error: Unauthorized for url: https://api.test/x?api_key=***&page=2&token=*** — response: invalid key *** / ***",
      );
      equal(error.url, "https://api.test/x?api_key=***&page=2&token=***");
      return true;
    },
  );
});

Deno.test("request() retries connection errors and then names the host", async () => {
  const { client, sleeps, logger } = setup((seen) => {
    throw new TypeError("fetch failed", {
      cause: new Error(
        `error sending request for url (${seen.url}): client error (Connect): tcp connect error: Connection refused (os error 111)`,
      ),
    });
  });
  await rejects(client.request(get("http://127.0.0.1:1234/x?api_key=SECRET")), (error) => {
    ok(error instanceof HttpError);
    equal(error.status, 0);
    equal(
      error.message,
      "GET http://127.0.0.1:1234/x?api_key=*** failed after 5 attempts: connection refused by 127.0.0.1:1234",
    );
    return true;
  });
  deepStrictEqual(sleeps, [1000, 2000, 4000, 8000]);
  equal(logger.lines.length, 4);
  ok(!logger.lines.join("\n").includes("SECRET"));
  equal(
    logger.lines[1],
    "warn: GET http://127.0.0.1:1234/x?api_key=*** failed: connection refused by 127.0.0.1:1234 (attempt 2/5); waiting 2s before retrying",
  );
});

Deno.test("request() reports a refused connection of the real fetch", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const client = new HttpClient({
    deps: { ...defaultDeps, sleep: () => Promise.resolve() },
    maxAttempts: 2,
  });
  await rejects(client.request(get(`http://127.0.0.1:${port}/x`)), {
    name: "HttpError",
    message:
      `GET http://127.0.0.1:${port}/x failed after 2 attempts: connection refused by 127.0.0.1:${port}`,
  });
});

Deno.test("request() times out a hanging attempt and retries it", async () => {
  const { client, seen } = setup(
    (_, _attempt, init) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true });
      }),
    { timeoutMs: 10, maxAttempts: 2 },
  );
  await rejects(client.request(get("https://api.test/slow")), {
    name: "HttpError",
    message: "GET https://api.test/slow failed after 2 attempts: timed out after 0.01s",
  });
  equal(seen.length, 2);
});

Deno.test("request() stops at once when the caller aborts", async () => {
  const controller = new AbortController();
  const { client, seen } = setup((_, _attempt, init) =>
    new Promise((_resolve, reject) => {
      init.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true });
      controller.abort(new Error("user cancelled"));
    })
  );
  await rejects(client.request(get("https://api.test/x"), { signal: controller.signal }), {
    message: "user cancelled",
  });
  equal(seen.length, 1);
});

Deno.test("request() ignores a 404 when a response action says so", async () => {
  const { client, logger } = setup(() => json({ message: "Not Found" }, { status: 404 }));
  const response = await client.request(get("https://api.test/x"), {
    responseActions: [{ status_code: 404, action: "ignore" }],
  });
  equal(response, undefined);
  deepStrictEqual(logger.lines, [
    "info: Ignoring response 404 of GET https://api.test/x (response_actions)",
  ]);
});

Deno.test("request() ignores a response whose body contains the action's content", async () => {
  const { client } = setup(() => json({ error: "No data for this period" }));
  const actions = [{ content: "No data", action: "ignore" as const }];
  equal(await client.request(get("https://api.test/x"), { responseActions: actions }), undefined);
  const other = setup(() => json({ data: [] }));
  deepStrictEqual(
    (await other.client.request(get("https://api.test/x"), { responseActions: actions }))?.body,
    { data: [] },
  );
});

Deno.test("request() rejects malformed JSON and HTML as DataError", async () => {
  const bad = setup(() =>
    new Response("{not json", { headers: { "content-type": "application/json" } })
  );
  await rejects(bad.client.request(get("https://api.test/x?key=abc")), (error) => {
    ok(error instanceof DataError);
    ok(error.message.startsWith("Response of GET https://api.test/x?key=*** is not valid JSON ("));
    ok(error.message.endsWith("): {not json"));
    return true;
  });
  const html = setup(() =>
    new Response("<html></html>", { headers: { "content-type": "text/html" } })
  );
  await rejects(html.client.request(get("https://api.test/")), {
    name: "DataError",
    message:
      "Response of GET https://api.test/ is HTML, not JSON (content-type text/html) — check base_url and path",
  });
});

Deno.test("request() returns an undefined body for 204 and empty bodies", async () => {
  const { client } = setup((_, attempt) =>
    attempt === 1 ? new Response(null, { status: 204 }) : new Response("")
  );
  equal((await client.request(get("https://api.test/a")))?.body, undefined);
  const empty = await client.request(get("https://api.test/b"));
  equal(empty?.status, 200);
  equal(empty?.body, undefined);
});

Deno.test("request() applies auth before every attempt", async () => {
  let applied = 0;
  const auth: Auth = {
    apply: (request) => {
      applied++;
      request.headers.set("authorization", `Bearer t${applied}`);
      return Promise.resolve();
    },
    secrets: () => [],
  };
  const { client, seen } = setup((_, attempt) =>
    attempt === 1 ? new Response("", { status: 502 }) : json({})
  );
  await client.request(get("https://api.test/x"), { auth });
  deepStrictEqual(seen.map((s) => s.headers.get("authorization")), ["Bearer t1", "Bearer t2"]);
});

Deno.test("HttpClient rejects out-of-range options", () => {
  let error: unknown;
  try {
    new HttpClient({ maxAttempts: 0 });
  } catch (e) {
    error = e;
  }
  ok(error instanceof ConfigError);
  equal(
    (error as Error).message,
    "HTTP client option maxAttempts must be a positive integer, got 0",
  );
});

Deno.test("request() follows redirects against a real server and reports the final URL", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/old") return Response.redirect(new URL("/new", url), 302);
    return Response.json({ path: url.pathname, accept: request.headers.get("accept") });
  });
  try {
    const client = new HttpClient();
    const response = await client.request(get(`http://127.0.0.1:${server.addr.port}/old`));
    deepStrictEqual(response?.body, { path: "/new", accept: "application/json" });
    equal(response?.url.pathname, "/new");
  } finally {
    await server.shutdown();
  }
});

/** Two local servers on different ports (two origins); `b` echoes what it received. */
async function withTwoOrigins(
  handleA: (req: Request, b: string) => Response,
  fn: (a: string, b: string, seenAtB: Headers[]) => Promise<void>,
) {
  const seenAtB: Headers[] = [];
  const b = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    seenAtB.push(req.headers);
    return Response.json({ at: "b" });
  });
  const bUrl = `http://127.0.0.1:${b.addr.port}`;
  const a = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => handleA(req, bUrl),
  );
  try {
    await fn(`http://127.0.0.1:${a.addr.port}`, bUrl, seenAtB);
  } finally {
    await a.shutdown();
    await b.shutdown();
  }
}

const KEY_AUTH: Auth = {
  apply(request) {
    request.headers.set("x-api-key", "key-in-a-header");
    return Promise.resolve();
  },
  secrets: () => ["key-in-a-header"],
};

Deno.test("request() sends no credentials along a redirect to another origin", async () => {
  // fetch itself would keep X-API-Key on a cross-origin redirect (it drops only Authorization
  // and Cookie): the client follows redirects itself.
  await withTwoOrigins(
    (req, b) => {
      const path = new URL(req.url).pathname;
      if (path === "/same") return Response.redirect(new URL("/cross", req.url), 302);
      if (path === "/cross") {
        if (req.headers.get("x-api-key") !== "key-in-a-header") {
          return new Response("", { status: 401 });
        }
        return Response.redirect(`${b}/landed`, 307);
      }
      return new Response("", { status: 404 });
    },
    async (a, _b, seenAtB) => {
      const client = new HttpClient();
      const response = await client.request(
        get(`${a}/same`, { authorization: "Bearer static", cookie: "s=1", "x-other": "kept" }),
        { auth: KEY_AUTH },
      );
      deepStrictEqual(response?.body, { at: "b" });
      equal(response?.url.pathname, "/landed");
      equal(seenAtB.length, 1);
      equal(seenAtB[0].get("x-api-key"), null);
      equal(seenAtB[0].get("authorization"), null);
      equal(seenAtB[0].get("cookie"), null);
      equal(seenAtB[0].get("x-other"), "kept");
    },
  );
});

Deno.test("request() applies auth after a redirect to an origin the scope allows", async () => {
  await withTwoOrigins(
    (_req, b) => Response.redirect(`${b}/landed`, 302),
    async (a, b, seenAtB) => {
      const withheld: string[] = [];
      const client = new HttpClient();
      const request = get(`${a}/start`, { authorization: "Bearer static" });
      await client.request(request, {
        auth: KEY_AUTH,
        authScope: new AuthScope(a, { onWithheld: (origin) => withheld.push(origin) }),
      });
      equal(seenAtB[0].get("x-api-key"), null);
      deepStrictEqual(withheld, [b]);
      await client.request(request, {
        auth: KEY_AUTH,
        authScope: new AuthScope(a, { authHosts: [b] }),
      });
      equal(seenAtB[1].get("x-api-key"), "key-in-a-header");
      // A header the request itself carried stays dropped once the redirect left the origin.
      equal(seenAtB[1].get("authorization"), null);
      equal(request.headers.get("x-api-key"), null, "the caller's request is left as it was");
    },
  );
});

Deno.test("request() turns a POST into a GET on 303 and keeps it on 307", async () => {
  for (const [status, method, body] of [[303, "GET", ""], [307, "POST", '{"q":1}']] as const) {
    const { client, seen } = setup((s) =>
      s.url.endsWith("/start")
        ? new Response(null, { status, headers: { location: "/next" } })
        : json({ ok: true })
    );
    const response = await client.request({
      ...get("https://api.test/start"),
      method: "POST",
      json: { q: 1 },
    });
    equal(response?.url.href, "https://api.test/next");
    equal(seen[1].method, method);
    equal(seen[1].body, body);
  }
});

Deno.test("request() stops after 20 redirects", async () => {
  const { client, seen } = setup((s) =>
    new Response(null, { status: 302, headers: { location: `${s.url}x?api_key=k-123` } })
  );
  await rejects(client.request(get("https://api.test/a")), (error) => {
    ok(error instanceof HttpError);
    equal(error.status, 302);
    ok(
      error.message.startsWith(
        "GET https://api.test/a was redirected more than 20 times (last to https://api.test/a",
      ),
    );
    ok(!error.message.includes("k-123"));
    return true;
  });
  equal(seen.length, 21);
});

Deno.test("request() masks an error body before cutting it to an excerpt", async () => {
  const secret = "cut-me  in two-halves";
  const masker = new SecretMasker();
  masker.add(secret);
  // The secret straddles the excerpt's 200-character end, and has two spaces in a row.
  const body = `${"x".repeat(190)} ${secret} tail`;
  const { client } = setup(() => new Response(body, { status: 400 }), { masker });
  await rejects(client.request(get("https://api.test/x")), (error) => {
    ok(error instanceof HttpError);
    ok(!error.message.includes("cut-me"), error.message);
    ok(error.message.includes("***"), error.message);
    return true;
  });
});

Deno.test("request() masks every spelling of auth secrets in error bodies", async () => {
  const secret = "SPECIAL secret!~(x)";
  const auth: Auth = {
    apply(request) {
      request.url.searchParams.set("api_key", secret);
      return Promise.resolve();
    },
    secrets: () => [secret],
  };
  const { client } = setup((s) =>
    new Response(`bad ${s.url} ${JSON.stringify(secret)} ${encodeURIComponent(secret)}`, {
      status: 401,
    })
  );
  await rejects(client.request(get("https://api.test/x?page=1"), { auth }), (error) => {
    ok(error instanceof HttpError);
    equal(
      error.message,
      '401 Client Error: Unauthorized for url: https://api.test/x?page=1&api_key=*** — response: bad https://api.test/x?page=1&api_key=*** "***" ***',
    );
    return true;
  });
});

Deno.test("request() fails at once on a redirect whose Location is not a URL", async () => {
  const { client, seen } = setup(() =>
    new Response(null, { status: 302, headers: { location: "http://[bad" } })
  );
  await rejects(client.request(get("https://api.test/a?token=t-1")), {
    name: "HttpError",
    message:
      "https://api.test/a?token=*** answered 302 with a Location that is not a URL: http://[bad",
  });
  equal(seen.length, 1);
});
