/**
 * `dltx ai setup <agent>`'s work: for one editor's AI assistant, writes the rules (how to
 * write a dltx connector, config keys, workflow), registers `dltx mcp` in its MCP config and
 * keeps secrets and loaded data out of its context. Existing files are merged, never
 * clobbered: a marked section of Markdown files, one server of MCP configs, missing lines of
 * ignore files. A second run changes nothing.
 *
 * | agent      | rules                                | MCP config                         | kept out by                                  |
 * |------------|--------------------------------------|------------------------------------|----------------------------------------------|
 * | `claude`   | `CLAUDE.md`                          | `.mcp.json`                        | `.claude/settings.json` `permissions.deny`  |
 * | `cursor`   | `.cursor/rules/dltx.mdc`             | `.cursor/mcp.json`                 | `.cursorignore`                              |
 * | `codex`    | `AGENTS.md`                          | `.codex/config.toml` (project-local; Codex reads `~/.codex/config.toml`) | the rules |
 * | `copilot`  | `.github/copilot-instructions.md`    | `.vscode/mcp.json`                 | the rules (content exclusion is a GitHub setting) |
 * | `continue` | `.continue/rules/dltx.md`            | `.continue/mcpServers/dltx.yaml`   | `.continueignore`                            |
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
import { rulesMarkdown } from "./_rules.ts";

/** The editors `dltx ai setup` knows. */
export const AI_AGENTS = ["claude", "cursor", "codex", "copilot", "continue"] as const;

/** One of {@linkcode AI_AGENTS}. */
export type AiAgent = typeof AI_AGENTS[number];

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
  status: "created" | "updated" | "unchanged";
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
  // Plan everything first: a file that cannot be merged stops the setup before any write.
  const planned: { path: string; text: string | undefined; existed: boolean; what: string }[] = [];
  for (const step of agentSteps(agent, launch)) {
    const existing = await readOptional(join(cwd, step.path));
    planned.push({
      path: step.path,
      text: step.merge(existing, step.path),
      existed: existing !== undefined,
      what: step.what,
    });
  }
  for (const file of planned) {
    if (file.text === undefined) continue;
    const path = join(cwd, file.path);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeTextFile(path, file.text);
  }
  return planned.map(({ path, text, existed, what }) => ({
    path,
    what,
    status: text === undefined ? "unchanged" : existed ? "updated" : "created",
  }));
}

interface Step {
  path: string;
  what: string;
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
    merge: (existing) => existing === text ? undefined : text,
  });
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
  switch (agent) {
    case "claude":
      return [
        marked("CLAUDE.md", rules),
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
        json(".cursor/mcp.json", "mcpServers", server),
        ignore(".cursorignore"),
      ];
    case "codex":
      return [
        marked("AGENTS.md", noIgnore),
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
