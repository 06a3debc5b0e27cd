// A script's entry point prints to the terminal; the exported API does not log at all.
// deno-lint-ignore-file no-console
/**
 * A fast local API for the benchmark: `GET /issues?page=N` serves N GitHub-issue-like records
 * in pages (a bare JSON array plus a GitHub-style `Link: <...>; rel="next"` header).
 *
 * Records are deterministic. The server must never be the bottleneck, so a pool of
 * `TEMPLATE_POOL_SIZE` records is generated once (seeded PRNG) and kept as encoded bytes
 * without their `id` and `number`; record `i` is template `i % TEMPLATE_POOL_SIZE` with
 * `id = 1234567891000000000 + i` (a Snowflake-style id past 2^53; `--small-ids`:
 * `1_000_000_000 + i`) and `number = i + 1` written in. A page is then a few thousand byte
 * copies, not a `JSON.stringify`.
 *
 * Run it as its own process (the bench does, so it shares neither event loop nor heap with the
 * CLI being measured): `deno run -A scripts/bench_api.ts --rows 200000` prints
 * `listening <url>` on stdout.
 *
 * @module
 */

import { UserError } from "../core/errors.ts";
import {
  encodeRecords,
  FIRST_ISSUE_ID,
  type IdKind,
  issueId,
  JSONL_FRAME,
  PAGE_FRAME,
  TEMPLATE_POOL_SIZE,
  templates,
} from "./_bench_records.ts";

export { FIRST_ISSUE_ID, type IdKind, issueId, TEMPLATE_POOL_SIZE };

/** Options of {@linkcode startBenchApi}. */
export interface BenchApiOptions {
  /** Number of records served over all pages. */
  rows: number;
  /** Records per page. @default 1000 */
  pageSize?: number;
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** Snowflake-style ids past 2^53, or the small ones. @default "snowflake" */
  ids?: IdKind;
}

/** A running bench API. */
export interface BenchApi {
  /** Base URL without a trailing slash; records are at `<url>/issues`. */
  url: string;
  /** Stops the server and waits until it has finished. */
  close(): Promise<void>;
}

/** How many rows a load of `rows` records must produce, per table. */
export interface BenchCounts {
  /** Root table `issues`. */
  issues: number;
  /** Child table `issues__labels` (one row per label of every issue). */
  labels: number;
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UserError(`Bench option "${name}" must be an integer >= ${min}, got ${value}`);
  }
}

/**
 * Counts the rows a complete load of `rows` records must produce.
 *
 * @param rows Records served.
 * @returns Expected row counts of `issues` and `issues__labels`.
 */
export function expectedBenchCounts(rows: number): BenchCounts {
  checkCount("rows", rows, 0);
  const pool = templates();
  let labels = 0;
  for (let i = 0; i < rows; i++) labels += pool[i % TEMPLATE_POOL_SIZE].labelCount;
  return { issues: rows, labels };
}

/** What the `id` column of a complete load must hold, as exact decimal text. */
export interface BenchIds {
  min: string;
  max: string;
  distinct: number;
  sum: string;
}

/**
 * The ids a complete load of `rows` records must hold: with ids past 2^53, a rounded id
 * changes the sum and may merge two into one.
 *
 * @param rows Records served (at least 1).
 * @param ids Which ids the API served.
 * @returns Smallest, largest, how many distinct, and their sum.
 */
export function expectedBenchIds(rows: number, ids: IdKind = "snowflake"): BenchIds {
  checkCount("rows", rows, 1);
  const n = BigInt(rows);
  const sum = n * FIRST_ISSUE_ID[ids] + (n * (n - 1n)) / 2n;
  return {
    min: String(issueId(0, ids)),
    max: String(issueId(rows - 1, ids)),
    distinct: rows,
    sum: String(sum),
  };
}

/**
 * Writes the same records the API serves as one JSONL file (one record per line), for the
 * DuckDB-native baseline.
 *
 * @param path File to create or overwrite.
 * @param rows Number of records.
 * @param ids Which ids the records carry.
 * @throws {UserError} when `rows` is not a non-negative integer.
 */
export async function writeBenchJsonl(
  path: string,
  rows: number,
  ids: IdKind = "snowflake",
): Promise<void> {
  checkCount("rows", rows, 0);
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const writer = file.writable.getWriter();
  try {
    for (let start = 0; start < rows; start += 10_000) {
      await writer.write(encodeRecords(start, Math.min(rows, start + 10_000), JSONL_FRAME, ids));
    }
    await writer.close(); // Closes the file too.
  } catch (error) {
    await writer.abort(error).catch(() => {});
    throw error;
  }
}

function benchApiHandler(
  rows: number,
  pageSize: number,
  ids: IdKind,
): (req: Request) => Response {
  const lastPage = Math.max(1, Math.ceil(rows / pageSize));
  return (req) => {
    const url = new URL(req.url);
    if (req.method !== "GET" || url.pathname.replace(/\/+$/, "") !== "/issues") {
      return Response.json({ message: "Not Found" }, { status: 404 });
    }
    const rawPage = url.searchParams.get("page") ?? "1";
    const page = Number(rawPage);
    if (!Number.isSafeInteger(page) || page < 1) {
      return Response.json({ message: `page must be an integer >= 1, got "${rawPage}"` }, {
        status: 422,
      });
    }
    const start = Math.min(rows, (page - 1) * pageSize);
    const body = encodeRecords(start, Math.min(rows, start + pageSize), PAGE_FRAME, ids);
    const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
    const link = (n: number, rel: string) => `<${url.origin}/issues?page=${n}>; rel="${rel}"`;
    const links = page < lastPage ? [link(page + 1, "next"), link(lastPage, "last")] : [];
    if (page > 1) links.push(link(1, "first"), link(Math.min(page - 1, lastPage), "prev"));
    if (links.length > 0) headers.set("link", links.join(", "));
    return new Response(body, { headers });
  };
}

/**
 * Starts the bench API on 127.0.0.1: `GET <url>/issues?page=N`, pages from 1.
 *
 * @example Usage
 * ```ts
 * import { startBenchApi } from "./bench_api.ts";
 * const api = await startBenchApi({ rows: 2500 });
 * const res = await fetch(`${api.url}/issues?page=3`);
 * const records = await res.text(); // 500 records (ids past 2^53), no rel="next"
 * await api.close();
 * ```
 *
 * @param options Row count, page size, port and id kind.
 * @returns The base URL and a `close()` function.
 * @throws {UserError} when `rows` or `pageSize` is not a valid count.
 */
export async function startBenchApi(options: BenchApiOptions): Promise<BenchApi> {
  const { rows, pageSize = 1000, port = 0, ids = "snowflake" } = options;
  checkCount("rows", rows, 0);
  checkCount("pageSize", pageSize, 1);
  templates(); // Generate the pool before the first request, not during the measured run.
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { port, hostname: "127.0.0.1", onListen: listening.resolve },
    benchApiHandler(rows, pageSize, ids),
  );
  const addr = await listening.promise;
  return { url: `http://127.0.0.1:${addr.port}`, close: () => server.shutdown() };
}

/** Serves until killed, or until stdin closes with `--exit-on-stdin-close`. */
async function main(args: string[]): Promise<number> {
  const { Command } = await import("commander");
  const opts = new Command("bench_api")
    .description("Serve GitHub-issue-like records for the dltx benchmark")
    .option("--rows <n>", "records to serve", "200000")
    .option("--page-size <n>", "records per page", "1000")
    .option("--port <n>", "TCP port, 0 for a free one", "0")
    .option("--small-ids", "ids from 1_000_000_000 instead of Snowflake-style ids past 2^53")
    .option("--exit-on-stdin-close", "stop when stdin closes (the parent went away)")
    .parse(args, { from: "user" })
    .opts<{
      rows: string;
      pageSize: string;
      port: string;
      smallIds?: boolean;
      exitOnStdinClose?: boolean;
    }>();
  let api: BenchApi;
  try {
    api = await startBenchApi({
      rows: Number(opts.rows),
      pageSize: Number(opts.pageSize),
      port: Number(opts.port),
      ids: opts.smallIds ? "small" : "snowflake",
    });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    console.error(error.message);
    return 2;
  }
  console.log(`listening ${api.url}`);
  if (opts.exitOnStdinClose) {
    // A parent that dies without killing us closes our stdin; don't linger as an orphan.
    for await (const _ of Deno.stdin.readable) { /* drain until EOF */ }
    await api.close();
  }
  return 0;
}

if (import.meta.main) Deno.exitCode = await main(Deno.args);
