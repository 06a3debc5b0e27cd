/**
 * A local API implementing `shop.yaml`, which it also serves at `/openapi.yaml`: customers by
 * page number, a customer's orders by offset, an order's lines, products by cursor, events by
 * Link header, a store's staff, search and the token's account; every call but the spec and
 * `/ping` needs the bearer token. Page sizes above the spec's maximum are refused, as a strict
 * API would.
 *
 * @module
 */

import { type FixtureServer, json, serve } from "../../_helpers.ts";

/** The token the API accepts. */
export const SHOP_TOKEN = "shop-tok-5f1e2d3c4b5a";

const SPEC = new URL("./shop.yaml", import.meta.url);

type Row = Record<string, unknown>;

/** The API's data, exported so tests compare with it. */
export const SHOP = {
  customers: [1, 2, 3, 4, 5].map((id) => ({
    id,
    name: `Customer ${id}`,
    email: `c${id}@shop.test`,
    updated_at: `2024-0${id}-01T00:00:00Z`,
    tags: id % 2 === 0 ? ["vip"] : [],
  })),
  /** Orders per customer id. */
  orders: { 1: 3, 2: 1, 3: 0, 4: 2, 5: 0 } as Record<number, number>,
  products: ["a", "b", "c", "d", "e"].map((s, i) => ({
    product_id: `p-${s}`,
    title: `Product ${s.toUpperCase()}`,
    price: 10 + i,
  })),
  events: [1, 2, 3, 4, 5, 6, 7].map((id) => ({ id, kind: id % 2 ? "sale" : "refund" })),
  staff: { 7: [{ id: 71, name: "Ann" }, { id: 72, name: "Bo" }] } as Record<number, Row[]>,
};

function ordersOf(customer: number): Row[] {
  return Array.from({ length: SHOP.orders[customer] ?? 0 }, (_, k) => ({
    id: customer * 100 + k + 1,
    total: 9.5 * (k + 1),
    placed_at: `2024-06-0${k + 1}T10:00:00Z`,
  }));
}

/** Starts the API on 127.0.0.1. */
export async function startShopApi(): Promise<FixtureServer> {
  const spec = await Deno.readTextFile(SPEC);
  const server: FixtureServer = serve((req) => {
    const url = new URL(req.url);
    if (url.pathname === "/openapi.yaml") {
      return new Response(spec, { headers: { "content-type": "application/yaml" } });
    }
    if (url.pathname === "/v1/ping") return new Response(null, { status: 204 });
    if (req.headers.get("authorization") !== `Bearer ${SHOP_TOKEN}`) {
      return json({ message: "unauthorized" }, { status: 401 });
    }
    return route(url, server.url);
  });
  return server;
}

function route(url: URL, origin: string): Response {
  const q = url.searchParams;
  const parts = url.pathname.replace(/^\/v1\//, "").split("/");
  const tooBig = (name: string, max: number) => Number(q.get(name) ?? 0) > max;
  if (parts[0] === "customers" && parts.length === 1) {
    if (tooBig("per_page", 2)) return json({ message: "per_page is at most 2" }, { status: 400 });
    const per = Number(q.get("per_page") ?? 2);
    const page = Number(q.get("page") ?? 1);
    const pages = Math.ceil(SHOP.customers.length / per);
    return json({
      data: SHOP.customers.slice((page - 1) * per, page * per),
      meta: { page, total_pages: pages },
    });
  }
  if (parts[0] === "customers") {
    const customer = SHOP.customers.find((c) => c.id === Number(parts[1]));
    if (!customer) return json({ message: "no such customer" }, { status: 404 });
    if (parts.length === 2) return json({ ...customer, notes: `notes of ${customer.id}` });
    const orders = ordersOf(customer.id);
    if (parts[2] === "orders" && parts.length === 3) {
      if (tooBig("limit", 2)) return json({ message: "limit is at most 2" }, { status: 400 });
      const offset = Number(q.get("offset") ?? 0);
      const limit = Number(q.get("limit") ?? 2);
      return json({ items: orders.slice(offset, offset + limit), total: orders.length });
    }
    const order = orders.find((o) => o.id === Number(parts[3]));
    if (!order || parts[4] !== "lines") {
      return json({ message: "no such order of this customer" }, { status: 404 });
    }
    return json([
      { sku: `sku-${order.id}-1`, quantity: 1 },
      { sku: `sku-${order.id}-2`, quantity: 2 },
    ]);
  }
  if (parts[0] === "products") {
    if (tooBig("limit", 2)) return json({ message: "limit is at most 2" }, { status: 400 });
    const start = q.has("cursor") ? Number(atob(q.get("cursor")!)) : 0;
    const limit = Number(q.get("limit") ?? 2);
    const end = start + limit;
    return json({
      products: SHOP.products.slice(start, end),
      next_cursor: end < SHOP.products.length ? btoa(String(end)) : null,
    });
  }
  if (parts[0] === "events") {
    if (tooBig("per_page", 3)) return json({ message: "per_page is at most 3" }, { status: 400 });
    const per = Number(q.get("per_page") ?? 3);
    const page = Number(q.get("page") ?? 1);
    const rows = SHOP.events.slice((page - 1) * per, page * per);
    const headers: Record<string, string> = {};
    if (page * per < SHOP.events.length) {
      headers.link = `<${origin}/v1/events?page=${page + 1}&per_page=${per}>; rel="next"`;
    }
    return json(rows, { headers });
  }
  if (parts[0] === "stores" && parts[2] === "staff") {
    const staff = SHOP.staff[Number(parts[1])];
    return staff ? json(staff) : json({ message: "no such store" }, { status: 404 });
  }
  if (parts[0] === "search") {
    if (!q.get("q")) return json({ message: "q is required" }, { status: 400 });
    return json({
      results: [{ product_id: "p-a", score: 0.9 }, { product_id: "p-c", score: 0.4 }],
    });
  }
  if (parts[0] === "me") return json({ id: 42, email: "me@shop.test", roles: ["admin"] });
  if (parts[0] === "reports") {
    return new Response("day,total\n", { headers: { "content-type": "text/csv" } });
  }
  return json({ message: "not found" }, { status: 404 });
}
