import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { defaultDeps } from "../../deps.ts";
import { runCli } from "../cli.ts";
import type { CliContext } from "../context.ts";
import { createDashboardApp } from "./_api.ts";

const NAME = "shop_pipeline";
const DS = "shop_pipeline_dataset";

function context(dir: string, args: string[] = []): CliContext {
  const sink = { write() {}, isTerminal: false };
  return {
    args,
    env: { DLTX_PIPELINES_DIR: join(dir, "_pipelines"), HOME: dir },
    cwd: dir,
    stdout: sink,
    stderr: sink,
    deps: defaultDeps,
  };
}

/** A project where `shop_pipeline` ran twice against a local API (the second adds a column). */
async function project(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_dashboard_" });
  let second = false;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (new URL(req.url).pathname === "/tags") return Response.json([{ tag: "x" }]);
    return Response.json([
      { id: 1, name: "a", tags: [{ t: "x" }], v: 1 },
      { id: 2, name: "b", tags: [], v: "text", ...(second ? { extra: true } : {}) },
    ]);
  });
  const connector = join(dir, "shop.json");
  await Deno.writeTextFile(
    connector,
    JSON.stringify({
      name: "shop",
      client: { base_url: `http://127.0.0.1:${server.addr.port}`, paginator: "single_page" },
      resources: ["items", "tags"],
    }),
  );
  try {
    equal(await runCli(context(dir, ["run", connector])), 0);
    second = true;
    equal(await runCli(context(dir, ["run", connector])), 0);
  } finally {
    await server.shutdown();
  }
  return {
    dir,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function get(app: ReturnType<typeof createDashboardApp>, path: string, init?: RequestInit) {
  const res = await app.fetch(new Request(`http://127.0.0.1${path}`, init));
  return { status: res.status, body: await res.json() };
}

Deno.test("dashboard API: pipelines, overview, schema, versions, chart and queries", async (t) => {
  await using p = await project();
  const app = createDashboardApp(context(p.dir), { rowLimit: 2 });

  await t.step("page", async () => {
    const res = await app.fetch(new Request("http://127.0.0.1/"));
    equal(res.status, 200);
    match(await res.text(), /<title>dltx dashboard<\/title>/);
  });

  await t.step("pipelines and overview", async () => {
    deepEqual((await get(app, "/api/pipelines")).body, { pipelines: [NAME], single: false });
    const { status, body } = await get(app, `/api/pipelines/${NAME}`);
    equal(status, 200);
    equal(body.dataset, DS);
    equal(body.loads.length, 2);
    equal(body.loads[0].status, 0);
    deepEqual(body.tables, [
      { name: "items", rows: 4 },
      { name: "items__tags", rows: 2 },
      { name: "tags", rows: 2 },
    ]);
    deepEqual(body.lastRun.rowCounts, { items: 2, items__tags: 1, tags: 1 });
    deepEqual(body.lastRun.errors, []);
  });

  await t.step("schema tree with variant columns and hints", async () => {
    const { body } = await get(app, `/api/pipelines/${NAME}/schema`);
    const items = body.schemas[0].tables.find((x: { name: string }) => x.name === "items");
    equal(items.children[0].name, "items__tags");
    const v = items.columns.find((c: { name: string }) => c.name === "v__v_text");
    equal(v.variant, true);
    const id = items.columns.find((c: { name: string }) => c.name === "_dlt_id");
    deepEqual(id.hints, ["unique", "row_key"]);
  });

  await t.step("schema versions name what each added", async () => {
    const { body } = await get(app, `/api/pipelines/${NAME}/versions`);
    equal(body.versions.length, 2);
    ok(body.versions[0].added_tables.includes("items"));
    deepEqual(body.versions[1].added_tables, []);
    deepEqual(body.versions[1].added_columns, ["items.extra"]);
  });

  await t.step("rows per run and table", async () => {
    const { body } = await get(app, `/api/pipelines/${NAME}/chart`);
    equal(body.loads.length, 2);
    const items = body.tables.find((x: { name: string }) => x.name === "items");
    deepEqual(body.loads.map((l: string) => items.rows[l]), [2, 2]);
  });

  await t.step("queries: rows, row limit, errors", async () => {
    const post = (sql: unknown) =>
      get(app, `/api/pipelines/${NAME}/query`, { method: "POST", body: JSON.stringify({ sql }) });
    const ok1 = await post(`SELECT id, name FROM ${DS}.items ORDER BY id, name`);
    equal(ok1.status, 200);
    deepEqual(ok1.body, {
      columns: ["id", "name"],
      rows: [[1, "a"], [1, "a"]],
      limited: true,
      limit: 2,
    });
    const small = await post(`SELECT count(*) AS n FROM ${DS}.tags`);
    deepEqual(small.body.rows, [[2]]);
    equal(small.body.limited, false);
    const bad = await post(`SELECT nope FROM ${DS}.items`);
    equal(bad.status, 400);
    match(bad.body.error, /nope/);
    const write = await post(`DELETE FROM ${DS}.items`);
    equal(write.status, 400);
    equal((await post("  ")).status, 400);
  });

  await t.step("unknown pipeline and page", async () => {
    const missing = await get(app, "/api/pipelines/nope");
    equal(missing.status, 400);
    match(missing.body.error, /Pipeline "nope" not found/);
    equal((await get(app, "/api/other")).status, 404);
  });
});

Deno.test("dashboard API of one pipeline shows only it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dltx_dashboard_" });
  try {
    await Deno.mkdir(join(dir, "_pipelines", "a"), { recursive: true });
    await Deno.mkdir(join(dir, "_pipelines", "b"), { recursive: true });
    const app = createDashboardApp(context(dir), { pipeline: "a" });
    deepEqual((await get(app, "/api/pipelines")).body, { pipelines: ["a"], single: true });
    match((await get(app, "/api/pipelines/b")).body.error, /shows pipeline "a" only/);
    // A pipeline that never loaded has no state: an overview without loads, not an error.
    const { status, body } = await get(app, "/api/pipelines/a");
    equal(status, 200);
    deepEqual(body.loads, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
