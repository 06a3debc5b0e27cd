import { deepEqual, equal, match, ok, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { UserError } from "../../errors.ts";
import { mcpLaunch } from "./_mcp_command.ts";
import { AI_AGENTS, type AiAgent, parseAgent, setupAgent } from "./setup.ts";

const LAUNCH = { command: "dltx", args: ["mcp"] };

async function inTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_ai_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const read = (dir: string, path: string) => Deno.readTextFile(join(dir, path));

const EXPECTED: Record<AiAgent, string[]> = {
  claude: ["CLAUDE.md", ".claude/rules/dltx-secrets.md", ".mcp.json", ".claude/settings.json"],
  cursor: [
    ".cursor/rules/dltx.mdc",
    ".cursor/rules/dltx-secrets.mdc",
    ".cursor/mcp.json",
    ".cursorignore",
  ],
  codex: ["AGENTS.md", ".codex/config.toml"],
  copilot: [
    ".github/copilot-instructions.md",
    ".github/instructions/dltx-secrets.instructions.md",
    ".vscode/mcp.json",
  ],
  continue: [
    ".continue/rules/dltx.md",
    ".continue/rules/dltx-secrets.md",
    ".continue/mcpServers/dltx.yaml",
    ".continueignore",
  ],
};

for (const agent of AI_AGENTS) {
  Deno.test(`setupAgent() writes ${agent}'s files, and a second run changes nothing`, async () => {
    await inTemp(async (dir) => {
      const first = await setupAgent(dir, agent, { launch: LAUNCH });
      deepEqual(first.map((f) => f.path), EXPECTED[agent]);
      ok(first.every((f) => f.status === "created"));
      const texts = await Promise.all(EXPECTED[agent].map((p) => read(dir, p)));
      match(texts[0], /import type \{ Connector \} from "dltx";/);
      match(texts[0], /\} satisfies Connector;/);
      match(texts[0], /one endpoint at a time/);
      match(texts[0], /SOURCES__<C>__<F>/);
      // Every agent gets the secrets rule: its own file, or Codex's AGENTS.md section.
      ok(texts.some((t) => t.includes("call `secrets_update_fragment` with a TOML fragment")));
      const second = await setupAgent(dir, agent, { launch: LAUNCH });
      ok(second.every((f) => f.status === "unchanged"), JSON.stringify(second));
      deepEqual(await Promise.all(EXPECTED[agent].map((p) => read(dir, p))), texts);
    });
  });
}

Deno.test("setupAgent() registers dltx mcp in each editor's format", async () => {
  await inTemp(async (dir) => {
    for (const agent of AI_AGENTS) await setupAgent(dir, agent, { launch: LAUNCH });
    const json = async (p: string) => JSON.parse(await read(dir, p));
    deepEqual((await json(".mcp.json")).mcpServers.dltx, { type: "stdio", ...LAUNCH, env: {} });
    deepEqual((await json(".cursor/mcp.json")).mcpServers.dltx, LAUNCH);
    deepEqual((await json(".vscode/mcp.json")).servers.dltx, { type: "stdio", ...LAUNCH });
    deepEqual(parseToml(await read(dir, ".codex/config.toml")).mcp_servers, { dltx: LAUNCH });
    const cont = parseYaml(await read(dir, ".continue/mcpServers/dltx.yaml"));
    deepEqual(cont.mcpServers, [{ name: "dltx", type: "stdio", ...LAUNCH }]);
    match(
      await read(dir, ".cursor/rules/dltx.mdc"),
      /^---\ndescription: .*\nglobs:\nalwaysApply: true\n---/,
    );
  });
});

Deno.test("setupAgent() keeps secrets and data out of the assistant's context", async () => {
  await inTemp(async (dir) => {
    for (const agent of AI_AGENTS) await setupAgent(dir, agent, { launch: LAUNCH });
    for (const file of [".cursorignore", ".continueignore"]) {
      const lines = (await read(dir, file)).split("\n");
      for (const entry of [".dlt/secrets.toml", "*.duckdb", ".dltx/pipelines/"]) {
        ok(lines.includes(entry), `${file} lacks ${entry}`);
      }
    }
    const deny = JSON.parse(await read(dir, ".claude/settings.json")).permissions.deny;
    ok(deny.includes("Read(./.dlt/secrets.toml)"));
    ok(deny.includes("Read(./**/*.duckdb)"));
    match(await read(dir, "AGENTS.md"), /Do not open `\.dlt\/secrets\.toml`/);
    match(await read(dir, ".github/copilot-instructions.md"), /Do not open `\.dlt\/secrets\.toml`/);
  });
});

Deno.test("setupAgent() merges into the user's files without clobbering them", async () => {
  await inTemp(async (dir) => {
    await Deno.mkdir(join(dir, ".claude"));
    await Deno.writeTextFile(join(dir, "CLAUDE.md"), "# Mine\n\nUse tabs.\n");
    await Deno.writeTextFile(
      join(dir, ".mcp.json"),
      JSON.stringify({ mcpServers: { pg: { command: "pg-mcp", args: [] } } }),
    );
    await Deno.writeTextFile(
      join(dir, ".claude/settings.json"),
      JSON.stringify({ permissions: { allow: ["Bash(ls:*)"] }, model: "opus" }),
    );
    const files = await setupAgent(dir, "claude", { launch: LAUNCH });
    deepEqual(files.map((f) => f.status), ["updated", "created", "updated", "updated"]);
    const claude = await read(dir, "CLAUDE.md");
    ok(claude.startsWith("# Mine\n\nUse tabs.\n\n<!-- dltx:begin -->\n"));
    ok(claude.endsWith("<!-- dltx:end -->\n"));
    const mcp = JSON.parse(await read(dir, ".mcp.json"));
    deepEqual(Object.keys(mcp.mcpServers), ["pg", "dltx"]);
    deepEqual(mcp.mcpServers.pg, { command: "pg-mcp", args: [] });
    const settings = JSON.parse(await read(dir, ".claude/settings.json"));
    equal(settings.model, "opus");
    deepEqual(settings.permissions.allow, ["Bash(ls:*)"]);

    // An edited dltx section is put back in place; the user's text around it stays.
    await Deno.writeTextFile(
      join(dir, "CLAUDE.md"),
      claude.replace("## dltx", "## edited") + "\nMore of mine.\n",
    );
    await setupAgent(dir, "claude", { launch: LAUNCH });
    equal(await read(dir, "CLAUDE.md"), `${claude}\nMore of mine.\n`);
  });
});

Deno.test("setupAgent() writes nothing when a config file cannot be merged", async () => {
  await inTemp(async (dir) => {
    await Deno.writeTextFile(join(dir, ".mcp.json"), "{ not json");
    await rejects(setupAgent(dir, "claude", { launch: LAUNCH }), /\.mcp\.json is not valid JSON/);
    await rejects(Deno.stat(join(dir, "CLAUDE.md")), Deno.errors.NotFound);
  });
});

Deno.test("parseAgent() lists the five agents for an unknown one", () => {
  equal(parseAgent("cursor"), "cursor");
  throws(
    () => parseAgent("vim"),
    (e: unknown) =>
      e instanceof UserError &&
      e.message === 'Unknown agent "vim"; expected one of claude, cursor, codex, copilot, continue',
  );
});

Deno.test("mcpLaunch() runs the checkout's main.ts from source, dltx when compiled", () => {
  deepEqual(mcpLaunch({ standalone: true }), { command: "dltx", args: ["mcp"] });
  const root = new URL("file:///src/dltx/");
  deepEqual(mcpLaunch({ standalone: false, root }), {
    command: "deno",
    args: ["run", "-A", "/src/dltx/main.ts", "mcp"],
  });
  // This test runs from the checkout.
  const launch = mcpLaunch();
  equal(launch.command, "deno");
  ok(launch.args[2].endsWith("main.ts"));
});
