import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { defaultDeps } from "../../deps.ts";
import { runCli } from "../cli.ts";
import type { CliContext } from "../context.ts";
import { createDashboardApp } from "./api.ts";
import { dashboardCommand } from "./serve.ts";

const NAME = "shop_pipeline";
const DS = "shop_pipeline_dataset";

function context(
  dir: string,
  args: string[] = [],
  extra: Partial<CliContext> = {},
): CliContext {
  const sink = { write() {}, isTerminal: false };
  return {
    args,
    env: { DLTX_PIPELINES_DIR: join(dir, "_pipelines"), HOME: dir },
    cwd: dir,
    stdout: sink,
    stderr: sink,
    deps: defaultDeps,
    ...extra,
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

/** A running `dltx pipeline <name> show --no-open`: its printed URL, port and token. */
async function startDashboard(dir: string) {
  const printed: string[] = [];
  const controller = new AbortController();
  let announced!: (url: string) => void;
  const url = new Promise<string>((resolve) => announced = resolve);
  const stdout = {
    write(text: string) {
      printed.push(text);
      const m = text.match(/http:\/\/\S+/);
      if (m) announced(m[0]);
    },
    isTerminal: false,
  };
  const done = dashboardCommand(context(dir, [], { stdout, signal: controller.signal }), NAME, {
    open: false,
  });
  const printedUrl = await url;
  const { port, hash } = new URL(printedUrl);
  return {
    printed,
    printedUrl,
    port: Number(port),
    token: hash.replace(/^#token=/, ""),
    async [Symbol.asyncDispose]() {
      controller.abort();
      await done;
    },
  };
}

interface RawAnswer {
  status: number;
  headers: Headers;
  body: string;
}

/** One HTTP/1.1 request written by hand, so `Host` is whatever the test says. */
async function raw(port: number, lines: string[], body = ""): Promise<RawAnswer> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = [...lines, `Content-Length: ${new TextEncoder().encode(body).length}`];
  await conn.write(
    new TextEncoder().encode(`${head.join("\r\n")}\r\nConnection: close\r\n\r\n${body}`),
  );
  const text = await new Response(conn.readable).text();
  const [top, ...rest] = text.split("\r\n\r\n");
  const [statusLine, ...headerLines] = top.split("\r\n");
  const headers = new Headers();
  for (const line of headerLines) {
    const i = line.indexOf(":");
    headers.append(line.slice(0, i), line.slice(i + 1).trim());
  }
  // Chunked or not, the JSON answers here are small: keep the text between the braces.
  const joined = rest.join("\r\n\r\n");
  const json = joined.match(/\{[\s\S]*\}/)?.[0] ?? joined;
  return { status: Number(statusLine.split(" ")[1]), headers, body: json };
}

Deno.test("dashboard server answers only its own page: Host, Origin, token, JSON bodies", async (t) => {
  await using p = await project();
  await using d = await startDashboard(p.dir);
  const base = `http://127.0.0.1:${d.port}`;
  const auth = { authorization: `Bearer ${d.token}` };
  const queryPath = `/api/pipelines/${NAME}/query`;
  const sqlBody = JSON.stringify({ sql: `SELECT count(*) AS n FROM ${DS}.items` });

  /** Asserts a 403 with a one-key JSON error matching `message`, and no CORS headers. */
  async function refused(res: Response | RawAnswer, message: RegExp) {
    equal(res.status, 403);
    const body = res instanceof Response ? await res.json() : JSON.parse(res.body);
    deepEqual(Object.keys(body), ["error"]);
    match(body.error, message);
    equal(res.headers.get("access-control-allow-origin"), null);
    equal(res.headers.get("referrer-policy"), "no-referrer");
  }

  await t.step("prints the URL with its token, also with --no-open", () => {
    match(d.printedUrl, new RegExp(`^http://127\\.0\\.0\\.1:${d.port}/#token=[0-9a-f]{64}$`));
    match(d.printed.join(""), /Dashboard of shop_pipeline at http:\/\/127\.0\.0\.1:\d+\/#token=/);
  });

  await t.step("with the token: answers, without CORS headers", async () => {
    const res = await fetch(`${base}/api/pipelines`, { headers: auth });
    equal(res.status, 200);
    deepEqual(await res.json(), { pipelines: [NAME], single: true });
    equal(res.headers.get("access-control-allow-origin"), null);
    equal(res.headers.get("referrer-policy"), "no-referrer");
    const query = await fetch(`${base}${queryPath}`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", origin: base },
      body: sqlBody,
    });
    equal(query.status, 200);
    deepEqual((await query.json()).rows, [[4]]);
  });

  await t.step("the page needs no token, holds none, and forbids framing", async () => {
    const res = await fetch(`${base}/`);
    equal(res.status, 200);
    const html = await res.text();
    ok(!html.includes(d.token));
    match(res.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
    equal(res.headers.get("referrer-policy"), "no-referrer");
  });

  await t.step("GET API calls without the token or with a wrong one", async () => {
    for (
      const path of ["/api/pipelines", `/api/pipelines/${NAME}`, `/api/pipelines/${NAME}/schema`]
    ) {
      await refused(await fetch(`${base}${path}`), /needs the token/);
      await refused(
        await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${"0".repeat(64)}` } }),
        /Wrong token/,
      );
    }
    await refused(await fetch(`${base}/api/nope`), /needs the token/);
  });

  await t.step("a query without the token", async () => {
    await refused(
      await fetch(`${base}${queryPath}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: sqlBody,
      }),
      /needs the token/,
    );
  });

  await t.step("a text/plain or form body", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      await refused(
        await fetch(`${base}${queryPath}`, {
          method: "POST",
          headers: { ...auth, "content-type": type },
          body: sqlBody,
        }),
        /application\/json/,
      );
    }
  });

  await t.step("another Origin", async () => {
    for (const origin of ["http://evil.test", `http://127.0.0.1:${d.port + 1}`, "null"]) {
      await refused(
        await fetch(`${base}${queryPath}`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json", origin },
          body: sqlBody,
        }),
        /are not allowed/,
      );
      await refused(
        await fetch(`${base}/api/pipelines`, { headers: { ...auth, origin } }),
        /are not allowed/,
      );
    }
  });

  await t.step("a CORS preflight", async () => {
    await refused(
      await fetch(`${base}${queryPath}`, {
        method: "OPTIONS",
        headers: {
          origin: "http://evil.test",
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      }),
      /are not allowed/,
    );
  });

  await t.step("another Host (DNS rebinding), another port, or none", async () => {
    const request = (host: string | undefined, path = "/api/pipelines") =>
      raw(d.port, [
        `GET ${path} HTTP/1.1`,
        ...(host === undefined ? [] : [`Host: ${host}`]),
        `Authorization: Bearer ${d.token}`,
      ]);
    for (
      const host of [
        `evil.test:${d.port}`,
        `127.0.0.1:${d.port + 1}`,
        "127.0.0.1",
        `[::1]:${d.port}`,
      ]
    ) {
      await refused(await request(host), /is not this server/);
      await refused(await request(host, "/"), /is not this server/);
    }
    // HTTP/1.1 requires a Host; Deno passes a request without one on, the guard does not.
    await refused(await request(undefined), /Host "" is not this server/);
    const local = await request(`localhost:${d.port}`);
    equal(local.status, 200, local.body);
    deepEqual(JSON.parse(local.body).pipelines, [NAME]);
    const posted = await raw(d.port, [
      `POST ${queryPath} HTTP/1.1`,
      `Host: evil.test:${d.port}`,
      `Authorization: Bearer ${d.token}`,
      "Content-Type: application/json",
    ], sqlBody);
    await refused(posted, /is not this server/);
  });
});
