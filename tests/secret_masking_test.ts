/**
 * Every spelling of a secret is masked on every output surface, end to end: a server that
 * echoes the request (URL, form, credentials; raw, URL- and form-encoded, JSON-escaped,
 * base64) in a 401 body and in an OAuth error body; then stderr, `--verbose`,
 * `--log-format json`, trace.json, `dltx pipeline <name> trace` (text and JSON), the
 * dashboard's API and the MCP server's `last_trace` are searched for it.
 */
import { equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { createDashboardApp } from "../core/cli/dashboard/mod.ts";
import { defaultDeps } from "../core/deps.ts";
import { json, REPO, serve, type TempProject, tempProject } from "./_helpers.ts";

/** Space, `!~()` (form-encoded differently than by encodeURIComponent), `"`, `\` and `é`. */
const SECRET = 'SPECIAL secret!~(x) "q\\é';
/** How Python's `json.dumps` writes it (non-ASCII as \u00e9). */
const PYTHON_JSON = String.raw`"SPECIAL secret!~(x) \"q\\\u00e9"`;
const BASIC = base64(`user:${SECRET}`);

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/** Every way the secret can show up; `SPECIAL` is in all but the base64 ones. */
function leaks(text: string): string[] {
  const found: string[] = [];
  if (text.includes("SPECIAL")) found.push("the secret in some spelling");
  // base64 of "user:SPEC" starts both the base64 and the base64url spellings.
  if (text.includes(BASIC.slice(0, 12))) found.push("base64 of user:password");
  return found;
}

/** Asserts that a surface shows the masked echo and no spelling of the secret. */
function clean(surface: string, text: string, expect: RegExp = /\*\*\*/) {
  ok(expect.test(text), `${surface} does not show the echo (${expect}):\n${text}`);
  const found = leaks(text);
  equal(found.length, 0, `${surface} leaks ${found.join(", ")}:\n${text}`);
}

/** The echoing API: /items answers 503 (a retry warning), then 401 with the echo, by turns. */
function echoApi() {
  let calls = 0;
  return serve(async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/oauth/token") {
      const form = await req.text();
      // As some OAuth servers do: the form back, and the secret quoted in JSON.
      return new Response(
        `{"error":"invalid_client","form":"${form}","got":${JSON.stringify(SECRET)}}`,
        {
          status: 401,
          headers: { "content-type": "application/json" },
        },
      );
    }
    if (++calls % 2 === 1) {
      return json({ message: "busy" }, { status: 503, headers: { "retry-after": "0" } });
    }
    const auth = req.headers.get("authorization") ?? "";
    const echo = [
      `u=${req.url}`,
      `j=${JSON.stringify(SECRET)}`,
      `p=${PYTHON_JSON}`,
      `c=${encodeURIComponent(SECRET)}`,
      `e=${encodeURI(SECRET)}`,
      `f=${new URLSearchParams({ x: SECRET }).toString().slice(2)}`,
      `a=${auth}`,
      `r=${auth.slice(6).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")}`,
    ];
    return new Response(echo.join(" "), { status: 401 });
  });
}

function echoConnector(base: string) {
  return {
    name: "echo",
    config: { token: { secret: true } },
    client: {
      base_url: base,
      auth: { type: "http_basic", username: "user", password: "{token}" },
      paginator: "single_page",
    },
    // The secret in a path segment and in a query param the URL masking does not know.
    resources: [{ name: "items", endpoint: { path: "items/{token}", params: { q: "{token}" } } }],
  };
}

function oauthConnector(base: string) {
  return {
    name: "oauth",
    config: { token: { secret: true } },
    client: {
      base_url: base,
      auth: {
        type: "oauth2_client_credentials",
        access_token_url: `${base}/oauth/token`,
        client_id: "cid",
        client_secret: "{token}",
      },
      paginator: "single_page",
    },
    resources: ["items"],
  };
}

/** Runs the connector with each output option; checks stderr, stdout and trace.json each time. */
async function runEverySurface(p: TempProject, connector: string, pipeline: string) {
  const env = { SOURCES__ECHO__TOKEN: SECRET, SOURCES__OAUTH__TOKEN: SECRET };
  for (const flags of [[], ["--verbose"], ["--log-format", "json"]]) {
    const res = await p.dltx(["run", connector, ...flags], env);
    const surface = `dltx run ${flags.join(" ")}`.trim();
    equal(res.code, 1, `${surface}: ${res.stderr}`);
    clean(`${surface} stderr`, res.stderr, /401 Client Error[^\n]*\*\*\*/);
    clean(`${surface} stdout`, res.stdout, /^/);
    if (flags[0] === "--log-format") {
      for (const line of res.stderr.split("\n").filter((l) => l.startsWith("{"))) JSON.parse(line);
    }
    const trace = await Deno.readTextFile(p.path("_pipelines", pipeline, "trace.json"));
    clean(`trace.json after ${surface}`, trace, /401 Client Error/);
  }
}

/** The stored trace, as the commands and servers that read it later show it (no secret env). */
async function checkReaders(p: TempProject, pipeline: string) {
  for (const format of ["text", "json"]) {
    const res = await p.dltx(["pipeline", pipeline, "trace", "--format", format]);
    equal(res.code, 0, res.stderr);
    clean(`pipeline trace --format ${format}`, res.stdout, /401 Client Error[^\n]*\*\*\*/);
  }

  // The dashboard's API handler in-process (the same handler `pipeline show` serves).
  const sink = { write() {}, isTerminal: false };
  const app = createDashboardApp({
    args: [],
    env: { ...p.env },
    cwd: p.dir,
    stdout: sink,
    stderr: sink,
    deps: defaultDeps,
  }, { pipeline });
  const overview = await app.fetch(new Request(`http://127.0.0.1/api/pipelines/${pipeline}`));
  equal(overview.status, 200);
  clean("dashboard API", await overview.text(), /401 Client Error/);

  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "-A", "--config", join(REPO, "deno.json"), join(REPO, "main.ts"), "mcp"],
    cwd: p.dir,
    env: p.env,
    stderr: "pipe",
  });
  const client = new Client({ name: "dltx-e2e", version: "0" });
  await client.connect(transport);
  try {
    const res = await client.callTool({ name: "last_trace", arguments: { pipeline } });
    const text = (res.content as { text: string }[]).map((c) => c.text).join("");
    equal(res.isError === true, false, text);
    clean("MCP last_trace", text, /401 Client Error/);
  } finally {
    await client.close();
  }
}

Deno.test("a 401 echoing the URL and credentials shows no spelling of the secret anywhere", async () => {
  await using api = echoApi();
  await using p = await tempProject();
  const connector = await p.writeConnector(echoConnector(api.url));
  await runEverySurface(p, connector, "echo_pipeline");
  await checkReaders(p, "echo_pipeline");
});

Deno.test("an OAuth error echoing the token form shows no spelling of the secret anywhere", async () => {
  await using api = echoApi();
  await using p = await tempProject();
  const connector = await p.writeConnector(oauthConnector(api.url));
  await runEverySurface(p, connector, "oauth_pipeline");
  await checkReaders(p, "oauth_pipeline");
});
