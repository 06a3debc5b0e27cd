// A script's entry point prints to the terminal; the exported API does not log at all.
// deno-lint-ignore-file no-console
/**
 * The local API of the latency benchmark (`deno task bench --latency 50`): every answer comes
 * after `latencyMs`, as a remote API's round trip would, and the server counts the requests and
 * the most in flight at once.
 *
 * - `GET /parents?page=N`: 10 pages of 20 records, the next page in a `Link` header (GitHub's
 *   issues);
 * - `GET /parents/<id>/children`: one request per parent record (GitHub's comments per issue);
 * - `GET /pages?page=N`: 40 pages of 20 records with `total_pages` (a page-numbered endpoint
 *   whose pages can come in parallel);
 * - `GET /_stats`: `{requests, peak_in_flight}` at once, not counted.
 *
 * Run as its own process: `deno run -A scripts/bench_latency_api.ts --latency 50` prints
 * `listening <url>`.
 *
 * @module
 */

const PARENT_PAGES = 10;
const PER_PAGE = 20;
const NUMBERED_PAGES = 40;

/** The shape of the scenario: pages, records and the requests a load needs. */
export const LATENCY_SCENARIO = {
  parentPages: PARENT_PAGES,
  perPage: PER_PAGE,
  numberedPages: NUMBERED_PAGES,
  /** Requests of a full load: parent pages, one child request per parent, numbered pages. */
  requests: PARENT_PAGES + PARENT_PAGES * PER_PAGE + NUMBERED_PAGES,
} as const;

/** A running latency API. */
export interface LatencyApi {
  url: string;
  close(): Promise<void>;
}

/** What the server counted. */
export interface LatencyStats {
  requests: number;
  peak_in_flight: number;
  /** Requests in flight on average from the first request's arrival to the last answer. */
  mean_in_flight: number;
}

/**
 * Starts the API on 127.0.0.1.
 *
 * @param latencyMs the time every answer takes.
 * @returns its URL and `close()`.
 */
export function startLatencyApi(latencyMs: number): LatencyApi {
  const { parentPages, perPage, numberedPages } = LATENCY_SCENARIO;
  let inFlight = 0;
  const stats: LatencyStats = { requests: 0, peak_in_flight: 0, mean_in_flight: 0 };
  // The integral of requests in flight over time, for the mean.
  let first: number | undefined;
  let last = 0;
  let area = 0;
  const change = (delta: number) => {
    const now = performance.now();
    first ??= now;
    area += inFlight * (now - last);
    last = now;
    inFlight += delta;
    stats.peak_in_flight = Math.max(stats.peak_in_flight, inFlight);
    stats.mean_in_flight = Math.round((area / (now - first || 1)) * 100) / 100;
  };
  const record = (id: number, kind: string) => ({
    id,
    kind,
    title: `${kind} ${id}`,
    updated_at: new Date(Date.UTC(2024, 0, 1) + id * 60_000).toISOString(),
    labels: [{ name: `l${id % 5}` }],
  });
  const page = (n: number, kind: string) =>
    Array.from({ length: perPage }, (_, i) => record((n - 1) * perPage + i + 1, kind));
  const json = (body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      headers: { "content-type": "application/json", ...headers },
    });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/_stats") return json(stats);
    stats.requests++;
    change(+1);
    try {
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const n = Number(url.searchParams.get("page") ?? 1);
      if (url.pathname === "/parents") {
        const next = n < parentPages ? `<${url.origin}/parents?page=${n + 1}>; rel="next"` : "";
        return json(page(n, "parent"), next ? { link: next } : {});
      }
      const child = url.pathname.match(/^\/parents\/(\d+)\/children$/);
      if (child) return json([{ ...record(Number(child[1]), "child"), parent: Number(child[1]) }]);
      if (url.pathname === "/pages") {
        return json({ data: page(n, "numbered"), total_pages: numberedPages });
      }
      return json({ message: "not found" }, {});
    } finally {
      change(-1);
    }
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

/** The connector of the scenario (its name sets `SOURCES__BENCH_LATENCY__CONCURRENCY`). */
export function latencyConnector(url: string) {
  return {
    name: "bench_latency",
    description: "The latency benchmark's API (scripts/bench_latency_api.ts)",
    client: { base_url: url },
    resources: [
      { name: "parents", endpoint: { path: "parents", paginator: "header_link" } },
      {
        name: "children",
        endpoint: { path: "parents/{resources.parents.id}/children", paginator: "single_page" },
      },
      {
        name: "numbered",
        endpoint: {
          path: "pages",
          data_selector: "data",
          paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
        },
      },
    ],
  };
}

async function main(args: string[]): Promise<number> {
  const { Command } = await import("commander");
  const opts = new Command("bench_latency_api")
    .description("Serve the latency benchmark's API: every answer after --latency ms")
    .option("--latency <ms>", "time every answer takes", "50")
    .option("--exit-on-stdin-close", "stop when stdin closes (the parent went away)")
    .parse(args, { from: "user" })
    .opts<{ latency: string; exitOnStdinClose?: boolean }>();
  const api = startLatencyApi(Number(opts.latency));
  console.log(`listening ${api.url}`);
  if (opts.exitOnStdinClose) {
    for await (const _ of Deno.stdin.readable) { /* drain until EOF */ }
    await api.close();
  }
  return 0;
}

if (import.meta.main) Deno.exitCode = await main(Deno.args);
