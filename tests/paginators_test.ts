import { equal, match } from "node:assert/strict";
import { json, serve, tempProject } from "./_helpers.ts";

const TOTAL = 23;
const ITEMS = Array.from({ length: TOTAL }, (_, i) => ({
  id: i + 1,
  name: `item ${i + 1}`,
  createdAt: `2024-01-${String((i % 28) + 1).padStart(2, "0")}T10:00:00Z`,
}));

/** Runs one connector over `handler` and returns the row count of table `items`. */
async function loadItems(
  handler: (url: URL) => Response,
  client: Record<string, unknown>,
  endpoint: Record<string, unknown> = {},
): Promise<{ rows: number; ids: number; stderr: string }> {
  await using server = serve((req) => handler(new URL(req.url)));
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "pages",
    client: { base_url: `${server.url}/`, ...client },
    resources: [{ name: "items", endpoint: { path: "items", ...endpoint } }],
  });
  const res = await p.dltx(["run", connector]);
  equal(res.code, 0, res.stderr);
  const [row] = await p.query(
    "pages_pipeline.duckdb",
    "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM pages_pipeline_dataset.items",
  );
  return { rows: Number(row.n), ids: Number(row.ids), stderr: res.stderr };
}

function slice(offset: number, limit: number) {
  return ITEMS.slice(offset, offset + limit);
}

Deno.test("json_link paginator follows the next URL until it is null", async () => {
  const { rows, ids } = await loadItems(
    (url) => {
      const page = Number(url.searchParams.get("p") ?? 0);
      const next = (page + 1) * 5 < TOTAL ? `${url.origin}/items?p=${page + 1}` : null;
      return json({ data: slice(page * 5, 5), paging: { next } });
    },
    { paginator: { type: "json_link", next_url_path: "paging.next" } },
    { data_selector: "data" },
  );
  equal(rows, TOTAL);
  equal(ids, TOTAL);
});

Deno.test("header_link paginator follows Link rel=next, relative links too", async () => {
  const { rows } = await loadItems((url) => {
    const page = Number(url.searchParams.get("page") ?? 1);
    const headers: Record<string, string> = {};
    if (page * 5 < TOTAL) headers.link = `</items?page=${page + 1}>; rel="next"`;
    return json(slice((page - 1) * 5, 5), { headers });
  }, { paginator: "header_link" });
  equal(rows, TOTAL);
});

Deno.test("offset paginator stops at total", async () => {
  const { rows } = await loadItems((url) => {
    const offset = Number(url.searchParams.get("offset"));
    const limit = Number(url.searchParams.get("limit"));
    return json({ items: slice(offset, limit), total: TOTAL });
  }, { paginator: { type: "offset", limit: 7 } });
  equal(rows, TOTAL);
});

Deno.test("offset paginator without total stops after an empty page", async () => {
  const { rows } = await loadItems((url) => {
    const skip = Number(url.searchParams.get("skip"));
    return json({ items: slice(skip, 10) });
  }, { paginator: { type: "offset", limit: 10, offset_param: "skip", total_path: null } });
  equal(rows, TOTAL);
});

Deno.test("page_number paginator reads total pages", async () => {
  const { rows } = await loadItems((url) => {
    const page = Number(url.searchParams.get("page"));
    return json({ results: slice((page - 1) * 10, 10), total_pages: 3 });
  }, { paginator: { type: "page_number", base_page: 1, total_path: "total_pages" } });
  equal(rows, TOTAL);
});

Deno.test("cursor paginator passes the cursor back until it is empty", async () => {
  const { rows } = await loadItems((url) => {
    const cursor = Number(url.searchParams.get("after") ?? 0);
    const next = cursor + 6 < TOTAL ? String(cursor + 6) : null;
    return json({ records: slice(cursor, 6), meta: { next_cursor: next } });
  }, { paginator: { type: "cursor", cursor_path: "meta.next_cursor", cursor_param: "after" } });
  equal(rows, TOTAL);
});

Deno.test("single_page paginator makes one request", async () => {
  const { rows } = await loadItems(
    () => json({ items: slice(0, 5), next: "http://example.invalid/never" }),
    { paginator: "single_page" },
  );
  equal(rows, 5);
});

Deno.test("auto-detection picks json_link and logs it", async () => {
  const { rows, stderr } = await loadItems((url) => {
    const page = Number(url.searchParams.get("p") ?? 0);
    const next = (page + 1) * 5 < TOTAL ? `/items?p=${page + 1}` : null;
    return json({ results: slice(page * 5, 5), next });
  }, {});
  equal(rows, TOTAL);
  match(stderr, /json_link/);
});

Deno.test("auto-detection picks header_link", async () => {
  const { rows, stderr } = await loadItems((url) => {
    const page = Number(url.searchParams.get("page") ?? 1);
    const headers: Record<string, string> = {};
    if (page * 10 < TOTAL) headers.link = `<${url.origin}/items?page=${page + 1}>; rel="next"`;
    return json(slice((page - 1) * 10, 10), { headers });
  }, {});
  equal(rows, TOTAL);
  match(stderr, /header_link/);
});

Deno.test("a paginator that would loop fails instead of running forever", async () => {
  await using server = serve((req) =>
    json({ data: slice(0, 3), next: `${new URL(req.url).origin}/items?p=same` })
  );
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "loop",
    client: { base_url: `${server.url}/`, paginator: "json_link" },
    resources: ["items"],
  });
  const res = await p.dltx(["run", connector]);
  equal(res.code, 1);
  match(res.stderr, /loop/i);
  equal(server.requests.length <= 3, true, `made ${server.requests.length} requests`);
});
