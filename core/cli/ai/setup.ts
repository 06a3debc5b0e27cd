/**
 * `dltx ai init --agent <agent>`'s work (`dltx ai setup <agent>` is its old name): for one
 * editor's AI assistant, writes the rules (how to write a dltx connector, config keys,
 * workflow) and the secrets rule (never read `.dlt/secrets.toml`; use the MCP secrets tools),
 * registers `dltx mcp` in its MCP config and keeps secrets and loaded data out of its context.
 * Existing files are merged, never clobbered: a marked section of Markdown files, one server
 * of MCP configs, missing lines of ignore files. A second run changes nothing. What was
 * written is recorded in `.dltx/ai.json` as the `init` toolkit.
 *
 * | agent      | rules                             | secrets rule                                      | MCP config                       | kept out by                                |
 * |------------|-----------------------------------|---------------------------------------------------|----------------------------------|--------------------------------------------|
 * | `claude`   | `CLAUDE.md`                       | `.claude/rules/dltx-secrets.md`                   | `.mcp.json`                      | `.claude/settings.json` `permissions.deny` |
 * | `cursor`   | `.cursor/rules/dltx.mdc`          | `.cursor/rules/dltx-secrets.mdc`                  | `.cursor/mcp.json`               | `.cursorignore`                            |
 * | `codex`    | `AGENTS.md`                       | `AGENTS.md`                                       | `.codex/config.toml` (project)   | the rules                                  |
 * | `copilot`  | `.github/copilot-instructions.md` | `.github/instructions/dltx-secrets.instructions.md` | `.vscode/mcp.json`             | the rules (content exclusion is a GitHub setting) |
 * | `continue` | `.continue/rules/dltx.md`         | `.continue/rules/dltx-secrets.md`                 | `.continue/mcpServers/dltx.yaml` | `.continueignore`                          |
 *
 * Where each convention comes from: docs/ai.md.
 *
 * @module
 */

import { join } from "node:path";
import { stringify as stringifyYaml } from "yaml";
import { InternalError, UserError } from "../../errors.ts";
import { launchLine, type McpLaunch, mcpLaunch } from "./_mcp_command.ts";
import {
  mergeIgnoreFile,
  mergeJsonList,
  mergeJsonServer,
  mergeMarkedSection,
  mergeTomlTable,
} from "./_merge.ts";
import { AI_AGENTS, type AiAgent } from "./agents.ts";
import { rulesMarkdown } from "./_rules.ts";
import { secretsRuleMarkdown } from "./_secrets_rule.ts";
import { type IndexedFile, readAiIndex, sha256, writeAiIndex } from "./_index.ts";

export { AI_AGENTS, type AiAgent } from "./agents.ts";

/** What dltx keeps out of an assistant's context. */
export const AI_IGNORE_ENTRIES: readonly string[] = [
  ".dlt/secrets.toml",
  "*.duckdb",
  "*.duckdb.wal",
  ".dltx/pipelines/",
];

/** One file of the setup and what happened to it. */
export interface AiFile {
  /** Relative to the project, `/`-separated. */
  path: string;
  status: "created" | "updated" | "unchanged" | "skipped" | "removed" | "kept" | "missing";
  /** What the file is for. */
  what: string;
}

/** Options of {@linkcode setupAgent}. */
export interface SetupAgentOptions {
  /** How the editor starts `dltx mcp`. @default mcpLaunch() */
  launch?: McpLaunch;
}

/**
 * Checks an agent name.
 *
 * @param name what the user typed.
 * @returns the agent.
 * @throws {UserError} for an unknown agent, listing the known ones
 */
export function parseAgent(name: string): AiAgent {
  if ((AI_AGENTS as readonly string[]).includes(name)) return name as AiAgent;
  throw new UserError(`Unknown agent "${name}"; expected one of ${AI_AGENTS.join(", ")}`);
}

/**
 * Writes one agent's rules, MCP registration and ignore entries into a project.
 *
 * @example Usage
 * ```ts
 * import { setupAgent } from "./setup.ts";
 * const dir = await Deno.makeTempDir();
 * const files = await setupAgent(dir, "claude");
 * // [{ path: "CLAUDE.md", status: "created", ... }, { path: ".mcp.json", ... }, ...]
 * await Deno.remove(dir, { recursive: true });
 * ```
 * @param cwd the project folder.
 * @param agent the editor.
 * @param options see {@linkcode SetupAgentOptions}.
 * @returns each file and whether it was created, updated or left unchanged.
 * @throws {ConfigError} when an existing config file cannot be merged (invalid JSON/TOML)
 */
export async function setupAgent(
  cwd: string,
  agent: AiAgent,
  options: SetupAgentOptions = {},
): Promise<AiFile[]> {
  const launch = options.launch ?? mcpLaunch();
  const planned = await planAgent(cwd, agent, launch);
  for (const file of planned) {
    if (file.text === undefined) continue;
    const path = join(cwd, file.path);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeTextFile(path, file.text);
  }
  // Recorded as the `init` toolkit: files dltx owns with their hash, the others as merged.
  const files: Record<string, IndexedFile> = {};
  for (const file of planned) {
    const text = file.text ?? await Deno.readTextFile(join(cwd, file.path));
    files[file.path] = file.owned ? { sha256: await sha256(text) } : { merged: true };
  }
  const index = await readAiIndex(cwd);
  index.toolkits.init = { ...index.toolkits.init, [agent]: { version: INIT_VERSION, files } };
  await writeAiIndex(cwd, index);
  return planned.map(({ path, text, existed, what }) => ({
    path,
    what,
    status: text === undefined ? "unchanged" : existed ? "updated" : "created",
  }));
}

/** Version of what `init` writes, recorded in the index. */
export const INIT_VERSION = "1.0.0";

/** One file of an agent's setup as it should be. */
interface PlannedFile {
  path: string;
  /** The new text, `undefined` when the file is as it should be. */
  text: string | undefined;
  existed: boolean;
  what: string;
  owned: boolean;
}

/**
 * Plans an agent's setup without writing: each file with the text it should get. A file that
 * cannot be merged stops the plan, so nothing is written.
 */
async function planAgent(cwd: string, agent: AiAgent, launch: McpLaunch): Promise<PlannedFile[]> {
  const planned: PlannedFile[] = [];
  for (const step of agentSteps(agent, launch)) {
    const existing = await readOptional(join(cwd, step.path));
    planned.push({
      path: step.path,
      text: step.merge(existing, step.path),
      existed: existing !== undefined,
      what: step.what,
      owned: step.owned === true,
    });
  }
  return planned;
}

/** How one file of an agent's setup stands: `ok`, `missing`, or `outdated` (differs). */
export interface AgentFileCheck {
  path: string;
  what: string;
  state: "ok" | "missing" | "outdated";
}

/**
 * Checks an agent's setup in a project without writing anything (`dltx ai status`).
 *
 * @throws {ConfigError} when one of its config files cannot be read as JSON/TOML
 */
export async function checkAgent(
  cwd: string,
  agent: AiAgent,
  options: SetupAgentOptions = {},
): Promise<AgentFileCheck[]> {
  const planned = await planAgent(cwd, agent, options.launch ?? mcpLaunch());
  return planned.map((f) => ({
    path: f.path,
    what: f.what,
    state: f.text === undefined ? "ok" : f.existed ? "outdated" : "missing",
  }));
}

interface Step {
  path: string;
  what: string;
  /** The file is dltx's alone (rather than merged into the user's). */
  owned?: boolean;
  /** The new text, or `undefined` when the file is as it should be. */
  merge(existing: string | undefined, path: string): string | undefined;
}

function agentSteps(agent: AiAgent, launch: McpLaunch): Step[] {
  const rules = rulesMarkdown(launchLine(launch));
  const server = { command: launch.command, args: launch.args };
  const marked = (path: string, body: string): Step => ({
    path,
    what: "dltx rules (between <!-- dltx:begin/end --> markers)",
    merge: (existing) => mergeMarkedSection(existing, body),
  });
  const owned = (path: string, text: string, what: string): Step => ({
    path,
    what,
    owned: true,
    merge: (existing) => existing === text ? undefined : text,
  });
  const secrets = secretsRuleMarkdown();
  const secretsWhat = "secrets rule: never read .dlt/secrets.toml, use the MCP secrets tools";
  const ignore = (path: string): Step => ({
    path,
    what: `ignores ${AI_IGNORE_ENTRIES.join(", ")}`,
    merge: (existing) => mergeIgnoreFile(existing, AI_IGNORE_ENTRIES),
  });
  const json = (path: string, key: string, entry: Record<string, unknown>): Step => ({
    path,
    what: `MCP server "dltx": ${launchLine(launch)}`,
    merge: (existing, p) => mergeJsonServer(existing, key, entry, p),
  });
  // Assistants without an ignore file of their own are told in the rules.
  const noIgnore = `${rules}
Do not open \`.dlt/secrets.toml\`, \`*.duckdb\` files or \`.dltx/pipelines/\`: they hold
secrets and loaded data. Query the data through \`dltx query\` or the MCP tools instead.
`;
  const alwaysOn = (frontmatter: string, body: string) => `---\n${frontmatter}---\n\n${body}`;
  switch (agent) {
    case "claude":
      return [
        marked("CLAUDE.md", rules),
        // Rules without `paths` frontmatter apply to every file (Claude Code's memory docs).
        owned(".claude/rules/dltx-secrets.md", secrets, secretsWhat),
        json(".mcp.json", "mcpServers", { type: "stdio", ...server, env: {} }),
        {
          path: ".claude/settings.json",
          what: "denies reading secrets and loaded data",
          merge: (existing, p) =>
            mergeJsonList(existing, ["permissions", "deny"], [
              "Read(./.dlt/secrets.toml)",
              "Read(./**/*.duckdb)",
              "Read(./.dltx/pipelines/**)",
            ], p),
        },
      ];
    case "cursor":
      return [
        owned(
          ".cursor/rules/dltx.mdc",
          `---\ndescription: How to write, run and check dltx connectors in this project\n` +
            `globs:\nalwaysApply: true\n---\n\n${rules}`,
          "dltx rules (always applied)",
        ),
        owned(
          ".cursor/rules/dltx-secrets.mdc",
          alwaysOn(
            'description: "Secrets of this project: never read them, use the dltx MCP tools"\n' +
              "globs:\nalwaysApply: true\n",
            secrets,
          ),
          secretsWhat,
        ),
        json(".cursor/mcp.json", "mcpServers", server),
        ignore(".cursorignore"),
      ];
    case "codex":
      return [
        // Codex reads AGENTS.md only: the secrets rule is part of its section.
        marked("AGENTS.md", `${noIgnore}\n${secrets}`),
        {
          path: ".codex/config.toml",
          what: `MCP server "dltx" (project-local; copy to ~/.codex/config.toml if your ` +
            "Codex does not read it)",
          merge: (existing, p) =>
            mergeTomlTable(
              existing,
              "mcp_servers.dltx",
              `[mcp_servers.dltx]\ncommand = ${JSON.stringify(launch.command)}\nargs = ${
                JSON.stringify(launch.args)
              }\n`,
              p,
            ),
        },
      ];
    case "copilot":
      return [
        marked(".github/copilot-instructions.md", noIgnore),
        owned(
          ".github/instructions/dltx-secrets.instructions.md",
          alwaysOn(
            'description: "Secrets of this project: never read them, use the dltx MCP tools"\n' +
              'applyTo: "**"\n',
            secrets,
          ),
          secretsWhat,
        ),
        json(".vscode/mcp.json", "servers", { type: "stdio", ...server }),
      ];
    case "continue":
      return [
        owned(
          ".continue/rules/dltx.md",
          `---\nname: dltx connectors\nalwaysApply: true\n---\n\n${rules}`,
          "dltx rules (always applied)",
        ),
        owned(
          ".continue/rules/dltx-secrets.md",
          alwaysOn("name: dltx secrets\nalwaysApply: true\n", secrets),
          secretsWhat,
        ),
        owned(
          ".continue/mcpServers/dltx.yaml",
          stringifyYaml({
            name: "dltx",
            version: "0.0.1",
            schema: "v1",
            mcpServers: [{ name: "dltx", type: "stdio", ...server }],
          }),
          `MCP server "dltx": ${launchLine(launch)}`,
        ),
        ignore(".continueignore"),
      ];
    default: {
      const _exhaustive: never = agent;
      throw new InternalError(`Unhandled agent "${String(_exhaustive)}"`);
    }
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/**
 * The summary `dltx ai setup` prints: one line per file.
 *
 * @param agent the editor.
 * @param files what {@linkcode setupAgent} returned.
 * @returns the text.
 */
export function setupSummary(agent: AiAgent, files: readonly AiFile[]): string {
  const width = Math.max(...files.map((f) => f.path.length));
  const lines = files.map((f) => `  ${f.status.padEnd(9)} ${f.path.padEnd(width)}  ${f.what}`);
  return `AI assistant setup for ${agent}:\n${lines.join("\n")}\n`;
}
