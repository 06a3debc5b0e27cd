/**
 * `dltx mcp` end to end: after a real run, the SDK's own clients call every tool over stdio and
 * over Streamable HTTP, and no answer carries a secret (env, file or one just set).
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { MCP_TOOLS } from "../core/cli/mcp/mod.ts";
import { json, REPO, serve, type TempProject, tempProject } from "./_helpers.ts";

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

const SECRET_IN_FILE = "file-secret-'\"-7e1d";
const SECRET_NEW = "fragment-secret-55aa";

/** A project after a real run: pipeline shop_pipeline, a broken connector, a secrets file. */
async function shopProject(p: TempProject, baseUrl: string): Promise<Record<string, string>> {
  await p.writeConnector(shopConnector(baseUrl));
  const env = { ...p.env, SOURCES__SHOP__API_KEY: SECRET };
  const run = await p.dltx(["run", "connector.json"], env);
  equal(run.code, 0, run.stderr);
  await Deno.writeTextFile(
    p.path("broken.yaml"),
    "name: broken\nclient:\n  base_url: 42\n  paginator: sideways\nresources:\n  - endpoint: x\n",
  );
  await Deno.mkdir(p.path(".dlt"), { recursive: true });
  await Deno.writeTextFile(
    p.path(".dlt", "secrets.toml"),
    `# mine\n[sources.other]\ntoken = ${JSON.stringify(SECRET_IN_FILE)} # keep\n`,
  );
  return env;
}

/**
 * Calls every tool of the server once or more through `client`, checks each answer, and
 * returns every text the server answered (for the secret check).
 */
async function exerciseEveryTool(client: Client, p: TempProject): Promise<string[]> {
  const outputs: string[] = [];
  const called = new Set<string>();
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const res = await client.callTool({ name, arguments: args });
    const text = (res.content as { text: string }[]).map((c) => c.text).join("");
    outputs.push(text);
    called.add(name);
    equal(res.isError === true, false, `${name}: ${text}`);
    return text;
  };
  const callJson = async (name: string, args: Record<string, unknown> = {}) =>
    JSON.parse(await call(name, args));
  const tools = (await client.listTools()).tools as ToolInfo[];
  deepEqual(tools.map((t) => t.name).sort(), [...MCP_TOOLS].sort());

  const list = await callJson("list_pipelines");
  deepEqual(list.pipelines.map((x: { name: string }) => x.name), ["shop_pipeline"]);
  const state = await callJson("pipeline_state", { pipeline: "shop_pipeline" });
  match(JSON.stringify(state.sources), /"last_value":"2024-03-01T00:00:00Z"/);
  const trace = await callJson("last_trace", { pipeline: "shop_pipeline" });
  ok(trace !== null && typeof trace === "object");
  const tables = await callJson("list_tables", { pipeline: "shop_pipeline" });
  ok(tables.tables.some((t: { name: string }) => t.name === "items__tags"));
  const schema = await callJson("table_schema", { pipeline: "shop_pipeline", table: "items" });
  deepEqual(schema.columns.find((c: { name: string }) => c.name === "id").hints, [
    "primary_key",
  ]);
  equal((await callJson("count_rows", { pipeline: "shop_pipeline", table: "items" })).rows, 2);
  const query = await callJson("run_query", {
    pipeline: "shop_pipeline",
    sql: "SELECT name FROM shop_pipeline_dataset.items ORDER BY id",
    limit: 1,
  });
  deepEqual([query.rows, query.limited], [[{ name: "a" }], true]);

  const preview = await callJson("preview_table", {
    pipeline_name: "shop_pipeline",
    table_name: "items",
    filter: [{ column: "updated_at", op: ">", value: "2024-02-15" }],
  });
  deepEqual(preview.rows.map((r: { name: string }) => r.name), ["b"]);
  const counts = await callJson("get_row_counts", { pipeline_name: "shop_pipeline" });
  deepEqual(counts.tables, [
    { table_name: "items", row_count: 2 },
    { table_name: "items__tags", row_count: 1 },
  ]);
  match(
    await call("get_table_create_sql", { pipeline_name: "shop_pipeline", table_name: "items" }),
    /^CREATE TABLE "shop_pipeline_dataset"\."items" \(\n {2}"id" BIGINT NOT NULL,/,
  );
  match(
    await call("export_schema", { pipeline_name: "shop_pipeline" }),
    /items \|\|--o\{ items__tags/,
  );

  const broken = await callJson("validate_connector", { path: "broken.yaml" });
  equal(broken.valid, false);
  const problems = broken.problems.join("\n");
  for (const key of ["client.base_url", "client.paginator", "resources[0]"]) {
    ok(problems.includes(key), `${key} missing in:\n${problems}`);
  }
  const valid = await callJson("validate_connector", { path: "connector.json" });
  deepEqual([valid.valid, valid.auth, valid.resources[0].incremental], [
    true,
    "bearer",
    "updated_at",
  ]);
  const status = await callJson("config_status", { connector: "connector.json" });
  deepEqual(status.fields[0], {
    name: "api_key",
    secret: true,
    doc: "the API token",
    set: true,
    provider: "Environment Variables",
    key: "SOURCES__SHOP__API_KEY",
  });

  const secrets = await callJson("secrets_list");
  deepEqual(secrets.files[0].keys, ["sources.other.token"]);
  deepEqual(secrets.env, [{ name: "SOURCES__SHOP__API_KEY", key: "sources.shop.api_key" }]);
  const redacted = await callJson("secrets_view_redacted");
  equal(redacted.toml, '[sources.other]\ntoken = "**********"\n');
  const update = await callJson("secrets_update_fragment", {
    fragment: `[sources.shop]\napi_key = "${SECRET_NEW}"\n`,
  });
  deepEqual([update.added, update.updated], [["sources.shop.api_key"], []]);
  equal(
    await Deno.readTextFile(p.path(".dlt", "secrets.toml")),
    `# mine\n[sources.other]\ntoken = ${
      JSON.stringify(SECRET_IN_FILE)
    } # keep\n\n[sources.shop]\napi_key = "${SECRET_NEW}"\n`,
  );
  deepEqual((await callJson("secrets_list")).files[0].keys, [
    "sources.other.token",
    "sources.shop.api_key",
  ]);

  const bad = await client.callTool({
    name: "run_query",
    arguments: { pipeline: "shop_pipeline", sql: "SELEC nonsense" },
  });
  equal(bad.isError, true);
  outputs.push(JSON.stringify(bad));
  const badFragment = await client.callTool({
    name: "secrets_update_fragment",
    arguments: { fragment: `[x]\nk = "${SECRET_NEW}` },
  });
  equal(badFragment.isError, true);
  outputs.push(JSON.stringify(badFragment));
  deepEqual([...called].sort(), [...MCP_TOOLS].sort());
  return outputs;
}

function assertNoSecret(outputs: readonly string[]): void {
  for (const text of outputs) {
    for (const secret of [SECRET, SECRET_IN_FILE, SECRET_NEW]) {
      ok(!text.includes(secret), `secret leaked in: ${text}`);
    }
  }
}

Deno.test("dltx mcp serves every tool over stdio and never returns a secret", async () => {
  await using server = serve(shopApi);
  await using p = await tempProject();
  const env = await shopProject(p, server.url);
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "-A", "--config", join(REPO, "deno.json"), join(REPO, "main.ts"), "mcp"],
    cwd: p.dir,
    env,
    stderr: "pipe",
  });
  const client = new Client({ name: "dltx-e2e", version: "0" });
  await client.connect(transport);
  let outputs: string[];
  try {
    outputs = await exerciseEveryTool(client, p);
  } finally {
    await client.close();
  }
  assertNoSecret(outputs);
});

/** Sends a tools/list POST with the given Host over a raw connection; returns the status. */
async function rawStatus(port: number, host: string, token: string, body: string) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const request = `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\n` +
      "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n" +
      `Content-Length: ${
        new TextEncoder().encode(body).length
      }\r\nConnection: close\r\n\r\n${body}`;
    await conn.write(new TextEncoder().encode(request));
    const reply = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
    return Number(reply.match(/^HTTP\/1\.1 (\d{3})/)?.[1]);
  } finally {
    try {
      conn.close();
    } catch {
      // Reading to the end closed it.
    }
  }
}

/** Reads stdout until `dltx mcp --http` prints its URL and token. */
async function readHttpStart(
  stdout: ReadableStream<Uint8Array>,
): Promise<{ url: string; token: string; text: string }> {
  const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`dltx mcp --http exited before printing its URL: ${text}`);
    text += value;
    const m = text.match(
      /at (http:\/\/127\.0\.0\.1:\d+\/mcp)\nSend the header: Authorization: Bearer (\S+)\n/,
    );
    if (m) {
      reader.releaseLock();
      return { url: m[1], token: m[2], text };
    }
  }
}

Deno.test("dltx mcp --http serves every tool to the SDK's client and refuses other pages", async () => {
  await using server = serve(shopApi);
  await using p = await tempProject();
  const env = await shopProject(p, server.url);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      join(REPO, "deno.json"),
      join(REPO, "main.ts"),
      "mcp",
      "--http",
      "--port",
      "0",
    ],
    cwd: p.dir,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    const { url, token, text } = await readHttpStart(child.stdout);
    match(token, /^[0-9a-f]{64}$/);
    ok(!text.includes(SECRET));
    const client = new Client({ name: "dltx-e2e-http", version: "0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    let outputs: string[];
    try {
      outputs = await exerciseEveryTool(client, p);
    } finally {
      await client.close();
    }
    assertNoSecret(outputs);

    // What another web page (or a DNS-rebinding one) could send is refused with a 403.
    const port = new URL(url).port;
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
    const headers = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    };
    const refusals: [string, Record<string, string>][] = [
      ["no token", headers],
      ["wrong token", { ...headers, authorization: `Bearer ${"0".repeat(64)}` }],
      ["foreign Origin", {
        ...headers,
        authorization: `Bearer ${token}`,
        origin: "https://evil.example",
      }],
      ["form body", {
        accept: headers.accept,
        authorization: `Bearer ${token}`,
        "content-type": "text/plain",
      }],
    ];
    for (const [what, h] of refusals) {
      const res = await fetch(url, { method: "POST", headers: h, body });
      equal(res.status, 403, what);
      ok(!(await res.text()).includes("tools"), what);
    }
    // fetch() will not send another Host; a DNS-rebinding page's request does, as raw HTTP here.
    equal(await rawStatus(Number(port), `evil.example:${port}`, token, body), 403, "foreign Host");
    equal(await rawStatus(Number(port), `127.0.0.1:${port}`, token, body), 200, "own Host");
    const ok200 = await fetch(url, {
      method: "POST",
      headers: { ...headers, authorization: `Bearer ${token}` },
      body,
    });
    equal(ok200.status, 200);
    const answer = await ok200.json();
    equal(answer.result.tools.length, MCP_TOOLS.length);
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
});
