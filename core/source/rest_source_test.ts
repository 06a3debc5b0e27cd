import { deepStrictEqual, equal, match, ok, rejects, throws } from "node:assert/strict";
import type { Deps } from "../deps.ts";
import { ConfigError, DataError } from "../errors.ts";
import { memoryLogger } from "../log.ts";
import { restApiSource, type RestApiSourceOptions } from "./rest_source.ts";
import type { Connector, ResourcePage } from "./types.ts";

const BASE = "https://api.test/v1/";

/** A fake API over real Request/Response objects; records every request. */
function fakeApi(handler: (req: Request, url: URL) => Response | Promise<Response>) {
  const requests: Request[] = [];
  const deps: Deps = {
    fetch: async (input, init) => {
      const req = new Request(input, init);
      requests.push(req.clone());
      return await handler(req, new URL(req.url));
    },
    now: () => new Date("2024-01-01T00:00:00Z"),
    sleep: () => Promise.resolve(),
  };
  return { deps, requests, urls: () => requests.map((r) => r.url.replace(BASE, "")) };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

async function collect(
  connector: Connector,
  options: Omit<RestApiSourceOptions, "config"> & { config?: Record<string, unknown> },
  resources?: string[],
): Promise<ResourcePage[]> {
  const source = restApiSource(connector, { config: {}, maxAttempts: 1, ...options });
  const pages: ResourcePage[] = [];
  for await (const page of source.extract({ resources })) pages.push(page);
  return pages;
}

/** Pages as `resource: ids` lines, to compare order at a glance. */
function outline(pages: ResourcePage[]): string[] {
  return pages.map((p) =>
    `${p.resource}: ${p.records.map((r) => (r as { id: unknown }).id).join(",")}`
  );
}

Deno.test("extract() follows json_link pages, detecting the paginator and the records", async () => {
  const api = fakeApi((_req, url) => {
    const page = Number(url.searchParams.get("page") ?? 1);
    return json({
      data: [{ id: page * 10 }, { id: page * 10 + 1 }],
      next: page < 3 ? `${BASE}items?page=${page + 1}` : null,
    });
  });
  const logger = memoryLogger();
  const pages = await collect(
    { name: "demo", client: { base_url: BASE }, resources: ["items"] },
    { deps: api.deps, logger },
  );
  deepStrictEqual(outline(pages), ["items: 10,11", "items: 20,21", "items: 30,31"]);
  deepStrictEqual(api.urls(), ["items", "items?page=2", "items?page=3"]);
  ok(
    logger.lines.some((l) =>
      l.startsWith('info: Resource "items": detected paginator json_link (')
    ),
    logger.lines.join("\n"),
  );
});

Deno.test("extract() pages with an offset paginator and merges client and endpoint headers", async () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({ id: i }));
  const api = fakeApi((_req, url) => {
    const offset = Number(url.searchParams.get("offset"));
    const limit = Number(url.searchParams.get("limit"));
    return json({ total: rows.length, results: rows.slice(offset, offset + limit) });
  });
  const pages = await collect(
    {
      name: "demo",
      config: { token: { secret: true } },
      client: {
        base_url: BASE,
        headers: { "X-Client": "c", "X-Both": "client" },
        auth: { type: "bearer", token: "{token}" },
      },
      resources: [{
        name: "rows",
        endpoint: {
          path: "/rows",
          params: { sort: "id", empty: null },
          headers: { "X-Both": "endpoint" },
          data_selector: "results",
          paginator: { type: "offset", limit: 2, total_path: "total" },
        },
      }],
    },
    { deps: api.deps, config: { token: "t0k3n" } },
  );
  deepStrictEqual(outline(pages), ["rows: 0,1", "rows: 2,3", "rows: 4"]);
  deepStrictEqual(api.urls(), [
    "rows?sort=id&offset=0&limit=2",
    "rows?sort=id&offset=2&limit=2",
    "rows?sort=id&offset=4&limit=2",
  ]);
  const headers = api.requests[0].headers;
  equal(headers.get("x-client"), "c");
  equal(headers.get("x-both"), "endpoint");
  equal(headers.get("authorization"), "Bearer t0k3n");
});

const ISSUES = [{ id: 1, user: { login: "ann" } }, { id: 2, user: { login: "bob" } }, {
  id: 3,
  user: { login: "cy" },
}];

function trackerApi(req: Request, url: URL): Response {
  if (url.pathname === "/v1/issues") {
    // two pages of issues: [1, 2] then [3]
    const page = Number(url.searchParams.get("page") ?? 1);
    const body = page === 1 ? ISSUES.slice(0, 2) : ISSUES.slice(2);
    return json({ items: body, next: page === 1 ? "/v1/issues?page=2" : null });
  }
  const m = url.pathname.match(/^\/v1\/issues\/(\d+)\/comments$/);
  if (m) {
    const n = Number(m[1]);
    if (n === 2 && req.method === "GET") return json({ message: "Not Found" }, 404);
    return json(Array.from({ length: n }, (_, i) => ({ id: n * 10 + i })));
  }
  const one = url.pathname.match(/^\/v1\/issues\/(\d+)$/);
  if (one) return json({ id: Number(one[1]), detail: true, next: "/never" });
  return json({ message: "no route" }, 500);
}

const tracker = (extra: Partial<Connector["resources"][number] & object> = {}): Connector => ({
  name: "tracker",
  client: { base_url: BASE, paginator: { type: "json_link", next_url_path: "next" } },
  resources: [
    { name: "issues", endpoint: { path: "issues", data_selector: "items" } },
    {
      name: "comments",
      include_from_parent: ["id", "user.login"],
      endpoint: {
        path: "issues/{resources.issues.id}/comments",
        paginator: "single_page",
        response_actions: [{ status_code: 404, action: "ignore" }],
      },
      ...extra,
    },
  ],
});

Deno.test("extract() at concurrency 1 runs children right after each parent page, with parent fields", async () => {
  const api = fakeApi(trackerApi);
  const pages = await collect(tracker(), { deps: api.deps, concurrency: 1 });
  // issue 2's comments answer 404, which response_actions ignore
  deepStrictEqual(outline(pages), [
    "issues: 1,2",
    "comments: 10",
    "issues: 3",
    "comments: 30,31,32",
  ]);
  deepStrictEqual(pages[1].records, [{ id: 10, _issues_id: 1, _issues_user__login: "ann" }]);
  // the next issues page was requested before the comments of the first page
  deepStrictEqual(api.urls(), [
    "issues",
    "issues?page=2",
    "issues/1/comments",
    "issues/2/comments",
    "issues/3/comments",
  ]);
});

Deno.test("extract() fetches an unselected parent for its children without yielding it", async () => {
  const api = fakeApi(trackerApi);
  const connector = tracker();
  (connector.resources[0] as { selected?: boolean }).selected = false;
  const source = restApiSource(connector, { config: {}, deps: api.deps });
  deepStrictEqual(
    source.resources.map((r) => [r.name, r.selected, r.parent]),
    [["issues", false, undefined], ["comments", true, "issues"]],
  );
  const pages = await collect(connector, { deps: api.deps });
  deepStrictEqual(outline(pages), ["comments: 10", "comments: 30,31,32"]);
  // --resources comments: the selected parent is fetched too but not yielded
  const only = await collect(tracker(), { deps: fakeApi(trackerApi).deps }, ["comments"]);
  deepStrictEqual(outline(only), ["comments: 10", "comments: 30,31,32"]);
  // --resources issues: children do not run
  const api2 = fakeApi(trackerApi);
  const parents = await collect(tracker(), { deps: api2.deps }, ["issues"]);
  deepStrictEqual(outline(parents), ["issues: 1,2", "issues: 3"]);
  equal(api2.requests.length, 2);
});

Deno.test("extract() applies processing_steps in order, after parent fields", async () => {
  const api = fakeApi(trackerApi);
  const pages = await collect(
    tracker({
      processing_steps: [
        { filter: (r) => r._issues_id !== 3 || (r.id as number) > 30 },
        { map: (r) => ({ id: r.id, by: r._issues_user__login }) },
      ],
    }),
    { deps: api.deps },
  );
  deepStrictEqual(pages.filter((p) => p.resource === "comments").map((p) => p.records), [
    [{ id: 10, by: "ann" }],
    [{ id: 31, by: "cy" }, { id: 32, by: "cy" }],
  ]);
});

Deno.test("extract() uses selector $ and one page for a single-entity child path", async () => {
  // Concurrency 1: depth first, so the order of pages is fixed.
  const api = fakeApi(trackerApi);
  const pages = await collect(
    {
      name: "tracker",
      client: { base_url: BASE, paginator: "json_link" },
      resources: [
        { name: "issues", endpoint: { path: "issues", data_selector: "items" } },
        {
          name: "issue",
          endpoint: {
            path: "issues/{issue_id}",
            params: { issue_id: { type: "resolve", resource: "issues", field: "id" } },
          },
        },
      ],
    },
    { deps: api.deps, concurrency: 1 },
  );
  deepStrictEqual(outline(pages), [
    "issues: 1,2",
    "issue: 1",
    "issue: 2",
    "issues: 3",
    "issue: 3",
  ]);
  // the resolve param is bound in the path, not sent as a query param; no "/never" request
  ok(api.urls().includes("issues/1"));
  ok(!api.urls().some((u) => u.includes("never") || u.includes("issue_id")));
});

Deno.test("extract() prefetches the next page while the current one is processed, in order", async () => {
  const started: number[] = [];
  const finish = new Map<number, () => void>();
  const api = fakeApi(async (_req, url) => {
    const page = Number(url.searchParams.get("page") ?? 1);
    started.push(page);
    // page 2 answers only when the test says so
    if (page === 2) await new Promise<void>((resolve) => finish.set(page, resolve));
    return json({ items: [{ id: page }], next: page < 3 ? `/v1/items?page=${page + 1}` : null });
  });
  const source = restApiSource(
    { name: "demo", client: { base_url: BASE, paginator: "json_link" }, resources: ["items"] },
    { config: {}, deps: api.deps },
  );
  const it = source.extract()[Symbol.asyncIterator]();
  const first = await it.next();
  deepStrictEqual(first.value?.records, [{ id: 1 }]);
  // page 2 is already on its way while page 1 is with the consumer
  deepStrictEqual(started, [1, 2]);
  const second = it.next();
  await new Promise((r) => setTimeout(r, 5));
  finish.get(2)!();
  deepStrictEqual((await second).value?.records, [{ id: 2 }]);
  deepStrictEqual((await it.next()).value?.records, [{ id: 3 }]);
  equal((await it.next()).done, true);
  deepStrictEqual(started, [1, 2, 3]);
});

Deno.test("extract() stopped early aborts the prefetched request", async () => {
  let aborted = false;
  const api = fakeApi((req, url) => {
    const page = Number(url.searchParams.get("page") ?? 1);
    if (page === 1) return json({ items: [{ id: 1 }], next: "/v1/items?page=2" });
    return new Promise((_resolve, reject) => {
      req.signal.addEventListener("abort", () => {
        aborted = true;
        reject(req.signal.reason);
      });
    });
  });
  const source = restApiSource(
    { name: "demo", client: { base_url: BASE, paginator: "json_link" }, resources: ["items"] },
    { config: {}, deps: api.deps },
  );
  for await (const _page of source.extract()) break;
  equal(aborted, true);
});

Deno.test("extract() rejects an unknown resource in --resources, listing the available ones", async () => {
  const source = restApiSource(tracker(), { config: {} });
  await rejects(
    async () => {
      for await (const _ of source.extract({ resources: ["coments"] })) { /* nothing */ }
    },
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Unknown resource "coments"; did you mean "comments"?; available resources: issues, comments',
  );
});

Deno.test("extract() sends POST with a json body filled from config and parent fields", async () => {
  const api = fakeApi(async (req, url) => {
    if (url.pathname === "/v1/projects") return json([{ id: "p1" }, { id: "p2" }]);
    const body = await req.json();
    return json({ hits: [{ id: `${body.project}-${body.size}` }] });
  });
  const pages = await collect(
    {
      name: "search",
      config: { size: { default: 25 } },
      client: { base_url: BASE },
      resources: [
        { name: "projects", endpoint: { path: "projects", paginator: "single_page" } },
        {
          name: "hits",
          endpoint: {
            path: "search",
            method: "POST",
            json: { project: "{resources.projects.id}", size: "{size}", q: "{{raw}}" },
            paginator: "single_page",
            data_selector: "hits",
          },
        },
      ],
    },
    { deps: api.deps },
  );
  deepStrictEqual(outline(pages), ["projects: p1,p2", "hits: p1-25", "hits: p2-25"]);
  const post = api.requests[1];
  equal(post.method, "POST");
  equal(post.headers.get("content-type"), "application/json");
  deepStrictEqual(await post.json(), { project: "p1", size: 25, q: "{raw}" });
});

Deno.test("restApiSource() adds secret config values and auth credentials to the masker", () => {
  const added: string[] = [];
  const masker = { add: (s: string) => added.push(s), mask: (t: string) => t };
  restApiSource(
    {
      name: "demo",
      config: { key: { secret: true }, user: {} },
      client: {
        base_url: BASE,
        auth: { type: "http_basic", username: "{user}", password: "pw-{key}" },
      },
      resources: ["a"],
    },
    { config: { key: "k-123", user: "ann" }, masker },
  );
  ok(added.includes("k-123"));
  ok(added.includes("pw-k-123"));
  equal(added.includes("ann"), false, "a plain config value is no secret");
});

Deno.test("restApiSource() fails early on unknown parents and placeholders", () => {
  throws(
    () =>
      restApiSource({
        name: "demo",
        client: { base_url: BASE },
        resources: ["issues", { name: "c", endpoint: "isues/{resources.isues.id}/c" }],
      }, { config: {} }),
    /Resource "c" refers to unknown parent resource "isues"; did you mean "issues"\?; resources: issues, c/,
  );
  throws(
    () =>
      restApiSource({
        name: "demo",
        client: { base_url: "{host}/api" },
        resources: ["issues"],
      }, { config: {} }),
    /client: unknown placeholder \{host\} in client\.base_url/,
  );
  throws(
    () =>
      restApiSource({
        name: "demo",
        client: { base_url: BASE },
        resources: [{ name: "a", include_from_parent: ["id"] }],
      }, { config: {} }),
    /Resource "a" has include_from_parent but no parent/,
  );
});

Deno.test("extract() names the resource when a data_selector matches nothing", async () => {
  const api = fakeApi(() => json({ results: [], count: 0 }));
  await rejects(
    collect({
      name: "demo",
      client: { base_url: BASE },
      resources: [{ name: "items", endpoint: { path: "items", data_selector: "data.items" } }],
    }, { deps: api.deps }),
    (e: unknown) =>
      e instanceof DataError &&
      e.message ===
        'Resource "items": data_selector "data.items" matched nothing in the response of GET ' +
          `${BASE}items; top-level keys: results, count`,
  );
});

Deno.test("extract() reports HTTP errors with the resource and the masked URL", async () => {
  const api = fakeApi(() => json({ message: "bad key" }, 401));
  await rejects(
    collect({
      name: "demo",
      client: {
        base_url: BASE,
        auth: { type: "api_key", name: "api_key", api_key: "sekr3t!", location: "query" },
      },
      resources: ["items"],
    }, { deps: api.deps }),
    (e: unknown) => {
      match(String((e as Error).message), /^Resource "items": 401 Client Error/);
      ok(!(e as Error).message.includes("sekr3t"));
      return true;
    },
  );
});

Deno.test("extract() gives each child series its own paginator and warns on a weak guess", async () => {
  const api = fakeApi((_req, url) => {
    if (url.pathname === "/v1/users") return json([{ id: 1 }, { id: 2 }]);
    const user = Number(url.pathname.split("/")[3]);
    const page = Number(url.searchParams.get("page") ?? 1);
    // user 1 has two pages of posts, user 2 one
    const last = user === 1 ? 2 : 1;
    return json({
      posts: [{ id: user * 100 + page }],
      next: page < last ? `/v1/users/${user}/posts?page=${page + 1}` : null,
    });
  });
  const logger = memoryLogger();
  const pages = await collect(
    {
      name: "blog",
      client: { base_url: BASE },
      resources: [
        "users",
        {
          name: "posts",
          endpoint: {
            path: "users/{resources.users.id}/posts",
            paginator: { type: "json_link", next_url_path: "next" },
          },
        },
      ],
    },
    { deps: api.deps, logger, concurrency: 1 },
  );
  deepStrictEqual(outline(pages), ["users: 1,2", "posts: 101", "posts: 102", "posts: 201"]);
  // `users` answers a bare list: single_page is a guess for a list of 2 records
  ok(
    logger.lines.some((l) =>
      l.startsWith('warn: Resource "users": detected paginator single_page (') &&
      l.endsWith("; this is a guess, set endpoint.paginator to be sure")
    ),
    logger.lines.join("\n"),
  );
});

Deno.test("extract() binds a static param named in the path, as dlt does", async () => {
  const api = fakeApi(() => json([{ id: 1 }]));
  await collect(
    {
      name: "demo",
      config: { org: {} },
      client: { base_url: BASE, paginator: "single_page" },
      resources: [{
        name: "repos",
        endpoint: { path: "orgs/{org_name}/repos", params: { org_name: "{org}", type: "all" } },
      }],
    },
    { deps: api.deps, config: { org: "acme" } },
  );
  deepStrictEqual(api.urls(), ["orgs/acme/repos?type=all"]);
});

Deno.test("restApiSource() asks for POST when a GET endpoint has a body", () => {
  throws(
    () =>
      restApiSource({
        name: "demo",
        client: { base_url: BASE },
        resources: [{ name: "search", endpoint: { json: { q: 1 } } }],
      }, { config: {} }),
    /Resource "search": endpoint has a json body but method GET; set endpoint\.method to POST/,
  );
});

Deno.test("extract() sends no credentials to a next page link on another origin, warning once", async () => {
  const OTHER = "https://mirror.test:8443/";
  const api = fakeApi((_req, url) => {
    const page = Number(url.searchParams.get("page") ?? 1);
    const next = page < 3 ? `${OTHER}items?page=${page + 1}` : undefined;
    return json({ data: [{ id: page }], next });
  });
  const logger = memoryLogger();
  const pages = await collect({
    name: "demo",
    client: {
      base_url: BASE,
      auth: { type: "api_key", name: "key", api_key: "k-secret-1", location: "query" },
      headers: { "x-trace": "t" },
      paginator: { type: "json_link" },
    },
    resources: ["items"],
  }, { deps: api.deps, logger });
  deepStrictEqual(outline(pages), ["items: 1", "items: 2", "items: 3"]);
  deepStrictEqual(api.requests.map((r) => r.url), [
    `${BASE}items?key=k-secret-1`,
    `${OTHER}items?page=2`,
    `${OTHER}items?page=3`,
  ]);
  equal(api.requests[1].headers.get("x-trace"), "t", "other headers still go");
  deepStrictEqual(logger.lines.filter((l) => l.startsWith("warn:")), [
    'warn: Resource "items": not sending credentials to https://mirror.test:8443: they go only ' +
    'to the origin of client.base_url (https://api.test); add "https://mirror.test:8443" to ' +
    "client.auth_hosts to send them there too",
  ]);
});

Deno.test("extract() sends credentials to the origins in client.auth_hosts", async () => {
  const api = fakeApi((_req, url) =>
    json({
      data: [{ id: url.host }],
      next: url.host === "api.test" ? "https://cdn.test/items?page=2" : undefined,
    })
  );
  const logger = memoryLogger();
  await collect({
    name: "demo",
    client: {
      base_url: BASE,
      auth: { token: "tok-1234" },
      auth_hosts: ["cdn.test"],
      paginator: { type: "json_link" },
    },
    resources: ["items"],
  }, { deps: api.deps, logger });
  deepStrictEqual(api.requests.map((r) => r.headers.get("authorization")), [
    "Bearer tok-1234",
    "Bearer tok-1234",
  ]);
  equal(logger.lines.some((l) => l.startsWith("warn:")), false, logger.lines.join("\n"));
});

Deno.test("restApiSource() rejects a client.auth_hosts entry that is not an origin", () => {
  throws(
    () =>
      restApiSource({
        name: "demo",
        client: { base_url: BASE, auth_hosts: ["https://cdn.test/v1", "{host}"] },
        config: { host: {} },
        resources: ["items"],
      }, { config: { host: "cdn.test/x" } }),
    (error: Error) => {
      equal(error.name, "ConfigError");
      match(
        error.message,
        /client\.auth_hosts\[0\] has a path, query or fragment \(got "https:\/\/cdn\.test\/v1"\); write an origin such as https:\/\/api2\.example\.com/,
      );
      return true;
    },
  );
  // A placeholder entry is checked once filled in.
  throws(
    () =>
      restApiSource({
        name: "demo",
        client: { base_url: BASE, auth_hosts: ["{host}"] },
        config: { host: {} },
        resources: ["items"],
      }, { config: { host: "cdn.test/x" } }),
    /client\.auth_hosts entry "cdn\.test\/x" has a path, query or fragment/,
  );
});
