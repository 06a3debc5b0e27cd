// A script's entry point prints its results to the terminal.
// deno-lint-ignore-file no-console
/**
 * The latency benchmark (`deno task bench --latency 50 [--concurrency N]`): a real `dltx run`
 * against `scripts/bench_latency_api.ts`, whose every answer takes `--latency` ms: a parent
 * list of 10 pages x 20 records (`Link` header), one child request per record, and a
 * page-numbered endpoint of 40 pages with a total. 250 requests, bound by round trips.
 *
 * It prints `bench-latency: requests=N seconds=N ideal_seconds=N ratio_vs_ideal=N`: seconds is
 * the CLI's wall time from spawn to exit (start-up and the DuckDB load included); ideal is the
 * time the requests need at the concurrency with zero overhead (requests x latency /
 * concurrency). The line before it adds the API's count of requests in flight at most, the
 * extract step's seconds from the trace, and peak RSS.
 *
 * The concurrency goes to the CLI as `SOURCES__BENCH_LATENCY__CONCURRENCY`, which a dltx
 * without concurrency ignores: `--cli <old main.ts>` measures the old code on the same scenario.
 *
 * @module
 */

import { DuckDBInstance } from "@duckdb/node-api";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { cliCommand, runMeasured, startApiScript, tail } from "./_bench_process.ts";
import { LATENCY_SCENARIO, latencyConnector, type LatencyStats } from "./bench_latency_api.ts";

/** The default of `dltx run --concurrency`. */
const DEFAULT_CONCURRENCY = 8;

/** Options of {@linkcode benchLatency}. */
export interface LatencyBenchOptions {
  latencyMs: number;
  /** Passed to the CLI; unset: the CLI's default (8). */
  concurrency?: number;
  /** The CLI to measure. */
  cli: string;
  keep: boolean;
}

/**
 * Runs the latency scenario once and prints its lines.
 *
 * @throws {UserError} when the CLI fails or loads other row counts than the API serves.
 */
export async function benchLatency(options: LatencyBenchOptions): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_bench_latency_" });
  const api = await startApiScript("bench_latency_api.ts", [
    "--latency",
    String(options.latencyMs),
  ]);
  try {
    const connector = join(dir, "bench_latency.json");
    await Deno.writeTextFile(connector, JSON.stringify(latencyConnector(api.url), null, 2));
    const env: Record<string, string> = {
      DLTX_PIPELINES_DIR: join(dir, "pipelines"),
      DESTINATION__DUCKDB__CREDENTIALS: join(dir, "bench_latency.duckdb"),
    };
    if (options.concurrency !== undefined) {
      env.SOURCES__BENCH_LATENCY__CONCURRENCY = String(options.concurrency);
    }
    console.error(
      `bench: running ${options.cli} run ${connector} (latency ${options.latencyMs} ms, ` +
        `concurrency ${options.concurrency ?? "default"})`,
    );
    const [cmd, args] = cliCommand(options.cli, ["run", connector, "--pipeline", "bench_latency"]);
    const run = await runMeasured(cmd, args, { cwd: dir, env });
    if (run.code !== 0) {
      throw new UserError(
        `The CLI exited with code ${run.code}:\n${tail(run.stderr + run.stdout)}`,
      );
    }
    const stats = await (await fetch(`${api.url}/_stats`)).json() as LatencyStats;
    await checkRows(join(dir, "bench_latency.duckdb"));
    const trace = JSON.parse(
      await Deno.readTextFile(join(dir, "pipelines", "bench_latency", "trace.json")),
    );
    const extractSeconds = Number(trace.steps?.[0]?.seconds ?? NaN);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    const ideal = (stats.requests * options.latencyMs) / 1000 / concurrency;
    const fmt = (n: number) => n.toFixed(2);
    console.log(
      `bench-latency detail: latency_ms=${options.latencyMs} concurrency=${concurrency} ` +
        `peak_in_flight=${stats.peak_in_flight} mean_in_flight=${stats.mean_in_flight} ` +
        `extract_seconds=${fmt(extractSeconds)} ` +
        `peak_rss_mb=${Math.round(run.peakRssMb)}`,
    );
    console.log(
      `bench-latency: requests=${stats.requests} seconds=${fmt(run.seconds)} ` +
        `ideal_seconds=${fmt(ideal)} ratio_vs_ideal=${fmt(run.seconds / ideal)}`,
    );
    if (options.keep) console.log(`  kept ${dir}`);
  } finally {
    await api.stop();
    if (!options.keep) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Every table has the rows the API served. */
async function checkRows(dbPath: string): Promise<void> {
  const { parentPages, perPage, numberedPages } = LATENCY_SCENARIO;
  const instance = await DuckDBInstance.create(dbPath, { access_mode: "READ_ONLY" });
  const conn = await instance.connect();
  try {
    const ds = "bench_latency_dataset";
    const reader = await conn.runAndReadAll(
      `SELECT (SELECT count(DISTINCT id) FROM ${ds}.parents),
              (SELECT count(DISTINCT parent) FROM ${ds}.children),
              (SELECT count(DISTINCT id) FROM ${ds}.numbered)`,
    );
    const got = reader.getRows()[0].map(Number);
    const want = [parentPages * perPage, parentPages * perPage, numberedPages * perPage];
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      throw new UserError(`Rows differ: loaded ${got.join("/")}, expected ${want.join("/")}`);
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
