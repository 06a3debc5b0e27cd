import { equal, ok } from "node:assert/strict";
import { describeFetchFailure } from "./_failure.ts";

const url = new URL("http://api.test:8080/items?api_key=SECRET");

function denoError(detail: string): TypeError {
  return new TypeError("fetch failed", {
    cause: new Error(`error sending request for url (${url.href}): ${detail}`),
  });
}

Deno.test("describeFetchFailure() names refused connections by host", () => {
  const text = describeFetchFailure(
    denoError("client error (Connect): tcp connect error: Connection refused (os error 111)"),
    url,
  );
  equal(text, "connection refused by api.test:8080");
});

Deno.test("describeFetchFailure() names DNS failures by host name", () => {
  const text = describeFetchFailure(
    denoError("client error (Connect): dns error: failed to lookup address information"),
    url,
  );
  equal(text, "DNS lookup failed for host api.test");
});

Deno.test("describeFetchFailure() keeps other details but never the URL", () => {
  const text = describeFetchFailure(denoError("connection closed before message completed"), url);
  equal(
    text,
    "connection error talking to api.test:8080: connection closed before message completed",
  );
  const withUrl = describeFetchFailure(new TypeError(`boom at ${url.href}`), url);
  ok(!withUrl.includes("SECRET"), withUrl);
});
