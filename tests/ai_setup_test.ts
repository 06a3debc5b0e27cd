/** `dltx ai setup <agent>` and `dltx init ... --agent <agent>` end to end, through main.ts. */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { parse } from "yaml";
import { tempProject } from "./_helpers.ts";

Deno.test("dltx ai setup claude writes its files once, keeping the user's MCP servers", async () => {
  await using p = await tempProject();
  await Deno.writeTextFile(
    p.path(".mcp.json"),
    JSON.stringify({ mcpServers: { other: { command: "other-mcp" } } }),
  );
  const first = await p.dltx(["ai", "setup", "claude"]);
  equal(first.code, 0, first.stderr);
  match(first.stdout, /created\s+CLAUDE\.md/);
  match(first.stdout, /updated\s+\.mcp\.json/);
  const mcp = JSON.parse(await Deno.readTextFile(p.path(".mcp.json")));
  deepEqual(mcp.mcpServers.other, { command: "other-mcp" });
  // Run from the checkout: the server is started from its main.ts.
  equal(mcp.mcpServers.dltx.command, "deno");
  ok(mcp.mcpServers.dltx.args.at(-2).endsWith("main.ts"));
  equal(mcp.mcpServers.dltx.args.at(-1), "mcp");

  const second = await p.dltx(["ai", "setup", "claude"]);
  equal(second.code, 0, second.stderr);
  ok(!/created|updated/.test(second.stdout), second.stdout);
});

Deno.test("dltx ai setup names the five agents for an unknown one", async () => {
  await using p = await tempProject();
  const r = await p.dltx(["ai", "setup", "emacs"]);
  equal(r.code, 1);
  equal(
    r.stderr,
    'error: Unknown agent "emacs"; expected one of claude, cursor, codex, copilot, continue\n',
  );
});

Deno.test("dltx init github duckdb --agent cursor writes github-docs.yaml and the rules", async () => {
  await using p = await tempProject();
  const r = await p.dltx(["init", "github", "duckdb", "--agent", "cursor"]);
  equal(r.code, 0, r.stderr);
  match(r.stdout, /github-docs\.yaml/);
  const docs = parse(await Deno.readTextFile(p.path("github-docs.yaml")));
  equal(docs.connector, "github");
  deepEqual(docs.auth, { type: "bearer", from_config: ["access_token"] });
  deepEqual(
    docs.resources.map((r: { name: string }) => r.name),
    ["issues", "comments", "pull_requests", "releases", "stargazers"],
  );
  match(await Deno.readTextFile(p.path(".cursor/rules/dltx.mdc")), /satisfies Connector/);
  match(await Deno.readTextFile(p.path(".cursorignore")), /^\.dlt\/secrets\.toml$/m);
  ok(JSON.parse(await Deno.readTextFile(p.path(".cursor/mcp.json"))).mcpServers.dltx);
  // The project itself is scaffolded as without --agent.
  ok((await Deno.stat(p.path("github_pipeline.ts"))).isFile);
});

Deno.test("dltx init --agent rejects an unknown agent before writing anything", async () => {
  await using p = await tempProject();
  const r = await p.dltx(["init", "github", "duckdb", "--agent", "vim"]);
  equal(r.code, 1);
  match(r.stderr, /Unknown agent "vim"; expected one of claude, cursor, codex, copilot, continue/);
  const entries = [];
  for await (const e of Deno.readDir(p.dir)) entries.push(e.name);
  deepEqual(entries.sort(), ["_home"]);
});
