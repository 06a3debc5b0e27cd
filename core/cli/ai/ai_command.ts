/**
 * `dltx ai`: `init` (alias `setup`) sets up an editor's AI assistant for the project in the
 * current folder, `status` shows what is set up for which agent, and `toolkit list | info |
 * install | uninstall` manage toolkits of skills.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { type AiIndex, readAiIndex, sha256 } from "./_index.ts";
import type { McpLaunch } from "./_mcp_command.ts";
import {
  AI_AGENTS,
  type AiAgent,
  type AiFile,
  checkAgent,
  parseAgent,
  setupAgent,
  setupSummary,
} from "./setup.ts";
import {
  findToolkit,
  INIT_TOOLKIT,
  installToolkit,
  listToolkits,
  skillFile,
  uninstallToolkit,
} from "./toolkits.ts";
import { UserError } from "../../errors.ts";

/** Options the `dltx ai` commands share. */
export interface AiCommandOptions {
  /** `--agent <agent>`. */
  agent?: string;
  /** `--force`: replace files of the same name dltx did not write. */
  force?: boolean;
  /** How the editor starts `dltx mcp` (tests). @default mcpLaunch() */
  launch?: McpLaunch;
}

/**
 * Runs `dltx ai init --agent <agent>` (or `dltx ai setup <agent>`).
 *
 * @param agent the editor: claude, cursor, codex, copilot or continue.
 * @returns the exit code.
 * @throws {UserError} for an unknown or missing agent
 * @throws {ConfigError} for an existing config file that cannot be merged
 */
export async function aiSetupCommand(
  ctx: CliContext,
  agent: string | undefined,
  options: AiCommandOptions = {},
): Promise<number> {
  const known = requireAgent(agent ?? options.agent);
  const files = await setupAgent(ctx.cwd, known, { launch: options.launch });
  ctx.stdout.write(setupSummary(known, files));
  if (known === "cursor") {
    // As dlt's `ai init` says: Cursor asks before it starts a project's MCP servers.
    ctx.stdout.write("Cursor: enable the dltx MCP server once in Cursor Settings > MCP.\n");
  }
  ctx.stdout.write(
    `Next: dltx ai toolkit install rest-api-pipeline --agent ${known} adds the workflow's ` +
      "skills; restart the assistant's session to load the changes.\n",
  );
  return 0;
}

/** Runs `dltx ai status`: per agent, each file of its setup and each toolkit installed. */
export async function aiStatusCommand(
  ctx: CliContext,
  options: AiCommandOptions = {},
): Promise<number> {
  const index = await readAiIndex(ctx.cwd);
  const lines = [`AI assistant setup in ${ctx.cwd}:`];
  for (const agent of AI_AGENTS) {
    const checks = await checkAgent(ctx.cwd, agent, { launch: options.launch });
    const initialized = index.toolkits[INIT_TOOLKIT]?.[agent] !== undefined;
    if (!initialized && checks.every((c) => c.state === "missing")) {
      lines.push(`${agent}: not set up (dltx ai init --agent ${agent})`);
      continue;
    }
    const outdated = checks.some((c) => c.state !== "ok");
    lines.push(
      `${agent}: ${
        outdated ? "set up, but not all files are as dltx ai init writes them" : "set up"
      }`,
    );
    const width = Math.max(...checks.map((c) => c.path.length));
    for (const c of checks) lines.push(`  ${c.state.padEnd(9)} ${c.path.padEnd(width)}  ${c.what}`);
    lines.push(...await toolkitLines(ctx.cwd, index, agent));
    if (outdated) lines.push(`  (dltx ai init --agent ${agent} puts them back)`);
  }
  ctx.stdout.write(lines.join("\n") + "\n");
  return 0;
}

async function toolkitLines(cwd: string, index: AiIndex, agent: AiAgent): Promise<string[]> {
  const lines: string[] = [];
  for (const [name, installs] of Object.entries(index.toolkits)) {
    const install = installs[agent];
    if (name === INIT_TOOLKIT || !install) continue;
    const counts = { ok: 0, edited: 0, missing: 0 };
    for (const [path, entry] of Object.entries(install.files)) {
      const text = await Deno.readTextFile(`${cwd}/${path}`).catch(() => undefined);
      if (text === undefined) counts.missing++;
      else if ("sha256" in entry && entry.sha256 === await sha256(text)) counts.ok++;
      else counts.edited++;
    }
    const state = Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
    const entry = entrySkillOf(name);
    lines.push(
      `  toolkit ${name} ${install.version}: ${Object.keys(install.files).length} skills ` +
        `(${state.join(", ") || "none"})${entry ? `; start with the ${entry} skill` : ""}`,
    );
  }
  return lines;
}

function entrySkillOf(name: string): string | undefined {
  try {
    return findToolkit(name).workflowEntrySkill;
  } catch {
    return undefined;
  }
}

/** Runs `dltx ai toolkit list`. */
export async function aiToolkitListCommand(ctx: CliContext): Promise<number> {
  const lines = ["Toolkits:"];
  for (const { toolkit, installed } of await listToolkits(ctx.cwd)) {
    const where = Object.entries(installed).map(([a, v]) => `${a} ${v}`).join(", ");
    lines.push(
      `  ${toolkit.name} ${toolkit.version}  ${toolkit.description}`,
      `    ${where ? `installed for ${where}` : "not installed"}`,
    );
  }
  lines.push("Install one: dltx ai toolkit install <name> --agent <agent>");
  ctx.stdout.write(lines.join("\n") + "\n");
  return 0;
}

/**
 * Runs `dltx ai toolkit info <name>`: its skills and where each editor gets them.
 *
 * @throws {UserError} for an unknown toolkit
 */
export function aiToolkitInfoCommand(ctx: CliContext, name: string): Promise<number> {
  const toolkit = findToolkit(name);
  const width = Math.max(...toolkit.skills.map((s) => s.name.length));
  const lines = [
    `Toolkit ${toolkit.name} ${toolkit.version}: ${toolkit.description}`,
    `Depends on: ${toolkit.dependencies.join(", ")} (dltx ai init)`,
    ...(toolkit.workflowEntrySkill ? [`Start with: ${toolkit.workflowEntrySkill}`] : []),
    "",
    "Skills:",
    ...toolkit.skills.map((s) => `  ${s.name.padEnd(width)}  ${s.description}`),
    "",
    "Installed as:",
    ...AI_AGENTS.map((a) =>
      `  ${a.padEnd(8)}  ${skillFile(a, { ...toolkit.skills[0], name: "<skill>" }).path}`
    ),
  ];
  ctx.stdout.write(lines.join("\n") + "\n");
  return Promise.resolve(0);
}

/**
 * Runs `dltx ai toolkit install <name>` for `--agent`, or for every agent `dltx ai init` was
 * run for.
 *
 * @throws {UserError} for an unknown toolkit or agent, or no agent to install for
 */
export async function aiToolkitInstallCommand(
  ctx: CliContext,
  name: string,
  options: AiCommandOptions = {},
): Promise<number> {
  const toolkit = findToolkit(name);
  const agents = await targetAgents(ctx.cwd, options.agent);
  for (const agent of agents) {
    const files = await installToolkit(ctx.cwd, toolkit.name, agent, options);
    ctx.stdout.write(summary(`Toolkit ${toolkit.name} for ${agent}:`, files));
    if (files.some((f) => f.status === "skipped")) {
      ctx.stderr.write(
        "warning: some files exist and were not written by dltx; --force replaces them\n",
      );
    }
  }
  if (toolkit.workflowEntrySkill) {
    ctx.stdout.write(
      `Start with the ${toolkit.workflowEntrySkill} skill; restart the assistant's session ` +
        "to load the changes.\n",
    );
  }
  return 0;
}

/**
 * Runs `dltx ai toolkit uninstall <name>` for `--agent`, or every agent it is installed for.
 *
 * @throws {UserError} for `init`, an unknown agent or a toolkit that is not installed
 */
export async function aiToolkitUninstallCommand(
  ctx: CliContext,
  name: string,
  options: AiCommandOptions = {},
): Promise<number> {
  const agent = options.agent === undefined ? undefined : parseAgent(options.agent);
  const files = await uninstallToolkit(ctx.cwd, name, agent);
  ctx.stdout.write(summary(`Toolkit ${name} uninstalled:`, files));
  return 0;
}

async function targetAgents(cwd: string, agent: string | undefined): Promise<AiAgent[]> {
  if (agent !== undefined) return [parseAgent(agent)];
  const index = await readAiIndex(cwd);
  const agents = AI_AGENTS.filter((a) => index.toolkits[INIT_TOOLKIT]?.[a] !== undefined);
  if (agents.length > 0) return agents;
  throw new UserError(
    `Pass --agent <${AI_AGENTS.join("|")}>, or run dltx ai init --agent <agent> first`,
  );
}

function requireAgent(agent: string | undefined): AiAgent {
  if (agent === undefined) {
    throw new UserError(`Pass the agent: dltx ai init --agent <${AI_AGENTS.join("|")}>`);
  }
  return parseAgent(agent);
}

function summary(title: string, files: readonly AiFile[]): string {
  if (files.length === 0) return `${title} nothing to do\n`;
  const width = Math.max(...files.map((f) => f.path.length));
  const lines = files.map((f) => `  ${f.status.padEnd(9)} ${f.path.padEnd(width)}  ${f.what}`);
  return `${title}\n${lines.join("\n")}\n`;
}
