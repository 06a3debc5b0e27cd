// A script's entry point prints to the terminal; the exported API does not log at all.
// deno-lint-ignore-file no-console
/**
 * A sample shop API for demos and end-to-end tests: customers, orders, products and customer
 * reviews, generated deterministically (seeded PRNG), each endpoint paginated in a different
 * style so the connector engine gets exercised:
 *
 * | endpoint | pagination | body |
 * | --- | --- | --- |
 * | `GET /customers` | page number, `?page=` (from 1), `?page_size=` (10) | `{data, page, page_size, total, total_pages}` |
 * | `GET /orders` | JSON link, `?limit=` (25), opaque `?cursor=` | `{results, next}` (`next` absolute or null) |
 * | `GET /products` | offset, `?offset=` (0), `?limit=` (10) | `{items, offset, limit, total}` |
 * | `GET /customers/{id}/reviews` | none | a bare array |
 *
 * `/orders` requires the header `X-API-Key`; without it (or with a wrong one) it answers 401.
 * Keys are camelCase on purpose, so loads show dlt's snake_case naming.
 *
 * Run it: `deno run -A scripts/demo_api.ts [--port 8787] [--api-key KEY]`.
 *
 * @module
 */

import { HttpError } from "../core/errors.ts";
import { type DemoData, demoData } from "./_demo_data.ts";

/** The API key the demo API expects when none is given. */
export const DEFAULT_DEMO_API_KEY = "dltx-demo-key";

/** Options of {@linkcode startDemoApi}. */
export interface DemoApiOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** The key `/orders` requires in `X-API-Key`. @default DEFAULT_DEMO_API_KEY */
  apiKey?: string;
}

/** A running demo API. */
export interface DemoApi {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The key `/orders` requires in `X-API-Key`. */
  apiKey: string;
  /** Stops the server and waits until it has finished. */
  close(): Promise<void>;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** Reads an integer query parameter within bounds, or throws a 400 naming it and its value. */
function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HttpError(
      `Query parameter "${name}" must be an integer from ${min} to ${max}, got "${raw}"`,
      400,
      url.href,
    );
  }
  return value;
}

function customersPage(url: URL, data: DemoData): Response {
  const page = intParam(url, "page", 1, 1, 1_000_000);
  const pageSize = intParam(url, "page_size", 10, 1, 100);
  const total = data.customers.length;
  const start = (page - 1) * pageSize;
  return json({
    data: data.customers.slice(start, start + pageSize),
    page,
    page_size: pageSize,
    total,
    total_pages: Math.ceil(total / pageSize),
  });
}

function ordersPage(url: URL, data: DemoData): Response {
  const limit = intParam(url, "limit", 25, 1, 100);
  const cursor = url.searchParams.get("cursor");
  let offset = 0;
  if (cursor !== null) {
    // The cursor is opaque to clients on purpose: only the `next` link can be followed.
    const decoded = /^offset:(\d+)$/.exec(safeAtob(cursor));
    if (!decoded) {
      throw new HttpError(`Query parameter "cursor" is not valid, got "${cursor}"`, 400, url.href);
    }
    offset = Number(decoded[1]);
  }
  const end = offset + limit;
  let next: string | null = null;
  if (end < data.orders.length) {
    const nextUrl = new URL("/orders", url);
    nextUrl.searchParams.set("cursor", btoa(`offset:${end}`));
    if (url.searchParams.has("limit")) nextUrl.searchParams.set("limit", String(limit));
    next = nextUrl.href;
  }
  return json({ results: data.orders.slice(offset, end), next });
}

function safeAtob(text: string): string {
  try {
    return atob(text);
  } catch {
    return "";
  }
}

function productsPage(url: URL, data: DemoData): Response {
  const offset = intParam(url, "offset", 0, 0, 1_000_000);
  const limit = intParam(url, "limit", 10, 1, 100);
  const total = data.products.length;
  return json({ items: data.products.slice(offset, offset + limit), offset, limit, total });
}

const REVIEWS_PATH = /^\/customers\/([^/]+)\/reviews\/?$/;

function route(req: Request, url: URL, apiKey: string): Response {
  const data = demoData();
  const path = url.pathname.replace(/\/+$/, "") || "/";
  switch (path) {
    case "/":
      return json({
        name: "dltx demo shop API",
        endpoints: ["/customers", "/orders", "/products", "/customers/{id}/reviews"],
      });
    case "/customers":
      return customersPage(url, data);
    case "/products":
      return productsPage(url, data);
    case "/orders":
      if (req.headers.get("x-api-key") !== apiKey) {
        return json({
          error: "unauthorized",
          message: "GET /orders requires a valid API key in the X-API-Key header",
        }, 401);
      }
      return ordersPage(url, data);
  }
  const reviews = REVIEWS_PATH.exec(path);
  if (reviews) {
    const list = data.reviews.get(Number(reviews[1]));
    if (list) return json(list);
    return json({ error: "not_found", message: `No customer with id "${reviews[1]}"` }, 404);
  }
  return json({ error: "not_found", message: `No endpoint at ${url.pathname}` }, 404);
}

/**
 * The demo API as a plain `Request -> Response` function, usable without a server.
 *
 * @param options.apiKey The key `/orders` requires in `X-API-Key`.
 * @returns A handler for `Deno.serve` or direct calls in tests.
 */
export function demoApiHandler(options: { apiKey: string }): (req: Request) => Response {
  const { apiKey } = options;
  return (req) => {
    if (req.method !== "GET") {
      return json({ error: "method_not_allowed", message: `${req.method} is not supported` }, 405);
    }
    const url = new URL(req.url);
    try {
      return route(req, url, apiKey);
    } catch (error) {
      if (error instanceof HttpError) {
        return json({ error: "bad_request", message: error.message }, error.status);
      }
      throw error;
    }
  };
}

/**
 * Starts the demo API on 127.0.0.1.
 *
 * @example Usage
 * ```ts
 * import { startDemoApi } from "./demo_api.ts";
 * const api = await startDemoApi();
 * const res = await fetch(`${api.url}/customers?page=1`);
 * await res.body?.cancel();
 * await api.close();
 * ```
 *
 * @param options Port and API key.
 * @returns The base URL, the API key and a `close()` function.
 * @throws {Deno.errors.AddrInUse} when a fixed `port` is taken.
 */
export async function startDemoApi(options: DemoApiOptions = {}): Promise<DemoApi> {
  const apiKey = options.apiKey ?? DEFAULT_DEMO_API_KEY;
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { port: options.port ?? 0, hostname: "127.0.0.1", onListen: listening.resolve },
    demoApiHandler({ apiKey }),
  );
  const { port } = await listening.promise;
  return { url: `http://127.0.0.1:${port}`, apiKey, close: () => server.shutdown() };
}

/** Runs the API until Ctrl-C; returns an exit code when it cannot start. */
async function main(args: string[]): Promise<number> {
  const { Command } = await import("commander");
  const opts = new Command("demo_api")
    .description("Serve the dltx demo shop API on 127.0.0.1")
    .option("--port <n>", "TCP port, 0 for a free one", "8787")
    .option("--api-key <key>", "key /orders requires in X-API-Key", DEFAULT_DEMO_API_KEY)
    .parse(args, { from: "user" })
    .opts<{ port: string; apiKey: string }>();
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer from 0 to 65535, got "${opts.port}"`);
    return 2;
  }
  try {
    const api = await startDemoApi({ port, apiKey: opts.apiKey });
    console.log(`dltx demo shop API listening on ${api.url}`);
    console.log(`API key (X-API-Key, needed by /orders): ${api.apiKey}`);
    console.log("Load it into DuckDB with:");
    console.log(`  export SOURCES__DEMO__BASE_URL=${api.url}`);
    console.log(`  export SOURCES__DEMO__API_KEY=${api.apiKey}`);
    console.log(
      "  dltx run demo    (or, without the dltx command installed: deno task dltx run demo)",
    );
    console.log("Press Ctrl-C to stop.");
    return 0;
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    console.error(`Port ${port} is in use; pass --port 0 for a free port, or another --port.`);
    return 1;
  }
}

if (import.meta.main) Deno.exitCode = await main(Deno.args);
