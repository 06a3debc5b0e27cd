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

Deno.test("dltx ai init --agent and ai setup write the same files; re-runs change nothing", async () => {
  await using p = await tempProject();
  const init = await p.dltx(["ai", "init", "--agent", "cursor"]);
  equal(init.code, 0, init.stderr);
  match(init.stdout, /created\s+\.cursor\/rules\/dltx-secrets\.mdc/);
  const alias = await p.dltx(["ai", "setup", "cursor"]);
  equal(alias.code, 0, alias.stderr);
  ok(!/created|updated/.test(alias.stdout), alias.stdout);
  const none = await p.dltx(["ai", "init"]);
  equal(none.code, 1);
  match(
    none.stderr,
    /Pass the agent: dltx ai init --agent <claude\|cursor\|codex\|copilot\|continue>/,
  );
});

Deno.test("dltx ai toolkit install is idempotent, and uninstall removes only its own unedited files", async () => {
  await using p = await tempProject();
  const noAgent = await p.dltx(["ai", "toolkit", "install", "rest-api-pipeline"]);
  equal(noAgent.code, 1);
  match(noAgent.stderr, /Pass --agent <claude\|cursor\|codex\|copilot\|continue>/);

  // The user's own skill of the same name is not overwritten without --force.
  const mine = p.path(".github/skills/find-source/SKILL.md");
  await Deno.mkdir(p.path(".github/skills/find-source"), { recursive: true });
  await Deno.writeTextFile(mine, "my own skill\n");
  await Deno.mkdir(p.path(".github/skills/other"), { recursive: true });
  await Deno.writeTextFile(p.path(".github/skills/other/SKILL.md"), "another skill of mine\n");

  const first = await p.dltx([
    "ai",
    "toolkit",
    "install",
    "rest-api-pipeline",
    "--agent",
    "copilot",
  ]);
  equal(first.code, 0, first.stderr);
  // dltx ai init ran first (the toolkit depends on it).
  match(first.stdout, /created\s+\.github\/copilot-instructions\.md/);
  match(first.stdout, /created\s+\.github\/skills\/validate-data\/SKILL\.md/);
  match(first.stdout, /skipped\s+\.github\/skills\/find-source\/SKILL\.md/);
  match(first.stderr, /--force replaces them/);
  equal(await Deno.readTextFile(mine), "my own skill\n");
  const skill = await Deno.readTextFile(p.path(".github/skills/validate-data/SKILL.md"));
  match(skill, /^---\nname: validate-data\ndescription: ".*"\n---\n\n# Validate the data\n/);
  match(skill, /get_row_counts/);

  const snapshot = async () => {
    const files: Record<string, string> = {};
    const walk = async (dir: string) => {
      for await (const e of Deno.readDir(p.path(dir))) {
        const rel = `${dir}/${e.name}`;
        if (e.isDirectory) await walk(rel);
        else files[rel] = await Deno.readTextFile(p.path(rel));
      }
    };
    for (const dir of [".github", ".vscode", ".dltx"]) await walk(dir);
    return files;
  };
  const before = await snapshot();
  const second = await p.dltx(["ai", "toolkit", "install", "rest-api-pipeline"]);
  equal(second.code, 0, second.stderr);
  ok(!/created|updated/.test(second.stdout), second.stdout);
  deepEqual(await snapshot(), before);

  const forced = await p.dltx(["ai", "toolkit", "install", "rest-api-pipeline", "--force"]);
  equal(forced.code, 0, forced.stderr);
  match(forced.stdout, /updated\s+\.github\/skills\/find-source\/SKILL\.md/);

  const status = await p.dltx(["ai", "status"]);
  equal(status.code, 0, status.stderr);
  match(status.stdout, /^copilot: set up$/m);
  match(
    status.stdout,
    /toolkit rest-api-pipeline 1\.0\.0: 7 skills \(7 ok\); start with the find-source skill/,
  );
  match(status.stdout, /^claude: not set up \(dltx ai init --agent claude\)$/m);

  // An edited skill stays, as do the user's other skill and dltx ai init's files.
  const edited = p.path(".github/skills/debug-pipeline/SKILL.md");
  await Deno.writeTextFile(edited, (await Deno.readTextFile(edited)) + "\nMy note.\n");
  const edits = await p.dltx(["ai", "status"]);
  match(edits.stdout, /7 skills \(6 ok, 1 edited\)/);
  const un = await p.dltx(["ai", "toolkit", "uninstall", "rest-api-pipeline"]);
  equal(un.code, 0, un.stderr);
  match(un.stdout, /kept\s+\.github\/skills\/debug-pipeline\/SKILL\.md\s+copilot: edited/);
  match(un.stdout, /removed\s+\.github\/skills\/find-source\/SKILL\.md/);
  const left = await snapshot();
  deepEqual(Object.keys(left).filter((f) => f.includes("/skills/")).sort(), [
    ".github/skills/debug-pipeline/SKILL.md",
    ".github/skills/other/SKILL.md",
  ]);
  ok(left[".github/copilot-instructions.md"]);
  ok(left[".github/instructions/dltx-secrets.instructions.md"]);
  equal(JSON.parse(left[".dltx/ai.json"]).toolkits["rest-api-pipeline"], undefined);

  const again = await p.dltx(["ai", "toolkit", "uninstall", "rest-api-pipeline"]);
  equal(again.code, 1);
  match(again.stderr, /Toolkit "rest-api-pipeline" is not installed/);
  const initUn = await p.dltx(["ai", "toolkit", "uninstall", "init"]);
  equal(initUn.code, 1);
  match(initUn.stderr, /remove those entries by hand/);
  const unknown = await p.dltx(["ai", "toolkit", "info", "sql-database"]);
  equal(unknown.code, 1);
  match(unknown.stderr, /Unknown toolkit "sql-database"; dltx has rest-api-pipeline/);
});

Deno.test("dltx ai toolkit list and info name the skills and where each editor gets them", async () => {
  await using p = await tempProject();
  const list = await p.dltx(["ai", "toolkit", "list"]);
  equal(list.code, 0, list.stderr);
  match(list.stdout, /rest-api-pipeline 1\.0\.0 .*\n {4}not installed/);
  const info = await p.dltx(["ai", "toolkit", "info", "rest-api-pipeline"]);
  equal(info.code, 0, info.stderr);
  for (
    const skill of [
      "find-source",
      "create-rest-api-pipeline",
      "new-endpoint",
      "adjust-endpoint",
      "debug-pipeline",
      "validate-data",
      "view-data",
    ]
  ) {
    match(info.stdout, new RegExp(`^ {2}${skill} +\\S`, "m"));
  }
  match(info.stdout, /continue {2}\.continue\/prompts\/<skill>\.md/);
  match(info.stdout, /codex {5}\.agents\/skills\/<skill>\/SKILL\.md/);
});
