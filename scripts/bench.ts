// A script's entry point prints its results to the terminal.
// deno-lint-ignore-file no-console
/**
 * `deno task bench [--rows 200000] [--page-size 1000] [--small-ids] [--keep] [--cli <path>]
 * [--map-step] [--no-extra] [--to duckdb|postgres]`: measures a real `dltx run` of a
 * GitHub-issue-like API into DuckDB against DuckDB loading the same records from a JSONL file
 * by itself; with `--to postgres`, into PostgreSQL against PostgreSQL's own `COPY` of the same
 * rows from CSV. `--latency <ms> [--concurrency N]` runs the latency scenario instead
 * (`scripts/_bench_latency.ts`).
 *
 * 1. Starts `scripts/bench_api.ts` in its own process (it must not share the CLI's event loop
 *    or heap) and writes a connector JSON for it (resource `issues`, `header_link` paginator).
 * 2. Runs the CLI as a subprocess in a temp dir (`--pipeline bench`), timing its wall clock
 *    from spawn to exit, start-up included, and its peak RSS.
 * 3. Checks `bench_dataset.issues` has exactly `--rows` rows and `issues__labels` the expected
 *    count, and that `id` is a BIGINT column holding exactly the ids served: Snowflake-style
 *    ids past 2^53 (`--small-ids`: the old small ones), checked by their smallest, largest,
 *    distinct count and sum as exact text, so a single rounded id fails the bench.
 * 4. Baseline: the same records as one JSONL file, loaded by `read_json_auto` in a fresh
 *    process (`scripts/_duckdb_native.ts`), timed inside that process around the load.
 * 5. Unless `--no-extra`: `dltx load <that file> --table issues` into DuckDB (the shell-pipeline
 *    path), and `dltx run` into the filesystem destination (Parquet files), each checked the
 *    same way (the Parquet files read back); the Parquet run's baseline is DuckDB's own
 *    `COPY (SELECT * FROM read_json_auto(...)) TO ... (FORMAT parquet)`. They print
 *    `bench-load: ...` and `bench-parquet: ...` lines (same fields as the last line) before it.
 *
 * Peak RSS is the kernel's `VmHWM` ("high water mark") of `/proc/<pid>/status`, read every
 * 20 ms. It only ever grows, so the last value read before the process exits is its peak up to
 * that moment (growth in the last <20 ms is missed). Without `/proc` (macOS) it reads 0.
 *
 * The last line printed is machine-readable:
 * `bench: rows=N rows_per_s=N peak_rss_mb=N ratio_vs_duckdb=N` where the ratio is dltx wall
 * seconds / DuckDB-native seconds.
 *
 * `--to postgres` loads a fresh database on the server of `DLTX_TEST_PG_URL` (else a
 * throwaway cluster, `scripts/pg_test_cluster.sh`), checks the rows and ids the same way, then
 * times PostgreSQL copying the loaded tables' rows from CSV files into empty tables made `LIKE`
 * them, and prints `bench-postgres: rows=N rows_per_s=N peak_rss_mb=N ratio_vs_copy=N`.
 *
 * `--map-step` also runs a TS connector for the same API with one `map` processing step, which
 * runs in the plugin sandbox (a worker; records cross as JSON, a page per round trip), and
 * prints its own line before the last: `bench map_step: rows=N rows_per_s=N peak_rss_mb=N
 * overhead_vs_plain=N%`, the overhead being its wall time over the plain run's.
 *
 * @module
 */

import { DuckDBInstance } from "@duckdb/node-api";
import { Command, InvalidArgumentError } from "commander";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../core/errors.ts";
import { benchLatency } from "./_bench_latency.ts";
import {
  type BenchCounts,
  type BenchIds,
  expectedBenchCounts,
  expectedBenchIds,
  type IdKind,
  writeBenchJsonl,
} from "./bench_api.ts";
import { benchServer, countLoadedPostgres, postgresCopyBaseline } from "./_bench_postgres.ts";
import {
  type ApiProcess,
  cliCommand,
  type Measured,
  runMeasured,
  startApiScript,
  tail,
} from "./_bench_process.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));

interface BenchOptions {
  rows: number;
  pageSize: number;
  ids: IdKind;
  keep: boolean;
  cli: string;
  mapStep: boolean;
  /** Also measure `dltx load` of the JSONL file and the filesystem destination (Parquet). */
  extra: boolean;
  /** `duckdb`, or `postgres` at this URL. */
  to: "duckdb" | "postgres";
  postgresUrl?: string;
}

/** A bench API in its own process; stopped by closing its stdin (`--exit-on-stdin-close`). */
function startApiProcess(rows: number, pageSize: number, ids: IdKind): Promise<ApiProcess> {
  return startApiScript("bench_api.ts", [
    "--rows",
    String(rows),
    "--page-size",
    String(pageSize),
    ...(ids === "small" ? ["--small-ids"] : []),
  ]);
}

/** The connector the CLI runs: the bench API's `issues`, paged by its `Link` header. */
function benchConnector(url: string) {
  return {
    name: "bench",
    description: "GitHub-issue-like records served by scripts/bench_api.ts",
    client: { base_url: url, paginator: { type: "header_link" } },
    resources: [{ name: "issues", endpoint: { path: "issues" } }],
  };
}

/**
 * The same connector as a TS plugin with one `map` step (run in its sandbox, see
 * `core/sandbox`): each record gets a `mapped` column.
 */
function benchMapConnector(url: string): string {
  const definition = JSON.stringify({ ...benchConnector(url), name: "bench_map" }, null, 2);
  return `const definition = ${definition};\n` +
    `definition.resources[0].processing_steps = [{ map: (r) => ({ ...r, mapped: true }) }];\n` +
    `export default definition;\n`;
}

interface Loaded extends BenchCounts {
  /** The type of the `id` column and the columns that start with `id__` (variants). */
  idTypes: string;
  ids: BenchIds;
}

/** A {@linkcode Loaded} from the row of the count queries below (same columns in both). */
function loadedFromRow(row: unknown[]): Loaded {
  const [issues, labels, idTypes, min, max, distinct, sum] = row;
  return {
    issues: Number(issues),
    labels: Number(labels),
    idTypes: String(idTypes),
    ids: { min: String(min), max: String(max), distinct: Number(distinct), sum: String(sum) },
  };
}

async function countLoaded(dbPath: string, dataset = "bench_dataset"): Promise<Loaded> {
  const instance = await DuckDBInstance.create(dbPath, { access_mode: "READ_ONLY" });
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(
      `SELECT (SELECT count(*) FROM ${dataset}.issues),
              (SELECT count(*) FROM ${dataset}.issues__labels),
              (SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_name)
                 FROM information_schema.columns
                WHERE table_schema = '${dataset}' AND table_name = 'issues'
                  AND (column_name = 'id' OR column_name LIKE 'id\_\_%' ESCAPE '\')),
              (SELECT CAST(min(id) AS VARCHAR) FROM ${dataset}.issues),
              (SELECT CAST(max(id) AS VARCHAR) FROM ${dataset}.issues),
              (SELECT count(DISTINCT id) FROM ${dataset}.issues),
              (SELECT CAST(sum(id) AS VARCHAR) FROM ${dataset}.issues)`,
    );
    return loadedFromRow(reader.getRows()[0]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** A run of the CLI: the connector file it loads (written by `write`) and its pipeline. */
interface DltxRun {
  file: string;
  pipeline: string;
  write: (apiUrl: string) => string;
  /** Destination instead of `--to`'s, with its env (given the temp dir). */
  to?: string;
  env?: (dir: string) => Record<string, string>;
}

const PLAIN_RUN: DltxRun = {
  file: "bench_connector.json",
  pipeline: "bench",
  write: (url) => JSON.stringify(benchConnector(url), null, 2),
};

const MAP_STEP_RUN: DltxRun = {
  file: "bench_map_connector.ts",
  pipeline: "bench_map",
  write: benchMapConnector,
};

/** The plain connector into the filesystem destination (Parquet, its default format). */
const PARQUET_RUN: DltxRun = {
  ...PLAIN_RUN,
  pipeline: "bench_parquet",
  to: "filesystem",
  env: (dir) => ({ DESTINATION__FILESYSTEM__BUCKET_URL: join(dir, "files") }),
};

async function runDltx(dir: string, options: BenchOptions, what = PLAIN_RUN): Promise<Measured> {
  console.error(`bench: starting the bench API (${options.rows} rows) ...`);
  const api = await startApiProcess(options.rows, options.pageSize, options.ids);
  try {
    const connectorPath = join(dir, what.file);
    await Deno.writeTextFile(connectorPath, what.write(api.url));
    console.error(`bench: running ${options.cli} run ${connectorPath} --pipeline ${what.pipeline}`);
    const [cmd, args] = cliCommand(options.cli, [
      "run",
      connectorPath,
      "--pipeline",
      what.pipeline,
      "--to",
      what.to ?? options.to,
    ]);
    const run = await runMeasured(cmd, args, {
      cwd: dir,
      env: {
        DLTX_PIPELINES_DIR: join(dir, "pipelines"),
        DESTINATION__DUCKDB__CREDENTIALS: join(dir, `${what.pipeline}.duckdb`),
        ...(options.postgresUrl ? { DESTINATION__POSTGRES__CREDENTIALS: options.postgresUrl } : {}),
        ...what.env?.(dir),
      },
    });
    if (run.code !== 0) {
      throw new UserError(
        `The CLI exited with code ${run.code}:\n${tail(run.stderr + run.stdout)}`,
      );
    }
    return run;
  } finally {
    await api.stop();
  }
}

/** The TS connector with a `map` step, its rows checked like the plain run's. */
async function runMapStep(
  dir: string,
  options: BenchOptions,
  expected: BenchCounts,
): Promise<Measured> {
  const run = await runDltx(dir, options, MAP_STEP_RUN);
  const loaded = await countLoaded(join(dir, "bench_map.duckdb"), "bench_map_dataset");
  if (loaded.issues !== expected.issues || loaded.labels !== expected.labels) {
    throw new UserError(
      `Row counts differ with the map step: loaded issues=${loaded.issues} ` +
        `issues__labels=${loaded.labels}, expected issues=${expected.issues} ` +
        `issues__labels=${expected.labels}`,
    );
  }
  return run;
}

/** The records as one JSONL file in `dir`, for the baselines and `dltx load`. */
async function writeJsonl(dir: string, rows: number, ids: IdKind): Promise<string> {
  const jsonl = join(dir, "issues.jsonl");
  console.error(`bench: writing ${jsonl} ...`);
  await writeBenchJsonl(jsonl, rows, ids);
  return jsonl;
}

/**
 * DuckDB by itself on the JSONL file: `read_json_auto` into a database file, or with
 * `parquet` a `COPY ... TO` one Parquet file.
 */
async function runDuckDbNative(
  dir: string,
  jsonl: string,
  rows: number,
  parquet = false,
): Promise<{ seconds: number; run: Measured }> {
  console.error(
    `bench: DuckDB's own read_json_auto of ${jsonl}` + (parquet ? " to Parquet ..." : " ..."),
  );
  const script = join(REPO, "scripts", "_duckdb_native.ts");
  const args = parquet
    ? ["--parquet", jsonl, join(dir, "native.parquet")]
    : [jsonl, join(dir, "native.duckdb")];
  const run = await runMeasured(Deno.execPath(), ["run", "-A", script, ...args], { cwd: REPO });
  if (run.code !== 0) {
    throw new UserError(`The DuckDB baseline failed (code ${run.code}):\n${tail(run.stderr)}`);
  }
  const result = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}");
  if (result.rows !== rows) {
    throw new UserError(`The DuckDB baseline loaded ${result.rows} rows, expected ${rows}`);
  }
  return { seconds: result.seconds, run };
}

/** `dltx load <file.jsonl> --table issues` into DuckDB: the shell-pipeline path. */
async function runDltxLoad(dir: string, options: BenchOptions, jsonl: string): Promise<Measured> {
  console.error(`bench: running ${options.cli} load ${jsonl} --table issues --pipeline bench_load`);
  const [cmd, args] = cliCommand(options.cli, [
    "load",
    jsonl,
    "--table",
    "issues",
    "--pipeline",
    "bench_load",
  ]);
  const run = await runMeasured(cmd, args, {
    cwd: dir,
    env: {
      DLTX_PIPELINES_DIR: join(dir, "pipelines"),
      DESTINATION__DUCKDB__CREDENTIALS: join(dir, "bench_load.duckdb"),
    },
  });
  if (run.code !== 0) {
    throw new UserError(
      `dltx load exited with code ${run.code}:\n${tail(run.stderr + run.stdout)}`,
    );
  }
  return run;
}

/** Row counts and ids of the Parquet files of the filesystem run, read back by DuckDB. */
async function countParquet(dir: string): Promise<Loaded> {
  const base = join(dir, "files", "bench_parquet_dataset");
  const files = (table: string) => `read_parquet('${join(base, table, "*.parquet")}')`;
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(
      `SELECT (SELECT count(*) FROM ${files("issues")}),
              (SELECT count(*) FROM ${files("issues__labels")}),
              (SELECT 'id ' || typeof(any_value(id)) FROM ${files("issues")}),
              (SELECT CAST(min(id) AS VARCHAR) FROM ${files("issues")}),
              (SELECT CAST(max(id) AS VARCHAR) FROM ${files("issues")}),
              (SELECT count(DISTINCT id) FROM ${files("issues")}),
              (SELECT CAST(sum(id) AS VARCHAR) FROM ${files("issues")})`,
    );
    return loadedFromRow(reader.getRows()[0]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Fails unless `loaded` has exactly the expected rows and `BIGINT` ids. */
function checkLoaded(what: string, loaded: Loaded, expected: BenchCounts, ids: BenchIds): void {
  if (loaded.issues !== expected.issues || loaded.labels !== expected.labels) {
    throw new UserError(
      `Row counts differ (${what}): loaded issues=${loaded.issues} ` +
        `issues__labels=${loaded.labels}, expected issues=${expected.issues} ` +
        `issues__labels=${expected.labels}`,
    );
  }
  if (loaded.idTypes !== "id BIGINT" || JSON.stringify(loaded.ids) !== JSON.stringify(ids)) {
    throw new UserError(
      `The ids differ (${what}): loaded ${loaded.idTypes} ${JSON.stringify(loaded.ids)}, ` +
        `expected id BIGINT ${JSON.stringify(ids)}`,
    );
  }
}

/** A machine-readable result line: `<name>: rows=N rows_per_s=N peak_rss_mb=N ratio_vs_duckdb=N`. */
function resultLine(name: string, rows: number, run: Measured, baselineSeconds: number): string {
  return `${name}: rows=${rows} rows_per_s=${Math.round(rows / run.seconds)} ` +
    `peak_rss_mb=${Math.round(run.peakRssMb)} ` +
    `ratio_vs_duckdb=${(run.seconds / baselineSeconds).toFixed(2)}`;
}

/** `--to postgres`: dltx into PostgreSQL against PostgreSQL's COPY of the same rows. */
async function benchPostgres(options: BenchOptions): Promise<void> {
  const { rows } = options;
  const dir = await Deno.makeTempDir({ prefix: "dltx_bench_" });
  const server = await benchServer();
  try {
    const dltx = await runDltx(dir, { ...options, postgresUrl: server.url });
    const expected = expectedBenchCounts(rows);
    const loaded = await countLoadedPostgres(server.url);
    const expectedIds = expectedBenchIds(rows, options.ids);
    if (
      loaded.issues !== expected.issues || loaded.labels !== expected.labels ||
      loaded.idTypes !== "id bigint" || JSON.stringify(loaded.ids) !== JSON.stringify(expectedIds)
    ) {
      throw new UserError(
        `The loaded rows differ: ${JSON.stringify(loaded)}, expected ${
          JSON.stringify({ ...expected, idTypes: "id bigint", ids: expectedIds })
        }`,
      );
    }
    console.error("bench: timing PostgreSQL's own COPY of the same rows from CSV files ...");
    const copySeconds = await postgresCopyBaseline(server.url, dir);
    const rowsPerS = Math.round(rows / dltx.seconds);
    const ratio = dltx.seconds / copySeconds;
    const fmt = (n: number, digits = 2) => n.toFixed(digits);
    console.log(`dltx bench --to postgres: ${rows} rows in pages of ${options.pageSize}`);
    console.log(
      `  dltx run      ${fmt(dltx.seconds)} s wall (spawn to exit, start-up included), ` +
        `${rowsPerS} rows/s, peak RSS ${fmt(dltx.peakRssMb, 0)} MB`,
    );
    console.log(
      `  postgres COPY ${fmt(copySeconds)} s (COPY FROM STDIN of CSV files of the loaded tables)`,
    );
    console.log(
      `  rows checked  issues=${loaded.issues} issues__labels=${loaded.labels}, ` +
        `${options.ids} ids exact (${loaded.ids.min}..${loaded.ids.max}, sum ${loaded.ids.sum})`,
    );
    console.log(`  ratio         ${fmt(ratio)}x (dltx wall / postgres COPY)`);
    console.log(
      `bench-postgres: rows=${rows} rows_per_s=${rowsPerS} ` +
        `peak_rss_mb=${Math.round(dltx.peakRssMb)} ratio_vs_copy=${fmt(ratio)}`,
    );
  } finally {
    await server.close();
    if (!options.keep) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

async function bench(options: BenchOptions): Promise<void> {
  if (options.to === "postgres") return await benchPostgres(options);
  const { rows } = options;
  const dir = await Deno.makeTempDir({ prefix: "dltx_bench_" });
  try {
    const dltx = await runDltx(dir, options);
    const expected = expectedBenchCounts(rows);
    const expectedIds = expectedBenchIds(rows, options.ids);
    const loaded = await countLoaded(join(dir, "bench.duckdb"));
    checkLoaded("dltx run", loaded, expected, expectedIds);
    const mapStep = options.mapStep ? await runMapStep(dir, options, expected) : undefined;
    const jsonl = await writeJsonl(dir, rows, options.ids);
    const native = await runDuckDbNative(dir, jsonl, rows);
    const extra = options.extra;
    const load = extra ? await runDltxLoad(dir, options, jsonl) : undefined;
    if (load) {
      const loadedByLoad = await countLoaded(join(dir, "bench_load.duckdb"), "bench_load_dataset");
      checkLoaded("dltx load", loadedByLoad, expected, expectedIds);
    }
    const parquet = extra ? await runDltx(dir, options, PARQUET_RUN) : undefined;
    if (parquet) checkLoaded("filesystem parquet", await countParquet(dir), expected, expectedIds);
    const nativeParquet = extra ? await runDuckDbNative(dir, jsonl, rows, true) : undefined;

    const rowsPerS = Math.round(rows / dltx.seconds);
    const ratio = dltx.seconds / native.seconds;
    const fmt = (n: number, digits = 2) => n.toFixed(digits);
    console.log(`dltx bench: ${rows} rows in pages of ${options.pageSize}`);
    console.log(
      `  dltx run      ${fmt(dltx.seconds)} s wall (spawn to exit, start-up included), ` +
        `${rowsPerS} rows/s, peak RSS ${fmt(dltx.peakRssMb, 0)} MB`,
    );
    console.log(
      `  duckdb native ${fmt(native.seconds)} s (read_json_auto + CHECKPOINT, timed inside), ` +
        `${fmt(native.run.seconds)} s process wall, peak RSS ${fmt(native.run.peakRssMb, 0)} MB`,
    );
    if (load) {
      console.log(
        `  dltx load     ${fmt(load.seconds)} s wall (the JSONL file, --table issues), ` +
          `peak RSS ${fmt(load.peakRssMb, 0)} MB`,
      );
    }
    if (parquet && nativeParquet) {
      console.log(
        `  dltx parquet  ${fmt(parquet.seconds)} s wall (run --to filesystem), peak RSS ` +
          `${fmt(parquet.peakRssMb, 0)} MB; duckdb COPY to parquet ${fmt(nativeParquet.seconds)} s`,
      );
    }
    console.log(
      `  rows checked  issues=${loaded.issues} issues__labels=${loaded.labels}, ` +
        `${options.ids} ids exact (${loaded.ids.min}..${loaded.ids.max}, sum ${loaded.ids.sum})` +
        (extra ? ", the same for dltx load and the Parquet files" : ""),
    );
    console.log(`  ratio         ${fmt(ratio)}x (dltx wall / duckdb native)`);
    if (options.keep) console.log(`  kept          ${dir}`);
    if (mapStep) {
      const mapRowsPerS = Math.round(rows / mapStep.seconds);
      const overhead = (mapStep.seconds / dltx.seconds - 1) * 100;
      console.log(
        `bench map_step: rows=${rows} rows_per_s=${mapRowsPerS} ` +
          `peak_rss_mb=${Math.round(mapStep.peakRssMb)} overhead_vs_plain=${fmt(overhead, 1)}%`,
      );
    }
    if (load) console.log(resultLine("bench-load", rows, load, native.seconds));
    if (parquet && nativeParquet) {
      console.log(resultLine("bench-parquet", rows, parquet, nativeParquet.seconds));
    }
    console.log(resultLine("bench", rows, dltx, native.seconds));
  } finally {
    if (!options.keep) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}"`);
    }
    return n;
  };
}

async function main(args: string[]): Promise<number> {
  const opts = new Command("bench")
    .description("Benchmark `dltx run` against DuckDB's own JSON loader")
    .option("--rows <n>", "records to load", positiveInt("--rows"), 200_000)
    .option("--page-size <n>", "records per API page", positiveInt("--page-size"), 1000)
    .option("--small-ids", "ids from 1_000_000_000 instead of Snowflake-style ids past 2^53")
    .option("--keep", "keep the temp dir (databases, connector, JSONL)", false)
    .option("--cli <path>", "CLI to measure: a .ts/.js entry or a compiled binary")
    .option("--map-step", "also run a TS connector with a map step (the plugin sandbox)", false)
    .option("--to <destination>", "duckdb (default) | postgres", "duckdb")
    .option("--no-extra", "measure only `dltx run` (no bench-load and bench-parquet lines)")
    .option(
      "--latency <ms>",
      "run the latency scenario instead: an API answering after <ms>, 250 requests",
      positiveInt("--latency"),
    )
    .option(
      "--concurrency <n>",
      "--latency: the CLI's concurrency (SOURCES__BENCH_LATENCY__CONCURRENCY; default 8)",
      positiveInt("--concurrency"),
    )
    .parse(args, { from: "user" })
    .opts<
      {
        rows: number;
        pageSize: number;
        smallIds?: boolean;
        keep: boolean;
        cli?: string;
        mapStep: boolean;
        extra: boolean;
        to: string;
        latency?: number;
        concurrency?: number;
      }
    >();
  if (opts.to !== "duckdb" && opts.to !== "postgres") {
    console.error(`bench: --to must be duckdb or postgres, got "${opts.to}"`);
    return 1;
  }
  if (opts.to === "postgres" && opts.mapStep) {
    console.error("bench: --map-step measures the DuckDB run; leave it out with --to postgres");
    return 1;
  }
  const cli = opts.cli ?? join(REPO, "main.ts");
  try {
    await Deno.stat(cli);
  } catch {
    console.error(`bench: the CLI to measure does not exist: ${cli} (pass --cli <path>)`);
    return 1;
  }
  try {
    if (opts.latency !== undefined) {
      await benchLatency({
        latencyMs: opts.latency,
        concurrency: opts.concurrency,
        cli,
        keep: opts.keep,
      });
      return 0;
    }
    await bench({
      rows: opts.rows,
      pageSize: opts.pageSize,
      ids: opts.smallIds ? "small" : "snowflake",
      keep: opts.keep,
      cli,
      mapStep: opts.mapStep,
      extra: opts.extra,
      to: opts.to,
    });
    return 0;
  } catch (error) {
    console.error(`bench: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (import.meta.main) Deno.exitCode = await main(Deno.args);
