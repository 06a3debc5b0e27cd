import { deepStrictEqual, equal, throws } from "node:assert/strict";
import type { HttpRequest } from "../types.ts";
import { ApiKeyAuth } from "./api_key.ts";

function request(headers: HeadersInit = {}): HttpRequest {
  return {
    method: "GET",
    url: new URL("https://api.test/x?page=2"),
    headers: new Headers(headers),
  };
}

Deno.test("ApiKeyAuth puts the key verbatim in the Authorization header by default", async () => {
  const auth = new ApiKeyAuth({ type: "api_key", api_key: "Key abc" });
  const req = request();
  await auth.apply(req);
  equal(req.headers.get("authorization"), "Key abc");
  deepStrictEqual(auth.secrets(), ["Key abc"]);
});

Deno.test("ApiKeyAuth uses any header name", async () => {
  const req = request();
  await new ApiKeyAuth({ type: "api_key", name: "X-API-Key", api_key: "k1" }).apply(req);
  equal(req.headers.get("x-api-key"), "k1");
});

Deno.test("ApiKeyAuth adds a query param once, also when applied twice", async () => {
  const auth = new ApiKeyAuth({
    type: "api_key",
    name: "api_key",
    api_key: "k 1",
    location: "query",
  });
  const req = request();
  await auth.apply(req);
  await auth.apply(req);
  equal(req.url.href, "https://api.test/x?page=2&api_key=k+1");
});

Deno.test("ApiKeyAuth merges a cookie into an existing Cookie header", async () => {
  const auth = new ApiKeyAuth({
    type: "api_key",
    name: "session",
    api_key: "s3",
    location: "cookie",
  });
  const req = request({ cookie: "theme=dark; session=old" });
  await auth.apply(req);
  equal(req.headers.get("cookie"), "theme=dark; session=s3");
  const fresh = request();
  await auth.apply(fresh);
  equal(fresh.headers.get("cookie"), "session=s3");
});

Deno.test("ApiKeyAuth rejects an unknown location and a missing key", () => {
  throws(
    () =>
      new ApiKeyAuth({
        type: "api_key",
        api_key: "k",
        location: "body" as "header",
      }),
    {
      name: "ConfigError",
      message: 'Auth api_key has an unknown location "body"; expected one of header, query, cookie',
    },
  );
  throws(() => new ApiKeyAuth({ type: "api_key" } as never), /needs "api_key"/);
});
