import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import {
  createLocalServerGuard,
  guardRequests,
  newToken,
  secureHeaders,
  tokensEqual,
} from "./local_server_guard.ts";

const PORT = 8123;
const TOKEN = "a".repeat(64);
const guard = createLocalServerGuard({ port: PORT, token: TOKEN });

function request(
  headers: Record<string, string>,
  init: { method?: string; body?: string; path?: string } = {},
): Request {
  return new Request(`http://127.0.0.1:${PORT}${init.path ?? "/api/x"}`, {
    method: init.method ?? "GET",
    body: init.body,
    headers,
  });
}

const good = { host: `127.0.0.1:${PORT}`, authorization: `Bearer ${TOKEN}` };

async function refusal(req: Request, open = false): Promise<string | undefined> {
  const res = guard.refuse(req, { open });
  if (res === undefined) return undefined;
  equal(res.status, 403);
  equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  const body = await res.json();
  deepEqual(Object.keys(body), ["error"]);
  return body.error;
}

Deno.test("guard.refuse() lets the server's own requests through", async () => {
  equal(await refusal(request(good)), undefined);
  equal(await refusal(request({ ...good, host: `LOCALHOST:${PORT}` })), undefined);
  equal(await refusal(request({ ...good, origin: `http://127.0.0.1:${PORT}` })), undefined);
  equal(await refusal(request({ ...good, origin: `http://localhost:${PORT}` })), undefined);
  equal(await refusal(request({ ...good, authorization: `bearer  ${TOKEN}` })), undefined);
  const post = request({ ...good, "content-type": "application/json; charset=utf-8" }, {
    method: "POST",
    body: "{}",
  });
  equal(await refusal(post), undefined);
  // The open page needs no token, but still the right Host and Origin.
  equal(await refusal(request({ host: `127.0.0.1:${PORT}` }, { path: "/" }), true), undefined);
  match(
    (await refusal(request({ host: `evil.test:${PORT}` }, { path: "/" }), true))!,
    /not this server/,
  );
});

Deno.test("guard.refuse() refuses another Host, port or none (DNS rebinding)", async () => {
  for (
    const host of [
      `evil.test:${PORT}`,
      `127.0.0.1:${PORT + 1}`,
      "127.0.0.1",
      `localhost.evil.test:${PORT}`,
      `[::1]:${PORT}`,
      `0.0.0.0:${PORT}`,
    ]
  ) {
    match((await refusal(request({ ...good, host })))!, /is not this server; use http:\/\/127/);
  }
  match((await refusal(request({ authorization: good.authorization })))!, /Host "" is not/);
});

Deno.test("guard.refuse() refuses a foreign Origin", async () => {
  for (
    const origin of [
      "http://evil.test",
      `http://evil.test:${PORT}`,
      `http://127.0.0.1:${PORT + 1}`,
      `https://127.0.0.1:${PORT}`,
      "null",
    ]
  ) {
    match(
      (await refusal(request({ ...good, origin })))!,
      new RegExp(`origin ${JSON.stringify(origin)} are not allowed`),
    );
  }
});

Deno.test("guard.refuse() refuses a missing or wrong token, in every method", async () => {
  for (const method of ["GET", "HEAD", "POST", "OPTIONS", "DELETE"]) {
    const headers = { host: good.host, "content-type": "application/json" };
    match((await refusal(request(headers, { method })))!, /needs the token/, method);
    match(
      (await refusal(request({ ...headers, authorization: "Bearer nope" }, { method })))!,
      /Wrong token/,
      method,
    );
  }
  for (
    const authorization of [
      TOKEN,
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      "Bearer",
    ]
  ) {
    ok(await refusal(request({ ...good, authorization })), authorization);
  }
});

Deno.test("guard.refuse() takes bodies only as application/json", async () => {
  for (
    const type of [
      undefined,
      "text/plain",
      "text/plain; charset=utf-8",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/jsonx",
    ]
  ) {
    const headers: Record<string, string> = { ...good };
    if (type !== undefined) headers["content-type"] = type;
    const req = request(headers, { method: "POST", body: '{"sql":"SELECT 1"}' });
    match((await refusal(req))!, /application\/json/, String(type));
  }
});

Deno.test("guardRequests() answers refusals itself and secures every response", async () => {
  let calls = 0;
  const handler = guardRequests(guard, () => {
    calls++;
    return new Response("ok", { headers: { "access-control-allow-origin": "*" } });
  }, { open: (req) => new URL(req.url).pathname === "/" });
  const page = await handler(request({ host: good.host }, { path: "/" }));
  equal(await page.text(), "ok");
  const refused = await handler(request({ host: good.host }));
  equal(refused.status, 403);
  await refused.body?.cancel();
  equal(calls, 1);
  for (const res of [page, refused]) {
    equal(res.headers.get("referrer-policy"), "no-referrer");
    equal(res.headers.get("x-content-type-options"), "nosniff");
    equal(res.headers.get("x-frame-options"), "DENY");
    equal(res.headers.get("access-control-allow-origin"), null);
  }
});

Deno.test("secureHeaders() keeps a page's own Content-Security-Policy", () => {
  const res = secureHeaders(
    new Response("", { headers: { "content-security-policy": "default-src 'none'" } }),
  );
  equal(res.headers.get("content-security-policy"), "default-src 'none'");
  equal(
    secureHeaders(new Response("")).headers.get("content-security-policy"),
    "frame-ancestors 'none'",
  );
});

Deno.test("newToken() is 64 random hex digits; tokensEqual() compares exactly", () => {
  const a = newToken();
  match(a, /^[0-9a-f]{64}$/);
  ok(a !== newToken());
  ok(tokensEqual(a, a));
  ok(!tokensEqual(a.toUpperCase(), a));
  ok(!tokensEqual("", a));
  ok(!tokensEqual(`${a}0`, a));
});

Deno.test("createLocalServerGuard() checks its options; IPv6 names when listening there", async () => {
  throws(() => createLocalServerGuard({ port: 0 }), /port must be/);
  throws(() => createLocalServerGuard({ port: PORT, token: "" }), /token must not be empty/);
  equal(createLocalServerGuard({ port: PORT }).token.length, 64);
  const v6 = createLocalServerGuard({ port: PORT, token: TOKEN, hostnames: ["[::1]"] });
  deepEqual(v6.origins, [`http://[::1]:${PORT}`]);
  const req = request({ ...good, host: `[::1]:${PORT}`, origin: `http://[::1]:${PORT}` });
  equal(v6.refuse(req), undefined);
  const res = v6.refuse(request(good));
  equal(res?.status, 403);
  await res?.body?.cancel();
});
