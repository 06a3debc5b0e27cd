import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { defaultDeps } from "../../deps.ts";
import type { CliContext } from "../context.ts";
import { loadCommand } from "../load.ts";
import { createMcpServer, MCP_TOOLS } from "./server.ts";

const SECRET = "s3cr3t-token-value";

/** What a test reads of a listed tool (the SDK's result types are too deep to infer here). */
type ToolInfo = { name: string; inputSchema: { required?: string[] } };

interface Fixture extends AsyncDisposable {
  ctx: CliContext;
  client: Client;
  /** Calls a tool; the text of its answer and whether it is an error. */
  call(name: string, args?: Record<string, unknown>): Promise<{ text: string; isError: boolean }>;
}

/** A project with pipeline `load_items` (loaded from JSON lines) and a connected client. */
async function fixture(): Promise<Fixture> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_mcp_" });
  const lines = [1, 2, 3].map((id) => JSON.stringify({ id, name: `n${id}`, tags: [{ t: id }] }));
  const ctx: CliContext = {
    args: [],
    env: {
      DLTX_PIPELINES_DIR: join(dir, "_pipelines"),
      HOME: join(dir, "_home"),
      SOURCES__SHOP__API_KEY: SECRET,
    },
    cwd: dir,
    stdout: { isTerminal: false, write: () => {} },
    stderr: { isTerminal: false, write: () => {} },
    stdin: ReadableStream.from([new TextEncoder().encode(lines.join("\n") + "\n")]),
    deps: defaultDeps,
  };
  equal(await loadCommand(ctx, ["-"], { table: "items", primaryKey: "id" }), 0);
  const server = createMcpServer(ctx);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "test", version: "0" });
  await client.connect(clientSide);
  return {
    ctx,
    client,
    async call(name, args = {}) {
      const res = await client.callTool({ name, arguments: args });
      const content = res.content as { type: string; text: string }[];
      return { text: content.map((c) => c.text).join(""), isError: res.isError === true };
    },
    async [Symbol.asyncDispose]() {
      await client.close();
      await server.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("createMcpServer() lists every dltx tool with its input schema", async () => {
  await using f = await fixture();
  const tools = (await f.client.listTools()).tools as ToolInfo[];
  deepEqual(tools.map((t) => t.name).sort(), [...MCP_TOOLS].sort());
  const query = tools.find((t) => t.name === "run_query");
  deepEqual(query?.inputSchema.required, ["pipeline", "sql"]);
});

Deno.test("createMcpServer() tools describe a loaded pipeline", async () => {
  await using f = await fixture();
  const list = JSON.parse((await f.call("list_pipelines")).text);
  deepEqual(list.pipelines.map((p: { name: string }) => p.name), ["load_items"]);
  equal(list.pipelines[0].dataset, "load_items_dataset");

  const state = JSON.parse((await f.call("pipeline_state", { pipeline: "load_items" })).text);
  equal(state.pipeline_name, "load_items");

  const tables = JSON.parse((await f.call("list_tables", { pipeline: "load_items" })).text);
  const names = tables.tables.map((t: { name: string }) => t.name);
  ok(names.includes("items") && names.includes("items__tags"), names.join());

  const schema = JSON.parse(
    (await f.call("table_schema", { pipeline: "load_items", table: "items" })).text,
  );
  const id = schema.columns.find((c: { name: string }) => c.name === "id");
  deepEqual(id, { name: "id", data_type: "bigint", nullable: false, hints: ["primary_key"] });
  deepEqual(schema.child_tables, ["items__tags"]);

  const count = JSON.parse(
    (await f.call("count_rows", { pipeline: "load_items", table: "items__tags" })).text,
  );
  equal(count.rows, 3);

  const trace = await f.call("last_trace", { pipeline: "load_items" });
  equal(trace.isError, false, trace.text);
});

Deno.test("createMcpServer() run_query limits rows and says so", async () => {
  await using f = await fixture();
  const sql = "SELECT id FROM load_items_dataset.items ORDER BY id";
  const limited = JSON.parse(
    (await f.call("run_query", { pipeline: "load_items", sql, limit: 2 }))
      .text,
  );
  deepEqual(limited.rows.map((r: { id: number }) => r.id), [1, 2]);
  equal(limited.row_count, 2);
  equal(limited.limited, true);
  const all = JSON.parse((await f.call("run_query", { pipeline: "load_items", sql })).text);
  equal(all.row_count, 3);
  equal(all.limited, false);
});

Deno.test("createMcpServer() returns failures as tool errors with the message", async () => {
  await using f = await fixture();
  const unknown = await f.call("pipeline_state", { pipeline: "nope" });
  equal(unknown.isError, true);
  match(unknown.text, /Pipeline "nope" not found .*known pipelines: load_items/);

  const noTable = await f.call("count_rows", { pipeline: "load_items", table: "x; DROP" });
  equal(noTable.isError, true);
  match(noTable.text, /has no table "x; DROP"; its tables: .*items/);

  const bare = await f.call("run_query", { pipeline: "load_items", sql: "SELECT * FROM items" });
  equal(bare.isError, true);
  match(bare.text, /write load_items_dataset\.items/);

  const write = await f.call("run_query", {
    pipeline: "load_items",
    sql: "DELETE FROM load_items_dataset.items",
  });
  equal(write.isError, true);

  const tooMany = await f.call("run_query", {
    pipeline: "load_items",
    sql: "SELECT 1",
    limit: 5000,
  });
  equal(tooMany.isError, true);
});

Deno.test("createMcpServer() validate_connector lists each invalid key", async () => {
  await using f = await fixture();
  await Deno.writeTextFile(
    join(f.ctx.cwd, "bad.json"),
    JSON.stringify({ name: "shop", client: { base_url: 5 }, resources: [{ nme: "x" }] }),
  );
  const bad = JSON.parse((await f.call("validate_connector", { path: "bad.json" })).text);
  equal(bad.valid, false);
  ok(bad.problems.some((p: string) => p.includes("client.base_url")), bad.problems.join("\n"));
  ok(bad.problems.some((p: string) => p.includes("nme")), bad.problems.join("\n"));

  await Deno.writeTextFile(
    join(f.ctx.cwd, "good.yaml"),
    "name: shop\nclient:\n  base_url: https://x.test\n  paginator: single_page\n" +
      "  auth: { type: bearer, token: '{api_key}' }\nconfig:\n  api_key: { secret: true }\n" +
      "resources:\n  - name: items\n    primary_key: id\n",
  );
  const good = JSON.parse((await f.call("validate_connector", { path: "good.yaml" })).text);
  equal(good.valid, true);
  equal(good.auth, "bearer");
  equal(good.paginator, "single_page");
  equal(good.resources[0].name, "items");
  deepEqual(good.config_fields, [{ name: "api_key", secret: true, has_default: false }]);

  // A dlt RESTAPIConfig as pasted: no name (the file's), paginator auto.
  await Deno.writeTextFile(
    join(f.ctx.cwd, "pasted-api.json"),
    JSON.stringify({ client: { base_url: "https://x.test", paginator: "auto" }, resources: ["a"] }),
  );
  const pasted = JSON.parse((await f.call("validate_connector", { path: "pasted-api.json" })).text);
  equal(pasted.valid, true, JSON.stringify(pasted));
  equal(pasted.name, "pasted_api");
});

Deno.test("createMcpServer() validate_connector evaluates a TS connector in its sandbox only", async () => {
  await using f = await fixture();
  await Deno.writeTextFile(
    join(f.ctx.cwd, "shop.ts"),
    `export default { name: "shop", client: { base_url: "https://x.test" }, ` +
      `resources: [{ name: "items", processing_steps: [{ map: (r) => r }] }] };\n`,
  );
  const good = JSON.parse((await f.call("validate_connector", { path: "shop.ts" })).text);
  deepEqual([good.valid, good.name, good.resources[0].name], [true, "shop", "items"]);
  // Validating runs the module, but where it can touch nothing: no files, env or network.
  const marker = join(f.ctx.cwd, "ran.txt");
  await Deno.writeTextFile(
    join(f.ctx.cwd, "evil.ts"),
    `Deno.writeTextFileSync(${JSON.stringify(marker)}, Deno.env.get("SOURCES__SHOP__API_KEY"));\n` +
      `export default { name: "evil", client: { base_url: "https://x.test" }, resources: ["a"] };\n`,
  );
  const res = await f.call("validate_connector", { path: "evil.ts" });
  ok(!res.text.includes(SECRET));
  const evil = JSON.parse(res.text);
  equal(evil.valid, false);
  match(evil.problems[0], /was denied (env|write) access .* while loading/);
  equal(await Deno.stat(marker).then(() => true, () => false), false);
});

Deno.test("createMcpServer() config_status says where a secret is set, never its value", async () => {
  await using f = await fixture();
  await Deno.writeTextFile(
    join(f.ctx.cwd, "shop.json"),
    JSON.stringify({
      name: "shop",
      config: { api_key: { secret: true }, region: { doc: "region" }, page: { default: 10 } },
      client: { base_url: "https://x.test" },
      resources: ["items"],
    }),
  );
  const res = await f.call("config_status", { connector: "shop.json" });
  equal(res.isError, false, res.text);
  ok(!res.text.includes(SECRET));
  const fields = JSON.parse(res.text).fields;
  deepEqual(fields[0], {
    name: "api_key",
    secret: true,
    set: true,
    provider: "Environment Variables",
    key: "SOURCES__SHOP__API_KEY",
  });
  equal(fields[1].set, false);
  match(fields[1].expected_at, /SOURCES__SHOP__REGION/);
  deepEqual([fields[2].set, fields[2].provider], [true, "default"]);
});
