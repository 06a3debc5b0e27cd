import { deepEqual, equal } from "node:assert/strict";
import { json, serveApi } from "./_helpers.ts";

Deno.test("serveApi() routes by path pattern, passes Responses through and answers 404", async () => {
  await using server = serveApi({
    "/items": (url) => [{ since: url.searchParams.get("since") }],
    "/tickets/:id(\\d+)/comments": (_url, params) => ({ ticket: Number(params.id) }),
    "/down": () => json({ message: "upstream down" }, { status: 503 }),
  });
  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`);
    return [res.status, res.headers.get("content-type"), await res.json()];
  };
  deepEqual(await get("/items?since=2024"), [200, "application/json", [{ since: "2024" }]]);
  deepEqual(await get("/tickets/7/comments"), [200, "application/json", { ticket: 7 }]);
  deepEqual(await get("/down"), [503, "application/json", { message: "upstream down" }]);
  deepEqual(await get("/tickets/x/comments"), [404, "application/json", {
    message: "not found",
  }]);
  deepEqual(await get("/items/1"), [404, "application/json", { message: "not found" }]);
  equal(server.requests.length, 5);
  equal(new URL(server.requests[0].url).search, "?since=2024");
});

Deno.test("serveApi() with one handler answers every path, async answers awaited", async () => {
  await using server = serveApi(async (url) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return { path: url.pathname };
  });
  for (const path of ["/", "/a/b"]) {
    const res = await fetch(`${server.url}${path}`);
    deepEqual([res.status, await res.json()], [200, { path }]);
  }
});
