import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { UserError } from "../../errors.ts";
import { MCP_TOOLS } from "../mcp/server.ts";
import { AI_AGENTS } from "./setup.ts";
import { findToolkit, skillFile, TOOLKITS } from "./toolkits.ts";

const REST = findToolkit("rest-api-pipeline");

Deno.test("rest-api-pipeline has the workflow's skills, in order", () => {
  deepEqual(REST.skills.map((s) => s.name), [
    "find-source",
    "create-rest-api-pipeline",
    "new-endpoint",
    "adjust-endpoint",
    "debug-pipeline",
    "validate-data",
    "view-data",
  ]);
  equal(REST.workflowEntrySkill, "find-source");
  deepEqual(REST.dependencies, ["init"]);
});

Deno.test("every skill follows the Agent Skills rules and names real dltx tools", () => {
  for (const toolkit of Object.values(TOOLKITS)) {
    for (const skill of toolkit.skills) {
      // agentskills.io: name lowercase letters, digits and hyphens, at most 64; description 1024.
      match(skill.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      ok(skill.name.length <= 64 && skill.description.length <= 1024, skill.name);
      // Short and specific: a page at most, naming commands or MCP tools to use.
      ok(skill.body.split("\n").length <= 40, `${skill.name} is long`);
      const tools = MCP_TOOLS.filter((t) => skill.body.includes(`\`${t}\``));
      ok(tools.length > 0 || /`dltx [a-z]/.test(skill.body), `${skill.name} names no tool`);
      // No TS import style: that is dltx init's template and docs/editor.md.
      ok(!/\bimport\b.*\bfrom\b/.test(skill.body), `${skill.name} teaches imports`);
      // Secrets only through the MCP tools.
      ok(!/cat .*secrets\.toml|open .*secrets\.toml/i.test(skill.body), skill.name);
    }
  }
  const byName = Object.fromEntries(REST.skills.map((s) => [s.name, s.body]));
  match(byName["find-source"], /dltx init --openapi <spec file or URL> --endpoints <a,b>/);
  match(byName["debug-pipeline"], /`last_trace`/);
  for (const tool of ["get_row_counts", "table_schema", "preview_table", "run_query"]) {
    ok(byName["validate-data"].includes(`\`${tool}\``), tool);
  }
  match(byName["validate-data"], /__v_<type>/);
});

Deno.test("skillFile() writes each editor's convention", () => {
  const skill = { name: "x-y", description: 'Do: "x"', body: "# X\n" };
  const paths = AI_AGENTS.map((a) => skillFile(a, skill).path);
  deepEqual(paths, [
    ".claude/skills/x-y/SKILL.md",
    ".cursor/skills/x-y/SKILL.md",
    ".agents/skills/x-y/SKILL.md",
    ".github/skills/x-y/SKILL.md",
    ".continue/prompts/x-y.md",
  ]);
  equal(
    skillFile("claude", skill).text,
    '---\nname: x-y\ndescription: "Do: \\"x\\""\n---\n\n# X\n',
  );
  equal(
    skillFile("continue", skill).text,
    '---\nname: x-y\ndescription: "Do: \\"x\\""\ninvokable: true\n---\n\n# X\n',
  );
});

Deno.test("findToolkit() names the toolkits it has for an unknown one", () => {
  throws(
    () => findToolkit("nope"),
    (e: unknown) => e instanceof UserError && /dltx has rest-api-pipeline/.test(e.message),
  );
});
