/** `Pipeline.run(restApiSource(connector))` as a library user writes it: no wiring by hand. */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { defaultDeps, type Deps } from "../deps.ts";
import { restApiSource } from "../source/mod.ts";
import type { Connector } from "../source/types.ts";
import type { Destination } from "./destination.ts";
import { pipeline } from "./pipeline.ts";

const SECRET = "sk-live-7f3a9c";

/** An API with one order per day; `since` filters, and the key is part of the path. */
function shopApi(days: number, requests: URL[]): Deps {
  const orders = Array.from({ length: days }, (_, i) => ({
    id: i + 1,
    updated_at: `2024-01-0${i + 1}T00:00:00Z`,
  }));
  return {
    ...defaultDeps,
    fetch: (input) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      requests.push(url);
      if (!url.pathname.startsWith(`/keys/${SECRET}/`)) {
        return Promise.resolve(new Response("no such key", { status: 401 }));
      }
      const since = url.searchParams.get("since") ?? "";
      const body = orders.filter((o) => o.updated_at >= since);
      return Promise.resolve(Response.json(body));
    },
    sleep: () => Promise.resolve(),
  };
}

const SHOP: Connector = {
  name: "shop",
  config: { api_key: { secret: true } },
  client: { base_url: "https://shop.example/keys/{api_key}/", paginator: "single_page" },
  resources: [{
    name: "orders",
    primary_key: "id",
    endpoint: {
      path: "orders",
      incremental: {
        cursor_path: "updated_at",
        initial_value: "2024-01-01T00:00:00Z",
        start_param: "since",
      },
    },
  }],
};

/** A destination that keeps the rows it was given per load. */
function memoryDestination(): Destination & { rows: number } {
  const d = {
    type: "memory",
    location: "memory:",
    rows: 0,
    async load(request: { jobs: { path: string }[] }) {
      for (const job of request.jobs) {
        d.rows += (await Deno.readTextFile(job.path)).split("\n").filter(Boolean).length;
      }
    },
    close: () => Promise.resolve(),
  };
  return d;
}

async function inTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_bind_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("run() resolves the source's config from the pipeline's env and .dlt files", async () => {
  await inTemp(async (dir) => {
    await Deno.mkdir(join(dir, ".dlt"));
    await Deno.writeTextFile(
      join(dir, ".dlt", "secrets.toml"),
      `[sources.shop]\napi_key = "${SECRET}"\n`,
    );
    const requests: URL[] = [];
    const p = pipeline({
      pipelineName: "shop_pipeline",
      destination: memoryDestination(),
      pipelinesDir: join(dir, "pipelines"),
      env: { HOME: join(dir, "home") },
      projectDir: dir,
      deps: shopApi(2, requests),
    });
    const info = await p.run(restApiSource(SHOP));
    deepEqual(info.rowCounts, { orders: 2 });
    equal(requests.length, 1);

    // The env wins over secrets.toml, as in dlt; a missing value is dlt's error.
    const bare = pipeline({
      pipelineName: "bare",
      destination: memoryDestination(),
      pipelinesDir: join(dir, "pipelines"),
      env: { HOME: join(dir, "home") },
      projectDir: join(dir, "home"),
      deps: shopApi(2, []),
    });
    await rejects(bare.run(restApiSource(SHOP)), (err: Error) => {
      match(err.message, /^Missing 1 field\(s\) in configuration/);
      match(err.message, /SOURCES__SHOP__API_KEY/);
      return true;
    });
  });
});

Deno.test("run() gives the source its committed state: a second run loads only what is new", async () => {
  await inTemp(async (dir) => {
    const requests: URL[] = [];
    const destination = memoryDestination();
    const options = {
      pipelineName: "shop_pipeline",
      destination,
      pipelinesDir: dir,
      env: { SOURCES__SHOP__API_KEY: SECRET },
      projectDir: dir,
    };
    await pipeline({ ...options, deps: shopApi(2, requests) }).run(restApiSource(SHOP));
    const second = await pipeline({ ...options, deps: shopApi(3, requests) })
      .run(restApiSource(SHOP));
    // The boundary record (day 2) is fetched again and deduplicated by primary key.
    equal(requests[1].searchParams.get("since"), "2024-01-02T00:00:00Z");
    deepEqual(second.rowCounts, { orders: 1 });
    equal(destination.rows, 3);
  });
});

Deno.test("run() masks the source's secrets in its errors and trace by default", async () => {
  await inTemp(async (dir) => {
    const p = pipeline({
      pipelineName: "shop_pipeline",
      destination: memoryDestination(),
      pipelinesDir: dir,
      env: { SOURCES__SHOP__API_KEY: `${SECRET}-wrong` },
      projectDir: dir,
      deps: shopApi(1, []),
    });
    const err = await p.run(restApiSource(SHOP)).then(() => undefined, (e: Error) => e);
    ok(err, "the run failed");
    match(err.message, /401/);
    equal(err.message.includes(SECRET), false, err.message);
    equal(err.stack?.includes(SECRET), false);
    const trace = await Deno.readTextFile(join(dir, "shop_pipeline", "trace.json"));
    match(trace, /\*\*\*/);
    equal(trace.includes(SECRET), false, trace);
    const steps = JSON.parse(trace).steps;
    deepEqual(steps.map((s: { step: string }) => s.step), ["extract"]);
    match(steps[0].error, /401/);
  });
});

Deno.test("dataset() reads back tables, rows as objects, counts and SQL", async () => {
  // A destination that answers queries from a fixed table, as DuckDB would.
  const queries: string[] = [];
  const destination: Destination = {
    ...memoryDestination(),
    query(sql) {
      queries.push(sql);
      if (sql.includes("count(*) AS row_count")) {
        return Promise.resolve([{ table_name: "orders", row_count: 3n }]);
      }
      if (sql.includes("count(*) AS n")) return Promise.resolve([{ n: 3n }]);
      return Promise.resolve([{ id: 1n, status: "open" }]);
    },
  };
  await inTemp(async (dir) => {
    const p = pipeline({
      pipelineName: "shop_pipeline",
      destination,
      pipelinesDir: dir,
      env: { SOURCES__SHOP__API_KEY: SECRET },
      projectDir: dir,
      deps: shopApi(3, []),
    });
    await p.run(restApiSource(SHOP));
    const ds = p.dataset();
    equal(ds.name, "shop_pipeline_dataset");
    deepEqual(await ds.tables(), ["orders"]);
    deepEqual(await ds.rowCounts(), { orders: 3 });
    equal(await ds.table("orders").count(), 3);
    deepEqual(await ds.table("orders").select("id", "status").limit(1).rows(), [{
      id: 1n,
      status: "open",
    }]);
    deepEqual(queries.slice(-1), [
      'SELECT * FROM (SELECT "id", "status" FROM (SELECT * FROM "shop_pipeline_dataset"."orders"\n' +
      ") AS q\n) AS q LIMIT 1",
    ]);
    equal(ds.sql("SELECT 1;").toSql(), "SELECT 1");
  });
});
