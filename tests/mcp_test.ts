/** `dltx mcp` end to end: the SDK's own client spawns the server over stdio after a real run. */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { json, REPO, serve, tempProject } from "./_helpers.ts";

const SECRET = "tok-9f8e7d6c5b4a-secret";

/** An API that answers only with the bearer token: items with an `updated_at` cursor. */
function shopApi(req: Request): Response {
  if (req.headers.get("authorization") !== `Bearer ${SECRET}`) {
    return json({ message: "unauthorized" }, { status: 401 });
  }
  return json([
    { id: 1, name: "a", updated_at: "2024-02-01T00:00:00Z", tags: [{ t: "x" }] },
    { id: 2, name: "b", updated_at: "2024-03-01T00:00:00Z", tags: [] },
  ]);
}

function shopConnector(base: string) {
  return {
    name: "shop",
    config: { api_key: { secret: true, doc: "the API token" } },
    client: {
      base_url: base,
      paginator: "single_page",
      auth: { type: "bearer", token: "{api_key}" },
    },
    resources: [{
      name: "items",
      primary_key: "id",
      write_disposition: "merge",
      endpoint: {
        path: "items",
        params: {
          since: { type: "incremental", cursor_path: "updated_at", initial_value: "2024-01-01" },
        },
      },
    }],
  };
}

type ToolInfo = { name: string };

Deno.test("dltx mcp serves every tool over stdio and never returns the secret", async () => {
  await using server = serve(shopApi);
  await using p = await tempProject();
  const connector = await p.writeConnector(shopConnector(server.url));
  const env = { ...p.env, SOURCES__SHOP__API_KEY: SECRET };
  const run = await p.dltx(["run", connector], env);
  equal(run.code, 0, run.stderr);
  await Deno.writeTextFile(
    p.path("broken.yaml"),
    "name: broken\nclient:\n  base_url: 42\n  paginator: sideways\nresources:\n  - endpoint: x\n",
  );

  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "-A", "--config", join(REPO, "deno.json"), join(REPO, "main.ts"), "mcp"],
    cwd: p.dir,
    env,
    stderr: "pipe",
  });
  const client = new Client({ name: "dltx-e2e", version: "0" });
  await client.connect(transport);
  const outputs: string[] = [];
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const res = await client.callTool({ name, arguments: args });
    const text = (res.content as { text: string }[]).map((c) => c.text).join("");
    outputs.push(text);
    equal(res.isError === true, false, `${name}: ${text}`);
    return JSON.parse(text);
  };
  try {
    const tools = (await client.listTools()).tools as ToolInfo[];
    equal(tools.length, 9);

    const list = await call("list_pipelines");
    deepEqual(list.pipelines.map((x: { name: string }) => x.name), ["shop_pipeline"]);

    const state = await call("pipeline_state", { pipeline: "shop_pipeline" });
    match(JSON.stringify(state.sources), /"last_value":"2024-03-01T00:00:00Z"/);

    const trace = await call("last_trace", { pipeline: "shop_pipeline" });
    ok(trace !== null && typeof trace === "object");

    const tables = await call("list_tables", { pipeline: "shop_pipeline" });
    ok(tables.tables.some((t: { name: string }) => t.name === "items__tags"));

    const schema = await call("table_schema", { pipeline: "shop_pipeline", table: "items" });
    deepEqual(schema.columns.find((c: { name: string }) => c.name === "id").hints, [
      "primary_key",
    ]);

    equal((await call("count_rows", { pipeline: "shop_pipeline", table: "items" })).rows, 2);

    const query = await call("run_query", {
      pipeline: "shop_pipeline",
      sql: "SELECT name FROM shop_pipeline_dataset.items ORDER BY id",
      limit: 1,
    });
    deepEqual([query.rows, query.limited], [[{ name: "a" }], true]);

    const broken = await call("validate_connector", { path: "broken.yaml" });
    equal(broken.valid, false);
    const problems = broken.problems.join("\n");
    for (const key of ["client.base_url", "client.paginator", "resources[0]"]) {
      ok(problems.includes(key), `${key} missing in:\n${problems}`);
    }

    const valid = await call("validate_connector", { path: "connector.json" });
    deepEqual([valid.valid, valid.auth, valid.resources[0].incremental], [
      true,
      "bearer",
      "updated_at",
    ]);

    const status = await call("config_status", { connector: "connector.json" });
    deepEqual(status.fields[0], {
      name: "api_key",
      secret: true,
      doc: "the API token",
      set: true,
      provider: "Environment Variables",
      key: "SOURCES__SHOP__API_KEY",
    });

    const bad = await client.callTool({
      name: "run_query",
      arguments: { pipeline: "shop_pipeline", sql: "SELEC nonsense" },
    });
    equal(bad.isError, true);
    outputs.push(JSON.stringify(bad));
  } finally {
    await client.close();
  }
  for (const text of outputs) ok(!text.includes(SECRET), `secret leaked in: ${text}`);
});
