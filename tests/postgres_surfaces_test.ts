/**
 * The read surfaces against PostgreSQL, in process: the dashboard's API and the MCP server's
 * tools read the pipeline's dataset read-only, refuse writes, and `pipeline <name> drop`
 * drops tables with the state and schema in one transaction.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { defaultDeps } from "../core/deps.ts";
import { runCli } from "../core/cli/mod.ts";
import type { CliContext } from "../core/cli/context.ts";
import { createDashboardApp } from "../core/cli/dashboard/_api.ts";
import { loadCommand } from "../core/cli/load.ts";
import { createMcpServer } from "../core/cli/mcp/server.ts";
import { freshDatabase, pgQuery, skipReason, testServer } from "./_postgres.ts";

const server = await testServer();
const NAME = "load_items";
const DS = "load_items_dataset";

/** A project whose pipeline `load_items` loaded three rows (and a child table) into PostgreSQL. */
async function project(url: string, out: string[] = []) {
  const dir = await Deno.makeTempDir({ prefix: "dltx_pg_surfaces_" });
  const lines = [1, 2, 3].map((id) => JSON.stringify({ id, name: `n${id}`, tags: [{ t: id }] }));
  const ctx: CliContext = {
    args: [],
    env: {
      DLTX_PIPELINES_DIR: join(dir, "_pipelines"),
      HOME: join(dir, "_home"),
      DESTINATION__POSTGRES__CREDENTIALS: url,
    },
    cwd: dir,
    stdout: { isTerminal: false, write: (s: string) => void out.push(s) },
    stderr: { isTerminal: false, write: (s: string) => void out.push(s) },
    stdin: ReadableStream.from([new TextEncoder().encode(lines.join("\n") + "\n")]),
    deps: defaultDeps,
  };
  equal(await loadCommand(ctx, ["-"], { table: "items", primaryKey: "id", to: "postgres" }), 0);
  return {
    ctx,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test({
  name: `the dashboard, the MCP tools and pipeline drop work on PostgreSQL${
    server ? "" : ` (skipped: ${skipReason})`
  }`,
  ignore: server === undefined,
  fn: async (t) => {
    const url = await freshDatabase(server!);
    const out: string[] = [];
    await using p = await project(url, out);
    const secret = decodeURIComponent(new URL(url).password);

    await t.step("dashboard", async () => {
      const app = createDashboardApp(p.ctx, { rowLimit: 2 });
      const get = async (path: string, init?: RequestInit) => {
        const res = await app.fetch(new Request(`http://127.0.0.1${path}`, init));
        return { status: res.status, body: await res.json() };
      };
      const overview = await get(`/api/pipelines/${NAME}`);
      equal(overview.status, 200);
      deepEqual(overview.body.tables, [{ name: "items", rows: 3 }, {
        name: "items__tags",
        rows: 3,
      }]);
      match(overview.body.location, /^postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\//);
      equal(overview.body.loads.length, 1);
      equal((await get(`/api/pipelines/${NAME}/versions`)).body.versions.length, 1);
      const chart = await get(`/api/pipelines/${NAME}/chart`);
      deepEqual(Object.values(chart.body.tables[0].rows), [3]);
      const post = (sql: string) =>
        get(`/api/pipelines/${NAME}/query`, { method: "POST", body: JSON.stringify({ sql }) });
      const rows = await post(`SELECT id, name FROM ${DS}.items ORDER BY id`);
      deepEqual(rows.body, {
        columns: ["id", "name"],
        rows: [[1, "n1"], [2, "n2"]],
        limited: true,
        limit: 2,
      });
      const write = await post(`DELETE FROM ${DS}.items`);
      equal(write.status, 400);
      match(write.body.error, /read-only: DELETE is not allowed/);
      const file = await post("SELECT pg_read_file('/etc/passwd')");
      equal(file.status, 400);
      match(file.body.error, /pg_read_file\(\) is not allowed/);
      equal(JSON.stringify(overview.body).includes(secret), false);
    });

    await t.step("MCP tools", async () => {
      const mcp = createMcpServer(p.ctx);
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await mcp.connect(serverSide);
      const client = new Client({ name: "test", version: "0" });
      await client.connect(clientSide);
      try {
        const call = async (name: string, args: Record<string, unknown>) => {
          const res = await client.callTool({ name, arguments: args });
          const content = res.content as { text: string }[];
          return { text: content.map((c) => c.text).join(""), isError: res.isError === true };
        };
        const count = await call("count_rows", { pipeline: NAME, table: "items__tags" });
        equal(JSON.parse(count.text).rows, 3);
        const query = await call("run_query", {
          pipeline: NAME,
          sql: `SELECT name FROM ${DS}.items ORDER BY id`,
          limit: 2,
        });
        deepEqual(JSON.parse(query.text).rows, [{ name: "n1" }, { name: "n2" }]);
        equal(JSON.parse(query.text).limited, true);
        const write = await call("run_query", {
          pipeline: NAME,
          sql: `UPDATE ${DS}.items SET name = 'x'`,
        });
        equal(write.isError, true);
        match(write.text, /read-only: UPDATE is not allowed/);
      } finally {
        await client.close();
        await mcp.close();
      }
    });

    await t.step("pipeline drop", async () => {
      out.length = 0;
      const code = await runCli({
        ...p.ctx,
        args: ["pipeline", NAME, "drop", "items", "--yes"],
      });
      equal(code, 0, out.join(""));
      const left = await pgQuery(
        url,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND " +
          "table_name NOT LIKE '\\_dlt%' ORDER BY 1",
        [DS],
      );
      deepEqual(left, []);
      const versions = await pgQuery(url, `SELECT count(*)::int AS n FROM ${DS}._dlt_version`);
      deepEqual(versions, [{ n: 2 }]);
      ok(!out.join("").includes(secret));
    });
  },
});
