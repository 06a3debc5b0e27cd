/**
 * Toolkits of skills for AI assistants, as dlt's AI workbench has them: `dltx ai toolkit
 * list | info <name> | install <name> | uninstall <name>`. A toolkit's skills are written in
 * each editor's own convention (see {@linkcode skillFile}); installing again changes nothing,
 * and uninstalling removes only the files the toolkit wrote that are still as it wrote them.
 * The built-in toolkit is `rest-api-pipeline`; `init` (rules, secrets rule, MCP registration,
 * ignore files) is what `dltx ai init` sets up, and every toolkit depends on it.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { InternalError, UserError } from "../../errors.ts";
import type { McpLaunch } from "./_mcp_command.ts";
import { type AiIndex, readAiIndex, sha256, writeAiIndex } from "./_index.ts";
import { REST_API_PIPELINE } from "./_toolkit_rest_api.ts";
import { type AiAgent, type AiFile, setupAgent } from "./setup.ts";

/** One skill: what an assistant does for one step of the workflow. */
export interface Skill {
  /** lowercase-with-hyphens, as the Agent Skills standard wants it. */
  name: string;
  /** When to use it: assistants pick skills by this line. */
  description: string;
  /** The instructions, Markdown. */
  body: string;
}

/** A set of skills installed together. */
export interface Toolkit {
  name: string;
  version: string;
  description: string;
  /** Toolkits installed first (`init` is `dltx ai init`). */
  dependencies: string[];
  /** The skill to start the workflow with. */
  workflowEntrySkill?: string;
  skills: Skill[];
}

/** The toolkit `dltx ai init` installs: rules, secrets rule, MCP server, ignore entries. */
export const INIT_TOOLKIT = "init";

/** The toolkits dltx ships. */
export const TOOLKITS: Readonly<Record<string, Toolkit>> = {
  [REST_API_PIPELINE.name]: REST_API_PIPELINE,
};

/**
 * The toolkit called `name`.
 *
 * @throws {UserError} for an unknown name, listing the known ones
 */
export function findToolkit(name: string): Toolkit {
  const toolkit = TOOLKITS[name];
  if (toolkit) return toolkit;
  throw new UserError(
    `Unknown toolkit "${name}"; dltx has ${Object.keys(TOOLKITS).join(", ")} (dltx ai ` +
      "toolkit list)",
  );
}

/**
 * Where and how an agent keeps a skill (see docs/ai.md for the pages each comes from):
 * Agent Skills (`<dir>/<name>/SKILL.md` with `name` and `description`) in `.claude/skills/`,
 * `.cursor/skills/`, `.agents/skills/` (Codex) and `.github/skills/` (Copilot in VS Code);
 * an invokable prompt `.continue/prompts/<name>.md` for Continue.
 */
export function skillFile(agent: AiAgent, skill: Skill): { path: string; text: string } {
  const description = JSON.stringify(skill.description);
  const skillMd = (dir: string) => ({
    path: `${dir}/${skill.name}/SKILL.md`,
    text: `---\nname: ${skill.name}\ndescription: ${description}\n---\n\n${skill.body}`,
  });
  switch (agent) {
    case "claude":
      return skillMd(".claude/skills");
    case "cursor":
      return skillMd(".cursor/skills");
    case "codex":
      return skillMd(".agents/skills");
    case "copilot":
      return skillMd(".github/skills");
    case "continue":
      return {
        path: `.continue/prompts/${skill.name}.md`,
        text: `---\nname: ${skill.name}\ndescription: ${description}\ninvokable: true\n---\n\n` +
          skill.body,
      };
    default: {
      const _exhaustive: never = agent;
      throw new InternalError(`Unhandled agent "${String(_exhaustive)}"`);
    }
  }
}

/** Options of {@linkcode installToolkit}. */
export interface InstallToolkitOptions {
  /** Replace files of the same name that the toolkit did not write. @default false */
  force?: boolean;
  /** How the editor starts `dltx mcp` (for `init`). */
  launch?: McpLaunch;
}

/**
 * Installs a toolkit's skills for one agent (and `dltx ai init` first, when it was not run
 * for that agent). A file that is already as it should be stays untouched; a file of the
 * same name the toolkit did not write (or that was edited since) is skipped unless `force`.
 *
 * @returns every file and what happened to it (`init`'s files first when it ran)
 * @throws {UserError} for an unknown toolkit
 */
export async function installToolkit(
  cwd: string,
  name: string,
  agent: AiAgent,
  options: InstallToolkitOptions = {},
): Promise<AiFile[]> {
  const toolkit = findToolkit(name);
  const files: AiFile[] = [];
  if (toolkit.dependencies.includes(INIT_TOOLKIT)) {
    const index = await readAiIndex(cwd);
    if (!index.toolkits[INIT_TOOLKIT]?.[agent]) {
      files.push(...await setupAgent(cwd, agent, { launch: options.launch }));
    }
  }
  const index = await readAiIndex(cwd);
  const recorded = index.toolkits[toolkit.name]?.[agent]?.files ?? {};
  const owned: Record<string, { sha256: string }> = {};
  const writes: { path: string; text: string }[] = [];
  for (const skill of toolkit.skills) {
    const { path, text } = skillFile(agent, skill);
    const what = `skill ${skill.name}`;
    const existing = await readOptional(join(cwd, path));
    const hash = await sha256(text);
    if (existing === text) {
      files.push({ path, status: "unchanged", what });
      owned[path] = { sha256: hash };
      continue;
    }
    const ours = existing !== undefined && await isOurs(recorded[path], existing);
    if (existing !== undefined && !ours && !options.force) {
      files.push({ path, status: "skipped", what: `${what}: the file is not dltx's (--force)` });
      continue;
    }
    writes.push({ path, text });
    owned[path] = { sha256: hash };
    files.push({ path, status: existing === undefined ? "created" : "updated", what });
  }
  // Skills an earlier version had and this one has not: removed when still as written.
  for (const [path, entry] of Object.entries(recorded)) {
    if (path in owned || files.some((f) => f.path === path)) continue;
    const existing = await readOptional(join(cwd, path));
    if (existing !== undefined && await isOurs(entry, existing)) {
      await removeSkillFile(cwd, path);
      files.push({ path, status: "removed", what: "skill of an earlier version" });
    }
  }
  for (const { path, text } of writes) {
    await Deno.mkdir(join(cwd, dirname(path)), { recursive: true });
    await Deno.writeTextFile(join(cwd, path), text);
  }
  const latest = await readAiIndex(cwd);
  latest.toolkits[toolkit.name] = {
    ...latest.toolkits[toolkit.name],
    [agent]: { version: toolkit.version, files: owned },
  };
  await writeAiIndex(cwd, latest);
  return files;
}

/**
 * Removes a toolkit's files for one agent (every agent it was installed for when `agent` is
 * undefined): those still as installed. An edited file is kept and reported.
 *
 * @returns every recorded file and what happened to it
 * @throws {UserError} for `init`, or a toolkit that is not installed
 */
export async function uninstallToolkit(
  cwd: string,
  name: string,
  agent?: AiAgent,
): Promise<AiFile[]> {
  if (name === INIT_TOOLKIT) {
    throw new UserError(
      "init is what dltx ai init set up (rules, MCP registration, ignore entries), merged " +
        "into your own files; remove those entries by hand",
    );
  }
  const index = await readAiIndex(cwd);
  const installs = index.toolkits[name] ?? {};
  const agents = agent ? [agent] : Object.keys(installs);
  if (agents.length === 0 || agents.some((a) => !installs[a])) {
    throw new UserError(
      `Toolkit "${name}" is not installed${agent ? ` for ${agent}` : ""} in ${cwd} ` +
        "(dltx ai status)",
    );
  }
  const files: AiFile[] = [];
  for (const a of agents) {
    for (const [path, entry] of Object.entries(installs[a].files)) {
      const existing = await readOptional(join(cwd, path));
      if (existing === undefined) {
        files.push({ path, status: "missing", what: `${a}: already gone` });
      } else if (await isOurs(entry, existing)) {
        await removeSkillFile(cwd, path);
        files.push({ path, status: "removed", what: a });
      } else {
        files.push({ path, status: "kept", what: `${a}: edited since it was installed` });
      }
    }
    delete installs[a];
  }
  if (Object.keys(installs).length === 0) delete index.toolkits[name];
  await writeAiIndex(cwd, index);
  return files;
}

/** What `dltx ai toolkit list` shows: each toolkit and the agents it is installed for. */
export async function listToolkits(
  cwd: string,
): Promise<{ toolkit: Toolkit; installed: Record<string, string> }[]> {
  const index = await readAiIndex(cwd);
  return Object.values(TOOLKITS).map((toolkit) => ({
    toolkit,
    installed: Object.fromEntries(
      Object.entries(index.toolkits[toolkit.name] ?? {}).map(([a, i]) => [a, i.version]),
    ),
  }));
}

async function isOurs(
  entry: AiIndex["toolkits"][string][string]["files"][string] | undefined,
  text: string,
) {
  return entry !== undefined && "sha256" in entry && entry.sha256 === await sha256(text);
}

/** Removes a file, and its folder when it was a skill's own folder and is empty now. */
async function removeSkillFile(cwd: string, path: string): Promise<void> {
  await Deno.remove(join(cwd, path));
  if (path.endsWith("/SKILL.md")) {
    await Deno.remove(join(cwd, dirname(path))).catch(() => {});
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
