import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { getBuiltinConnector, listBuiltinConnectors } from "../connectors/mod.ts";
import type { EndpointConfig, ResourceConfig } from "../core/source/types.ts";
import { DEFAULT_DEMO_API_KEY, demoApiHandler, startDemoApi } from "./demo_api.ts";

type Json = Record<string, unknown>;

async function getJson(url: string, headers?: HeadersInit): Promise<[number, Json, Headers]> {
  const res = await fetch(url, { headers });
  return [res.status, await res.json(), res.headers];
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

Deno.test("startDemoApi() pages /customers by page number with total_pages", async () => {
  const api = await startDemoApi();
  try {
    const ids: unknown[] = [];
    let totalPages = Infinity;
    let pages = 0;
    for (let page = 1; page <= totalPages; page++) {
      const [status, body, headers] = await getJson(
        `${api.url}/customers?page=${page}&page_size=20`,
      );
      equal(status, 200);
      equal(headers.get("content-type"), "application/json");
      equal(body.total, 50);
      totalPages = body.total_pages as number;
      ids.push(...(body.data as Json[]).map((c) => c.id));
      pages++;
    }
    equal(pages, 3);
    deepStrictEqual(ids, Array.from({ length: 50 }, (_, i) => i + 1));
    const [, past] = await getJson(`${api.url}/customers?page=4&page_size=20`);
    deepStrictEqual(past.data, []);
    const [, byDefault] = await getJson(`${api.url}/customers`);
    equal((byDefault.data as Json[]).length, 10);
    equal(byDefault.total_pages, 5);
  } finally {
    await api.close();
  }
});

Deno.test("startDemoApi() customers have camelCase keys, nested address, tags and timestamps", async () => {
  const api = await startDemoApi();
  try {
    const [, body] = await getJson(`${api.url}/customers?page_size=100`);
    for (const customer of body.data as Json[]) {
      ok(typeof customer.firstName === "string" && typeof customer.createdAt === "string");
      ok(ISO_UTC.test(customer.createdAt as string), String(customer.createdAt));
      const address = customer.address as Json;
      deepStrictEqual(Object.keys(address), ["street", "city", "postalCode", "countryCode"]);
      ok(Array.isArray(customer.tags));
      ok((customer.tags as unknown[]).every((t) => typeof t === "string"));
    }
  } finally {
    await api.close();
  }
});

Deno.test("startDemoApi() answers /orders with 401 JSON without the right X-API-Key", async () => {
  const api = await startDemoApi({ apiKey: "s3cret" });
  try {
    equal(api.apiKey, "s3cret");
    const [status, body, headers] = await getJson(`${api.url}/orders`);
    equal(status, 401);
    equal(headers.get("content-type"), "application/json");
    equal(body.error, "unauthorized");
    const [wrongStatus] = await getJson(`${api.url}/orders`, { "X-API-Key": "nope" });
    equal(wrongStatus, 401);
    const [okStatus] = await getJson(`${api.url}/orders`, { "X-API-Key": "s3cret" });
    equal(okStatus, 200);
  } finally {
    await api.close();
  }
});

Deno.test("startDemoApi() pages /orders through absolute next links until next is null", async () => {
  const api = await startDemoApi();
  try {
    const headers = { "X-API-Key": api.apiKey };
    const orders: Json[] = [];
    let pages = 0;
    for (let url: string | null = `${api.url}/orders`; url !== null; pages++) {
      const [status, body]: [number, Json, Headers] = await getJson(url, headers);
      equal(status, 200);
      orders.push(...(body.results as Json[]));
      url = body.next as string | null;
      if (url !== null) ok(url.startsWith(`${api.url}/orders?cursor=`), url);
    }
    equal(pages, 5);
    deepStrictEqual(orders.map((o) => o.id), Array.from({ length: 120 }, (_, i) => 1001 + i));
    for (const order of orders) {
      ok(ISO_UTC.test(order.orderedAt as string));
      ok(typeof order.status === "string");
      const items = order.items as Json[];
      ok(items.length >= 1 && items.length <= 4);
      for (const item of items) {
        deepStrictEqual(Object.keys(item), ["productId", "quantity", "unitPrice"]);
        ok(!Number.isInteger(item.unitPrice), `unit price ${item.unitPrice} must be a float`);
      }
      ok(!Number.isInteger(order.totalAmount), `total ${order.totalAmount} must be a float`);
    }
    // A given limit is carried along in the next links.
    const [, small] = await getJson(`${api.url}/orders?limit=50`, headers);
    equal((small.results as Json[]).length, 50);
    ok(String(small.next).includes("limit=50"));
  } finally {
    await api.close();
  }
});

Deno.test("startDemoApi() pages /products by offset and limit with a total", async () => {
  const api = await startDemoApi();
  try {
    const ids: unknown[] = [];
    let total = Infinity;
    let pages = 0;
    for (let offset = 0; offset < total; offset += 10, pages++) {
      const [status, body] = await getJson(`${api.url}/products?offset=${offset}&limit=10`);
      equal(status, 200);
      total = body.total as number;
      ids.push(...(body.items as Json[]).map((p) => p.id));
    }
    equal(total, 30);
    equal(pages, 3);
    deepStrictEqual(ids, Array.from({ length: 30 }, (_, i) => i + 1));
    const [, past] = await getJson(`${api.url}/products?offset=30&limit=10`);
    deepStrictEqual(past.items, []);
  } finally {
    await api.close();
  }
});

Deno.test("startDemoApi() serves a few reviews per customer and 404 for unknown ones", async () => {
  const api = await startDemoApi();
  try {
    const reviewIds = new Set<unknown>();
    for (const id of [1, 25, 50]) {
      const res = await fetch(`${api.url}/customers/${id}/reviews`);
      const reviews: Json[] = await res.json();
      ok(Array.isArray(reviews) && reviews.length >= 1 && reviews.length <= 4);
      for (const review of reviews) reviewIds.add(review.id);
    }
    ok(reviewIds.size >= 3, "review ids are unique across customers");
    const [status, body] = await getJson(`${api.url}/customers/51/reviews`);
    equal(status, 404);
    equal(body.error, "not_found");
  } finally {
    await api.close();
  }
});

Deno.test("demoApiHandler() rejects bad parameters, other methods and unknown paths", async () => {
  const handle = demoApiHandler({ apiKey: DEFAULT_DEMO_API_KEY });
  const call = async (path: string, init?: RequestInit) => {
    const res = handle(new Request(`http://demo.test${path}`, init));
    return [res.status, await res.json()] as const;
  };
  const [badPage, badBody] = await call("/customers?page=0");
  equal(badPage, 400);
  ok(String(badBody.message).includes('"page"') && String(badBody.message).includes('"0"'));
  equal((await call("/products?limit=1000"))[0], 400);
  equal(
    (await call("/orders?cursor=garbage", { headers: { "X-API-Key": "dltx-demo-key" } }))[0],
    400,
  );
  equal((await call("/customers", { method: "POST" }))[0], 405);
  equal((await call("/nope"))[0], 404);
});

Deno.test("demoApiHandler() serves the same data on every call", async () => {
  const first = await demoApiHandler({ apiKey: "a" })(new Request("http://x/products")).text();
  const second = await demoApiHandler({ apiKey: "b" })(new Request("http://x/products")).text();
  equal(first, second);
});

Deno.test("demo connector matches the demo API's selectors, paginators and auth", async () => {
  const demo = getBuiltinConnector("demo");
  ok(demo);
  deepStrictEqual(Object.keys(demo.config ?? {}), ["base_url", "api_key"]);
  equal(demo.config?.api_key.secret, true);
  const handle = demoApiHandler({ apiKey: "k" });
  const resources = demo.resources as ResourceConfig[];
  deepStrictEqual(resources.map((r) => r.name), [
    "customers",
    "orders",
    "products",
    "customer_reviews",
  ]);
  for (const resource of resources.slice(0, 3)) {
    const endpoint = resource.endpoint as EndpointConfig;
    const url = new URL(`http://demo.test/${endpoint.path}`);
    for (const [key, value] of Object.entries(endpoint.params ?? {})) {
      url.searchParams.set(key, String(value));
    }
    const headers = endpoint.auth?.type === "api_key" ? { "X-API-Key": "k" } : undefined;
    const res = handle(new Request(url, { headers }));
    equal(res.status, 200, `${resource.name}: ${url}`);
    const body = await res.json();
    ok(Array.isArray(body[endpoint.data_selector as string]), `${resource.name} selector`);
  }
  equal(resources[3].include_from_parent?.[0], "id");
  equal(getBuiltinConnector("constructor"), undefined);
  deepStrictEqual(listBuiltinConnectors().map((c) => c.name).includes("demo"), true);
});

Deno.test("demoApiHandler() data has the row counts connectors/demo.md documents", async () => {
  const handle = demoApiHandler({ apiKey: "k" });
  const get = (path: string) =>
    handle(new Request(`http://demo.test${path}`, { headers: { "X-API-Key": "k" } })).json();
  const customers: Json[] = (await get("/customers?page_size=100")).data;
  const orders: Json[] = [
    ...(await get("/orders?limit=100")).results,
    ...(await get(`/orders?limit=100&cursor=${btoa("offset:100")}`)).results,
  ];
  let reviews = 0;
  for (const c of customers) reviews += (await get(`/customers/${c.id}/reviews`)).length;
  const sum = (list: Json[], key: string) =>
    list.reduce((n, x) => n + (x[key] as unknown[]).length, 0);
  deepStrictEqual(
    {
      customers: customers.length,
      tags: sum(customers, "tags"),
      orders: orders.length,
      items: sum(orders, "items"),
      reviews,
    },
    { customers: 50, tags: 100, orders: 120, items: 275, reviews: 121 },
  );
});
