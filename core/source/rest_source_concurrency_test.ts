import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import type { Deps } from "../deps.ts";
import { restApiSource, type RestApiSourceOptions } from "./rest_source.ts";
import type { Connector, ResourcePage } from "./types.ts";

const BASE = "https://api.test/v1/";

/**
 * A fake API whose answers take `delayMs` of real time, counting the requests in flight (the
 * most at once) and recording every URL, and the paths in flight whenever one starts beside
 * others (`together`, a parent's `users` and its children's `users/<id>/posts` alike).
 */
function slowApi(handler: (url: URL) => Response | Promise<Response>, delayMs = 5) {
  let inFlight = 0;
  let peak = 0;
  const urls: string[] = [];
  const kinds: string[] = [];
  const together: string[][] = [];
  const deps: Deps = {
    fetch: async (input, init) => {
      const url = new URL(String(input));
      urls.push(url.href.replace(BASE, ""));
      peak = Math.max(peak, ++inFlight);
      const kind = url.pathname.replace(/\/\d+\//, "/<id>/");
      kinds.push(kind);
      if (kinds.length > 1) together.push([...kinds].sort());
      try {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, delayMs);
          init?.signal?.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(init.signal!.reason);
          });
        });
        return await handler(url);
      } finally {
        inFlight--;
        kinds.splice(kinds.indexOf(kind), 1);
      }
    },
    now: () => new Date("2024-01-01T00:00:00Z"),
    sleep: () => Promise.resolve(),
  };
  return { deps, urls, peak: () => peak, together };
}

function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

async function collect(
  connector: Connector,
  options: Omit<RestApiSourceOptions, "config">,
): Promise<ResourcePage[]> {
  const source = restApiSource(connector, { config: {}, maxAttempts: 1, ...options });
  const pages: ResourcePage[] = [];
  for await (const page of source.extract()) pages.push(page);
  return pages;
}

const ids = (pages: ResourcePage[], resource: string) =>
  pages.filter((p) => p.resource === resource).flatMap((p) =>
    p.records.map((r) => (r as { id: number }).id)
  );

/** 10 users, each with 3 posts; users come in pages of 2 with a total of pages. */
function blogApi(url: URL): Response {
  const match = url.pathname.match(/^\/v1\/users\/(\d+)\/posts$/);
  if (match) {
    const user = Number(match[1]);
    return json([1, 2, 3].map((n) => ({ id: user * 10 + n, title: `post ${n}` })));
  }
  const page = Number(url.searchParams.get("page"));
  return json({
    data: [page * 2 - 1, page * 2].map((id) => ({ id, tags: [{ name: `t${id}` }] })),
    total_pages: 5,
  });
}

const blog: Connector = {
  name: "blog",
  client: {
    base_url: BASE,
    paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
  },
  resources: [
    { name: "users", endpoint: { path: "users", data_selector: "data" } },
    {
      name: "posts",
      endpoint: { path: "users/{resources.users.id}/posts", paginator: "single_page" },
      include_from_parent: ["id"],
    },
  ],
};

Deno.test("extract() keeps requests in flight under the concurrency and yields the same records as concurrency 1", async () => {
  const sequential = slowApi(blogApi);
  const one = await collect(blog, { deps: sequential.deps, concurrency: 1 });
  // Concurrency 1 is depth first: one child at a time, the parent's next page beside it.
  equal(sequential.peak(), 2, "concurrency 1: a parent's next page beside one child");
  ok(sequential.together.length > 0);
  for (const kinds of sequential.together) {
    deepStrictEqual(kinds, ["/v1/users", "/v1/users/<id>/posts"]);
  }
  const concurrent = slowApi(blogApi);
  const four = await collect(blog, { deps: concurrent.deps, concurrency: 4 });
  equal(concurrent.peak(), 4, "children and pages ahead fill the four places");
  // Users come page by page in order; posts of different users interleave.
  deepStrictEqual(ids(four, "users"), ids(one, "users"));
  deepStrictEqual(ids(four, "users"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const sorted = (pages: ResourcePage[]) =>
    pages.filter((p) => p.resource === "posts").flatMap((p) => p.records)
      .sort((a, b) => (a as { id: number }).id - (b as { id: number }).id);
  deepStrictEqual(sorted(four), sorted(one));
  equal(sorted(four).length, 30);
  deepStrictEqual(sorted(four)[0], { id: 11, title: "post 1", _users_id: 1 });
  deepStrictEqual(concurrent.urls.length, sequential.urls.length, "no request more");
});

Deno.test("extract() fetches pages of a page_number endpoint with a total ahead, and reads them in order", async () => {
  const api = slowApi((url) => {
    const page = Number(url.searchParams.get("page"));
    return json({ data: [{ id: page }], total_pages: 12 });
  }, 10);
  const source = restApiSource({
    name: "pages",
    client: {
      base_url: BASE,
      paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
    },
    resources: [{ name: "items", endpoint: { data_selector: "data" } }],
  }, { config: {}, deps: api.deps, concurrency: 4 });
  const pages: ResourcePage[] = [];
  for await (const page of source.extract()) pages.push(page);
  deepStrictEqual(ids(pages, "items"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  equal(api.peak(), 4);
  // Exactly the 12 pages: a known total wastes no request.
  deepStrictEqual(
    api.urls.sort(),
    Array.from({ length: 12 }, (_, i) => `items?page=${i + 1}`).sort(),
  );
  deepStrictEqual(source.stats!().items.requests, 12);
});

Deno.test("extract() drops pages fetched ahead past where a page-by-page series stops", async () => {
  // maximum_offset 100 allows ten pages of 10, but the data ends after 35 records.
  const handler = (url: URL) => {
    const offset = Number(url.searchParams.get("offset"));
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: offset + i }))
      .filter((r) => r.id < 35);
    return json(rows);
  };
  const api = slowApi(handler);
  const connector: Connector = {
    name: "offsets",
    client: {
      base_url: BASE,
      paginator: { type: "offset", limit: 10, total_path: null, maximum_offset: 100 },
    },
    resources: ["items"],
  };
  const four = await collect(connector, { deps: api.deps, concurrency: 4 });
  const sequential = slowApi(handler);
  const one = await collect(connector, { deps: sequential.deps, concurrency: 1 });
  deepStrictEqual(ids(four, "items"), Array.from({ length: 35 }, (_, i) => i));
  deepStrictEqual(ids(four, "items"), ids(one, "items"));
  equal(sequential.urls.length, 5);
  equal(api.peak(), 4, "pages were asked for ahead");
  // The empty page at offset 40 ends the series; guesses past it were asked for and dropped.
  ok(api.urls.includes("items?offset=40&limit=10"));
  ok(api.urls.length <= 4 + 4, `${api.urls.length} requests`);
});

Deno.test("extract() follows a server that caps header_range pages, fetching ahead at its page size", async () => {
  const total = 23;
  const api = slowApi((url) => {
    // The server sends fewer rows than asked (PostgREST's db-max-rows): 5 below row 10, then 7.
    const offset = Number(url.searchParams.get("offset"));
    const last = Math.min(offset + (offset < 10 ? 5 : 7), total) - 1;
    const rows = [];
    for (let id = offset; id <= last; id++) rows.push({ id });
    return json(rows, 200, { "content-range": `${offset}-${last}/${total}` });
  });
  const connector: Connector = {
    name: "ranges",
    client: {
      base_url: BASE,
      paginator: { type: "header_range", limit: 10, offset_param: "offset" },
    },
    resources: ["rows"],
  };
  const pages = await collect(connector, { deps: api.deps, concurrency: 4 });
  // Every row once: guesses that were not the next page were dropped.
  deepStrictEqual(ids(pages, "rows"), Array.from({ length: total }, (_, i) => i));
  // After the first page (5 rows) the pages ahead start at 10, 15, 20; 10 is right, but the
  // page at 10 holds 7 rows, so the next is 17, not 15: the guesses at 15 and 20 are dropped.
  const offsets = api.urls.map((u) => Number(new URL(u, BASE).searchParams.get("offset")));
  deepStrictEqual(offsets.sort((a, b) => a - b), [0, 5, 10, 15, 17, 20]);
  ok(api.peak() > 1);
});

Deno.test("extract() keeps a parallelized: false resource and a row_order series sequential", async () => {
  const api = slowApi(blogApi);
  const connector: Connector = {
    ...blog,
    resources: [
      { name: "users", endpoint: { path: "users", data_selector: "data" }, parallelized: false },
      {
        name: "posts",
        endpoint: { path: "users/{resources.users.id}/posts", paginator: "single_page" },
        parallelized: false,
      },
    ],
  };
  const pages = await collect(connector, { deps: api.deps, concurrency: 8 });
  // Both resources one request at a time (the users' next page may overlap a post request).
  ok(api.peak() <= 2, `peak ${api.peak()}`);
  deepStrictEqual(ids(pages, "posts").length, 30);
  // Posts in the order of their users, as sequential as it gets.
  const postUsers = api.urls.filter((u) => u.endsWith("/posts")).map((u) =>
    Number(u.split("/")[1])
  );
  deepStrictEqual(postUsers, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

  const sorted = slowApi((url) => {
    const page = Number(url.searchParams.get("page"));
    return json({ data: [{ id: page, at: page }], total_pages: 6 });
  });
  const incremental: Connector = {
    name: "sorted",
    client: {
      base_url: BASE,
      paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
    },
    resources: [{
      name: "events",
      endpoint: { data_selector: "data" },
      incremental: { cursor_path: "at", initial_value: 0, end_value: 3, row_order: "asc" },
    }],
  };
  const events = await collect(incremental, { deps: sorted.deps, concurrency: 8 });
  deepStrictEqual(ids(events, "events"), [1, 2]);
  // Page by page: the out-of-range record on page 3 ends it; nothing was asked ahead.
  deepStrictEqual(sorted.urls, ["events?page=1", "events?page=2", "events?page=3"]);
  equal(sorted.peak(), 1);
});

Deno.test("extract() fails with the first failing request and cancels the others", async () => {
  const api = slowApi((url) => {
    const user = url.pathname.match(/users\/(\d+)\/posts/)?.[1];
    if (user === "3") return json({ message: "gone" }, 410);
    return blogApi(url);
  }, 20);
  await rejects(
    collect(blog, { deps: api.deps, concurrency: 4 }),
    /Resource "posts": 410 Client Error: Gone for url: https:\/\/api\.test\/v1\/users\/3\/posts/,
  );
  // The run stopped: not every page and child was requested.
  ok(api.urls.length < 15, `${api.urls.length} requests`);
});
