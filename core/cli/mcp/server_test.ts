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

Deno.test("createMcpServer() preview_table filters rows from structured conditions only", async () => {
  await using f = await fixture();
  const pipeline_name = "load_items";
  const preview = async (args: Record<string, unknown>) =>
    await f.call("preview_table", { pipeline_name, table_name: "items", ...args });
  const two = JSON.parse((await preview({ limit: 2 })).text);
  deepEqual([two.row_count, two.rows.length], [2, 2]);
  const one = JSON.parse(
    (await preview({ filter: [{ column: "name", op: "in", value: ["n2", "nope"] }] })).text,
  );
  deepEqual(one.rows.map((r: { id: number }) => r.id), [2]);
  const md = await preview({
    filter: [{ column: "id", op: ">=", value: 3 }],
    output_format: "markdown",
  });
  match(md.text, /^\| id \| name \|.*\n\| --- \|/);
  match(md.text, /\| 3 \| n3 \|/);

  // Attacks: names are checked against the schema, values stay literals, ops are a fixed list.
  const attacks: [Record<string, unknown>, RegExp][] = [
    [{ table_name: 'items" ; DROP TABLE x; --' }, /has no table/],
    [{ filter: [{ column: "id = 1 OR 1=1 --", op: "=", value: 1 }] }, /has no column/],
    [{ filter: [{ column: "name", op: "= 'x' OR 1=1 --", value: 1 }] }, /Invalid|op/i],
    [{ filter: [{ column: "name", op: "=", value: { sql: "1" } }] }, /Invalid|value/i],
    [{ filter: [{ column: "name", op: "is_null", value: "x" }] }, /takes no value/],
    [{ filter: [{ column: "name", op: "in", value: [] }] }, /list of 1 to/],
    [{ limit: 1000 }, /Invalid|limit/i],
  ];
  for (const [args, message] of attacks) {
    const res = await preview(args);
    equal(res.isError, true, JSON.stringify(args));
    match(res.text, message);
  }
  for (const value of ["x' OR '1'='1", "'; DROP TABLE load_items_dataset.items; --"]) {
    const res = JSON.parse((await preview({ filter: [{ column: "name", op: "=", value }] })).text);
    equal(res.row_count, 0);
  }
  // The table is still whole.
  equal(JSON.parse((await preview({})).text).row_count, 3);
});

Deno.test("createMcpServer() get_row_counts counts, filters and skips tables without the column", async () => {
  await using f = await fixture();
  const counts = JSON.parse((await f.call("get_row_counts", { pipeline_name: "load_items" })).text);
  deepEqual(counts.tables, [
    { table_name: "items", row_count: 3 },
    { table_name: "items__tags", row_count: 3 },
  ]);
  const filtered = JSON.parse(
    (await f.call("get_row_counts", {
      pipeline_name: "load_items",
      filter: [{ column: "name", op: "like", value: "n%" }, { column: "id", op: "!=", value: 2 }],
    })).text,
  );
  deepEqual(filtered.tables, [{ table_name: "items", row_count: 2 }]);
  deepEqual(filtered.skipped, [{ table_name: "items__tags", reason: "no column name" }]);
  const withDlt = JSON.parse(
    (await f.call("get_row_counts", { pipeline_name: "load_items", dlt_tables: true })).text,
  );
  ok(withDlt.tables.some((t: { table_name: string }) => t.table_name === "_dlt_loads"));
  const jsonl = await f.call("get_row_counts", {
    pipeline_name: "load_items",
    table_names: ["items"],
    output_format: "jsonl",
  });
  equal(jsonl.text, '{"table_name":"items","row_count":3}\n');
});

Deno.test("createMcpServer() get_table_create_sql and export_schema describe the schema", async () => {
  await using f = await fixture();
  const ddl = await f.call("get_table_create_sql", {
    pipeline_name: "load_items",
    table_name: "items",
  });
  match(ddl.text, /^CREATE TABLE "load_items_dataset"\."items" \(\n {2}"id" BIGINT NOT NULL,\n/);
  match(ddl.text, /"_dlt_id" VARCHAR NOT NULL\n\);\n$/);
  const mermaid = (await f.call("export_schema", { pipeline_name: "load_items" })).text;
  match(mermaid, /^erDiagram\n {2}items \{\n {4}bigint id PK\n/);
  match(mermaid, /items \|\|--o\{ items__tags : "_dlt_parent_id"/);
  const dbml = (await f.call("export_schema", {
    pipeline_name: "load_items",
    output_format: "dbml",
    hide_columns: true,
  })).text;
  equal(
    dbml,
    'Table "items" {\n}\n\nTable "items__tags" {\n}\n\n' +
      'Ref: "items__tags"."_dlt_parent_id" > "items"."_dlt_id"\n',
  );
  const yaml =
    (await f.call("export_schema", { pipeline_name: "load_items", output_format: "yaml" }))
      .text;
  match(yaml, /^version: \d+/m);
});

Deno.test("createMcpServer() secrets tools show keys, never values, and merge fragments", async () => {
  await using f = await fixture();
  const VALUE = "pa$$w0rd-'\"-in-file";
  const NEW = "brand-new-token-42";
  await Deno.mkdir(join(f.ctx.cwd, ".dlt"));
  const file = join(f.ctx.cwd, ".dlt", "secrets.toml");
  const original = `# my secrets\n[sources.shop]\n# the key\napi_key = ${
    JSON.stringify(VALUE)
  } # keep\n\n[sources.github]\n# access_token = "<access_token>"\n`;
  await Deno.writeTextFile(file, original);
  const outputs: string[] = [];
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const res = await f.call(name, args);
    outputs.push(res.text);
    return res;
  };
  const list = JSON.parse((await call("secrets_list")).text);
  deepEqual(list.files[0], {
    path: file,
    scope: "project",
    present: true,
    keys: ["sources.shop.api_key"],
    placeholders: [],
  });
  deepEqual(list.env, [{ name: "SOURCES__SHOP__API_KEY", key: "sources.shop.api_key" }]);
  const view = JSON.parse((await call("secrets_view_redacted")).text);
  equal(view.toml, '[sources.shop]\napi_key = "**********"\n\n[sources.github]\n');

  const update = JSON.parse(
    (await call("secrets_update_fragment", {
      fragment: `[sources.github]\naccess_token = "${NEW}"\n`,
    })).text,
  );
  deepEqual([update.added, update.updated, update.created], [
    ["sources.github.access_token"],
    [],
    false,
  ]);
  equal(
    await Deno.readTextFile(file),
    original + `access_token = "${NEW}"\n`,
  );
  const again = JSON.parse(
    (await call("secrets_update_fragment", { fragment: `sources.shop.api_key = "${NEW}"` }))
      .text,
  );
  deepEqual(again.updated, ["sources.shop.api_key"]);
  match(await Deno.readTextFile(file), new RegExp(`api_key = "${NEW}" # keep`));

  for (
    const [args, message] of [
      [{ fragment: `token = "${NEW}` }, /not valid TOML \(line 1/],
      [{ fragment: `k = "${NEW}"`, path: "/etc/passwd" }, /is not a secrets file/],
      [{ fragment: `k = "${NEW}"`, path: "../.dlt/secrets.toml" }, /is not a secrets file/],
    ] as const
  ) {
    const res = await call("secrets_update_fragment", args);
    equal(res.isError, true);
    match(res.text, message);
  }
  const viewOther = await call("secrets_view_redacted", { path: "/etc/hosts" });
  equal(viewOther.isError, true);
  for (const text of outputs) {
    for (const secret of [VALUE, NEW, SECRET]) ok(!text.includes(secret), `leaked: ${text}`);
  }
});
