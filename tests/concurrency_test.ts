/**
 * Concurrent extraction end to end: the CLI against local servers that count the requests in
 * flight, answer slowly, rate limit, and fail.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { json, serve, type TempProject, tempProject } from "./_helpers.ts";

/**
 * Counts requests in flight; `peak` is the most at once, `together` the kinds in flight each
 * time a request started beside others.
 */
function gauge() {
  let now = 0;
  const kinds: string[] = [];
  const g = {
    peak: 0,
    together: [] as string[][],
    async around<T>(work: () => Promise<T>, kind = ""): Promise<T> {
      g.peak = Math.max(g.peak, ++now);
      kinds.push(kind);
      if (kinds.length > 1) g.together.push([...kinds].sort());
      try {
        return await work();
      } finally {
        now--;
        kinds.splice(kinds.indexOf(kind), 1);
      }
    },
    get now() {
      return now;
    },
  };
  return g;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A shop: 6 pages of 5 orders (page_number with a total), each order with its lines at
 * `/orders/<id>/lines` and a nested list of tags.
 */
function shopApi(options: { delayMs?: number; failOrder?: number } = {}) {
  const inFlight = gauge();
  const server = serve((req) =>
    inFlight.around(async () => {
      await sleep(options.delayMs ?? 20);
      const url = new URL(req.url);
      const lines = url.pathname.match(/^\/orders\/(\d+)\/lines$/);
      if (lines) {
        const order = Number(lines[1]);
        if (order === options.failOrder) return json({ message: "broken" }, { status: 400 });
        return json(
          Array.from({ length: order % 3 + 1 }, (_, i) => ({
            line_no: i + 1,
            sku: `sku-${order}-${i}`,
            parts: [{ part: `p${order}.${i}` }, { part: "common" }],
          })),
        );
      }
      const page = Number(url.searchParams.get("page") ?? 1);
      return json({
        data: Array.from({ length: 5 }, (_, i) => {
          const id = (page - 1) * 5 + i + 1;
          return { id, total: id * 10, tags: [`t${id % 4}`, `u${id % 3}`] };
        }),
        total_pages: 6,
      });
    }, new URL(req.url).pathname.endsWith("/lines") ? "lines" : "orders")
  );
  return Object.assign(server, { inFlight });
}

function shopConnector(baseUrl: string, client: Record<string, unknown> = {}) {
  return {
    name: "shop",
    client: {
      base_url: baseUrl,
      paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
      ...client,
    },
    resources: [
      { name: "orders", primary_key: "id", endpoint: { path: "orders", data_selector: "data" } },
      {
        name: "lines",
        include_from_parent: ["id"],
        endpoint: { path: "orders/{resources.orders.id}/lines", paginator: "single_page" },
      },
    ],
  };
}

/** Every row of the shop's tables, child rows by their parent's key (not its random `_dlt_id`). */
async function shopRows(p: TempProject, pipeline: string) {
  const db = `${pipeline}.duckdb`;
  const ds = `${pipeline}_dataset`;
  const q = (sql: string) => p.query(db, sql);
  return {
    orders: await q(`SELECT id, total FROM ${ds}.orders ORDER BY id`),
    orderTags: await q(
      `SELECT o.id, t.value, t._dlt_list_idx FROM ${ds}.orders__tags t
         JOIN ${ds}.orders o ON t._dlt_parent_id = o._dlt_id ORDER BY 1, 3`,
    ),
    lines: await q(
      `SELECT _orders_id, line_no, sku FROM ${ds}.lines ORDER BY 1, 2`,
    ),
    parts: await q(
      `SELECT l.sku, p.part, p._dlt_list_idx FROM ${ds}.lines__parts p
         JOIN ${ds}.lines l ON p._dlt_parent_id = l._dlt_id ORDER BY 1, 3`,
    ),
  };
}

Deno.test("--concurrency bounds the requests in flight, and the rows are the same at 1 and 8", async () => {
  await using api = shopApi();
  await using p = await tempProject();
  const file = await p.writeConnector(shopConnector(api.url));

  const one = await p.dltx(["run", file, "--pipeline", "one", "--concurrency", "1"]);
  equal(one.code, 0, one.stderr);
  // --concurrency 1 is depth first, as dltx always was: the children one at a time, with the
  // parent list's next page on its way beside them (never two children, never two pages).
  equal(api.inFlight.peak, 2, "--concurrency 1: a parent's next page beside one child");
  ok(api.inFlight.together.length > 0);
  for (const kinds of api.inFlight.together) deepEqual(kinds, ["lines", "orders"]);

  // Without children to run beside, 1 is one request at a time, pages fetched ahead included.
  api.inFlight.peak = 0;
  const alone = await p.dltx([
    "run",
    file,
    "--pipeline",
    "alone",
    "--concurrency",
    "1",
    "--resources",
    "orders",
  ]);
  equal(alone.code, 0, alone.stderr);
  equal(api.inFlight.peak, 1, "--concurrency 1 without children: one request at a time");

  api.inFlight.peak = 0;
  const eight = await p.dltx(["run", file, "--pipeline", "eight"]);
  equal(eight.code, 0, eight.stderr);
  equal(api.inFlight.peak, 8, "the default, 8, is reached and never passed");

  api.inFlight.peak = 0;
  const three = await p.dltx(["run", file, "--pipeline", "three"], {
    SOURCES__SHOP__CONCURRENCY: "3",
  });
  equal(three.code, 0, three.stderr);
  equal(api.inFlight.peak, 3, "SOURCES__SHOP__CONCURRENCY");

  const rows = await shopRows(p, "one");
  equal(rows.orders.length, 30);
  equal(rows.lines.length, 60);
  equal(rows.parts.length, 120);
  deepEqual(await shopRows(p, "eight"), rows);
  deepEqual(await shopRows(p, "three"), rows);

  // The trace tells per resource what its requests did.
  const trace = await p.dltx(["pipeline", "eight", "trace", "--format", "json"]);
  const step = JSON.parse(trace.stdout).steps[0];
  deepEqual(
    { ...step.resources.lines, seconds: 0 },
    { requests: 30, pages: 30, records: 60, retries: 0, wait_seconds: 0, seconds: 0 },
  );
  ok(step.resources.lines.seconds > 0);
});

Deno.test("client.concurrency in the connector, and --concurrency over it", async () => {
  await using api = shopApi();
  await using p = await tempProject();
  const file = await p.writeConnector(shopConnector(api.url, { concurrency: 2 }));
  const two = await p.dltx(["run", file, "--pipeline", "two"]);
  equal(two.code, 0, two.stderr);
  equal(api.inFlight.peak, 2);
  api.inFlight.peak = 0;
  const five = await p.dltx(["run", file, "--pipeline", "five", "--concurrency", "5"]);
  equal(five.code, 0, five.stderr);
  equal(api.inFlight.peak, 5);
  const bad = await p.dltx(["run", file, "--concurrency", "0"]);
  equal(bad.code, 2);
  match(bad.stderr, /--concurrency must be a positive integer, got "0"/);
  const badEnv = await p.dltx(["run", file], { SOURCES__SHOP__CONCURRENCY: "many" });
  equal(badEnv.code, 1);
  match(badEnv.stderr, /sources\.shop\.concurrency must be a positive integer \(got "many"\)/);
});

Deno.test("a failure in one of the concurrent requests fails the run and commits nothing", async () => {
  await using api = shopApi({ failOrder: 17 });
  await using p = await tempProject();
  const file = await p.writeConnector(shopConnector(api.url));
  const res = await p.dltx(["run", file]);
  equal(res.code, 1);
  match(
    res.stderr,
    /Resource "lines": 400 Client Error: Bad Request for url: http:\/\/127\.0\.0\.1:\d+\/orders\/17\/lines/,
  );
  const tables = await p.query(
    "shop_pipeline.duckdb",
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'shop_pipeline_dataset'",
  ).catch(() => []);
  deepEqual(tables, [], "nothing committed");
});

/** Pages of `total` items, in three paginator styles, each counted by the server. */
function pagedApi(total: number) {
  const inFlight = gauge();
  const item = (id: number) => ({ id, name: `item ${id}` });
  const server = serve((req) =>
    inFlight.around(async () => {
      await sleep(15);
      const url = new URL(req.url);
      if (url.pathname === "/by_offset") {
        const offset = Number(url.searchParams.get("offset"));
        const limit = Number(url.searchParams.get("limit"));
        const items = [];
        for (let id = offset; id < Math.min(offset + limit, total); id++) items.push(item(id));
        return json({ items, total });
      }
      if (url.pathname === "/by_page") {
        const page = Number(url.searchParams.get("page"));
        const items = [];
        for (let id = page * 10; id < Math.min(page * 10 + 10, total); id++) items.push(item(id));
        return json({ items, pages: Math.ceil(total / 10) });
      }
      // PostgREST: Range in, Content-Range out, at most 8 rows an answer.
      const [from, to] = (req.headers.get("range") ?? "0-9").split("-").map(Number);
      const last = Math.min(to, from + 7, total - 1);
      const items = [];
      for (let id = from; id <= last; id++) items.push(item(id));
      return json(items, { headers: { "content-range": `${from}-${last}/${total}` } });
    })
  );
  return Object.assign(server, { inFlight });
}

Deno.test("pages of offset, page_number and header_range endpoints come in parallel, each row once", async () => {
  const total = 97;
  await using api = pagedApi(total);
  await using p = await tempProject();
  const file = await p.writeConnector({
    name: "paged",
    client: { base_url: api.url },
    resources: [
      {
        name: "by_offset",
        endpoint: {
          data_selector: "items",
          paginator: { type: "offset", limit: 10, total_path: "total" },
        },
      },
      {
        name: "by_page",
        endpoint: {
          data_selector: "items",
          paginator: { type: "page_number", total_path: "pages" },
        },
      },
      { name: "by_range", endpoint: { paginator: { type: "header_range", limit: 10 } } },
    ],
  });
  const res = await p.dltx(["run", file, "--concurrency", "6"]);
  equal(res.code, 0, res.stderr);
  equal(api.inFlight.peak, 6);
  for (const table of ["by_offset", "by_page", "by_range"]) {
    const [row] = await p.query(
      "paged_pipeline.duckdb",
      `SELECT count(*) AS n, count(DISTINCT id) AS d, min(id) AS lo, max(id) AS hi
         FROM paged_pipeline_dataset.${table}`,
    );
    deepEqual(
      [Number(row.n), Number(row.d), Number(row.lo), Number(row.hi)],
      [total, total, 0, total - 1],
      table,
    );
  }
  // A known total wastes no request on offset and page numbers.
  const requests = (path: string) => api.requests.filter((r) => new URL(r.url).pathname === path);
  equal(requests("/by_offset").length, 10);
  equal(requests("/by_page").length, 10);
});

Deno.test("rate-limit headers pause every request to the host until the reset, then the run completes", async () => {
  // The window allows 5 requests; then x-ratelimit-remaining is 0 until its reset a second on
  // (IETF draft headers: RateLimit-Reset in seconds from now).
  let used = 0;
  let resetAt = 0;
  let refused = 0;
  await using api = serve(async (req) => {
    if (Date.now() >= resetAt) {
      used = 0;
      resetAt = Date.now() + 1000;
    }
    const headers = (remaining: number) => ({
      "ratelimit-limit": "5",
      "ratelimit-remaining": String(remaining),
      "ratelimit-reset": String(Math.max(0, Math.ceil((resetAt - Date.now()) / 1000))),
    });
    if (used >= 5) {
      refused++;
      return json({ message: "slow down" }, { status: 429, headers: headers(0) });
    }
    used++;
    await sleep(5);
    const page = Number(new URL(req.url).searchParams.get("page"));
    return json({ data: [{ id: page }], total_pages: 12 }, { headers: headers(5 - used) });
  });
  await using p = await tempProject();
  const file = await p.writeConnector({
    name: "limited",
    client: {
      base_url: api.url,
      paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
    },
    resources: [{ name: "items", endpoint: { data_selector: "data" } }],
  });
  const started = Date.now();
  const res = await p.dltx(["run", file, "--log-format", "text"]);
  equal(res.code, 0, res.stderr);
  ok(Date.now() - started >= 1500, "it waited for two resets");
  match(
    res.stderr,
    /http:\/\/127\.0\.0\.1:\d+ is rate limited \((429 Too Many Requests, )?ratelimit-remaining: 0, ratelimit-reset in 1s\): pausing every request to it for 1s/,
  );
  const [row] = await p.query(
    "limited_pipeline.duckdb",
    "SELECT count(DISTINCT id) AS n FROM limited_pipeline_dataset.items",
  );
  equal(Number(row.n), 12);
  // Remaining 0 on the fifth answer of a window holds the requests not yet sent: only those
  // already in flight are refused, fewer than the pages loaded.
  ok(refused < 12, `${refused} requests were refused`);
});

Deno.test("a 429 storm converges on what the API tolerates and the run completes", async () => {
  // The API takes 3 requests at once and answers 429 to any more, asking for no wait.
  const inFlight = gauge();
  let storms = 0;
  await using api = serve((req) => {
    if (inFlight.now >= 3) {
      storms++;
      return json({ message: "too many" }, { status: 429, headers: { "retry-after": "0" } });
    }
    return inFlight.around(async () => {
      await sleep(10);
      const url = new URL(req.url);
      const order = url.pathname.match(/^\/orders\/(\d+)\/lines$/)?.[1];
      if (order) return json([{ line_no: 1, order: Number(order) }]);
      const page = Number(url.searchParams.get("page"));
      return json({
        data: Array.from({ length: 10 }, (_, i) => ({ id: page * 10 + i })),
        total_pages: 8,
      });
    });
  });
  await using p = await tempProject();
  const file = await p.writeConnector({
    name: "storm",
    client: {
      base_url: api.url,
      paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
    },
    resources: [
      { name: "orders", endpoint: { path: "orders", data_selector: "data" } },
      {
        name: "lines",
        endpoint: { path: "orders/{resources.orders.id}/lines", paginator: "single_page" },
      },
    ],
  });
  const res = await p.dltx(["run", file, "--concurrency", "16"]);
  equal(res.code, 0, res.stderr);
  ok(storms > 0, "the API did refuse requests");
  match(res.stderr, /is rate limited: allowing \d+ request\(s\) in flight to it/);
  const [row] = await p.query(
    "storm_pipeline.duckdb",
    `SELECT (SELECT count(DISTINCT id) FROM storm_pipeline_dataset.orders) AS orders,
            (SELECT count(DISTINCT "order") FROM storm_pipeline_dataset.lines) AS lines`,
  );
  deepEqual([Number(row.orders), Number(row.lines)], [80, 80]);
  // AIMD: refusals are a fraction of the 88 requests the load needs, not most of them.
  ok(storms < 88, `${storms} refusals`);
  const trace = JSON.parse(
    (await p.dltx(["pipeline", "storm_pipeline", "trace", "--format", "json"])).stdout,
  );
  ok(trace.steps[0].resources.lines.retries > 0 || trace.steps[0].resources.orders.retries > 0);
});

Deno.test("client.rate_limit spaces the requests to a declared rate", async () => {
  const starts: number[] = [];
  let inFlight = 0, peakInFlight = 0;
  await using api = serve(async (req) => {
    starts.push(Date.now());
    peakInFlight = Math.max(peakInFlight, ++inFlight);
    // Slow answers: requests that go out together are seen in flight together.
    await new Promise((resolve) => setTimeout(resolve, 300));
    inFlight--;
    const page = Number(new URL(req.url).searchParams.get("page"));
    return json({ data: [{ id: page }], total_pages: 6 });
  });
  await using p = await tempProject();
  const file = await p.writeConnector({
    name: "paced",
    client: {
      base_url: api.url,
      paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
      rate_limit: { requests_per_second: 20 },
    },
    resources: [{ name: "items", endpoint: { data_selector: "data" } }],
  });
  const res = await p.dltx(["run", file]);
  equal(res.code, 0, res.stderr);
  equal(starts.length, 6);
  // 20 a second: 50 ms apart, so the five pages after the first (which could all go out at
  // once) span 200 ms; checked with slack for a request that reaches the server late.
  const span = starts[5] - starts[1];
  ok(span >= 150, `the requests spanned ${span} ms`);
  // Without the declared rate, the five pages after the first go out at once (seen in flight
  // together, which no machine's load can fake, unlike a time span).
  starts.length = 0;
  peakInFlight = 0;
  const fast = await p.writeConnector({
    name: "paced",
    client: {
      base_url: api.url,
      paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
    },
    resources: [{ name: "items", endpoint: { data_selector: "data" } }],
  }, "fast.json");
  equal((await p.dltx(["run", fast, "--pipeline", "fast"])).code, 0);
  equal(starts.length, 6);
  ok(peakInFlight >= 3, `unpaced requests: at most ${peakInFlight} in flight at once`);
  const bad = await p.writeConnector({
    name: "paced",
    client: { base_url: api.url, rate_limit: { requests_per_second: 0 } },
    resources: ["items"],
  }, "bad.json");
  const refused = await p.dltx(["run", bad]);
  equal(refused.code, 1);
  match(
    refused.stderr,
    /client\.rate_limit\.requests_per_second must be a positive number \(got 0\)/,
  );
});
