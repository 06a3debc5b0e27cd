import { deepStrictEqual, ok } from "node:assert/strict";
import type { Deps } from "../deps.ts";
import type { DltxEvent } from "../events.ts";
import { restApiSource } from "./rest_source.ts";

const BASE = "https://api.test/v1/";

function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function fakeDeps(handler: (url: URL, call: number) => Response): Deps {
  let calls = 0;
  return {
    fetch: (input) => Promise.resolve(handler(new URL(String(input)), ++calls)),
    now: () => new Date("2024-01-01T00:00:00Z"),
    sleep: () => Promise.resolve(),
  };
}

/** Events without the timing, which differs from run to run. */
function stable(events: DltxEvent[]): unknown[] {
  return events.map((e) => {
    if (e.type !== "request") return e;
    ok(e.ms >= 0);
    // In flight and the limit depend on how the concurrent requests interleave.
    ok(e.inFlight !== undefined && e.limit !== undefined && e.inFlight >= 0);
    ok(e.inFlight < e.limit);
    const { inFlight: _inFlight, limit: _limit, ...rest } = e;
    return { ...rest, ms: 0 };
  });
}

Deno.test("extract() emits a page event per page and request events named by resource", async () => {
  const events: DltxEvent[] = [];
  const deps = fakeDeps((url) => {
    if (url.pathname.endsWith("/items")) {
      const page = Number(url.searchParams.get("page") ?? 1);
      return json({
        data: page === 1 ? [{ id: 1 }, { id: 2 }] : [{ id: 3 }],
        next: page === 1 ? `${BASE}items?page=2&api_key=k-123` : null,
      });
    }
    return json([{ n: 1 }]);
  });
  const source = restApiSource({
    name: "demo",
    client: { base_url: BASE },
    resources: [
      "items",
      { name: "details", endpoint: { path: "items/{resources.items.id}/details" } },
    ],
  }, { config: {}, deps, maxAttempts: 1, concurrency: 1, onEvent: (event) => events.push(event) });
  for await (const _ of source.extract()) { /* drain */ }
  const request = (url: string, resource: string) => ({
    type: "request",
    resource,
    method: "GET",
    url: `${BASE}${url}`,
    status: 200,
    ms: 0,
    attempt: 1,
  });
  const page = (resource: string, records: number, pages: number, recordsTotal: number) => ({
    type: "page",
    resource,
    records,
    pages,
    recordsTotal,
  });
  // The next page of items is prefetched while the children of page 1 run, so only the order
  // within a resource is fixed.
  const of = (resource: string) =>
    stable(events).filter((e) => (e as { resource?: string }).resource === resource);
  deepStrictEqual(of("items"), [
    request("items", "items"),
    page("items", 2, 1, 2),
    request("items?page=2&api_key=***", "items"),
    page("items", 1, 2, 3),
  ]);
  deepStrictEqual(of("details"), [
    request("items/1/details", "details"),
    page("details", 1, 1, 1),
    request("items/2/details", "details"),
    page("details", 1, 2, 2),
    request("items/3/details", "details"),
    page("details", 1, 3, 3),
  ]);
  deepStrictEqual(events.length, 10);
});

Deno.test("extract() passes retry waits of its requests on as rate_limit_wait events", async () => {
  const events: DltxEvent[] = [];
  const deps = fakeDeps((_url, call) =>
    call === 1 ? json({}, 429, { "retry-after": "2" }) : json([{ id: 1 }])
  );
  const source = restApiSource(
    { name: "demo", client: { base_url: BASE, paginator: "single_page" }, resources: ["items"] },
    { config: {}, deps, onEvent: (event) => events.push(event) },
  );
  for await (const _ of source.extract()) { /* drain */ }
  deepStrictEqual(events.map((e) => e.type), [
    "rate_limit_pause",
    "request",
    "rate_limit_wait",
    "request",
    "page",
  ]);
  deepStrictEqual(events[2], {
    type: "rate_limit_wait",
    resource: "items",
    url: `${BASE}items`,
    status: 429,
    seconds: 2,
    attempt: 1,
  });
});
