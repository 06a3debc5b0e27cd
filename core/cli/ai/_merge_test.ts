import { deepEqual, equal, throws } from "node:assert/strict";
import { ConfigError } from "../../errors.ts";
import {
  BEGIN_MARKER,
  END_MARKER,
  mergeIgnoreFile,
  mergeJsonList,
  mergeJsonServer,
  mergeMarkedSection,
  mergeTomlTable,
} from "./_merge.ts";

Deno.test("mergeMarkedSection() appends a section and keeps the user's text", () => {
  const text = mergeMarkedSection("# My project\n\nBe nice.\n", "rules v1");
  equal(text, `# My project\n\nBe nice.\n\n${BEGIN_MARKER}\nrules v1\n${END_MARKER}\n`);
  equal(mergeMarkedSection(text, "rules v1"), undefined);
});

Deno.test("mergeMarkedSection() replaces the marked section in place", () => {
  const before = `top\n${BEGIN_MARKER}\nold\n${END_MARKER}\nbottom\n`;
  equal(mergeMarkedSection(before, "new"), `top\n${BEGIN_MARKER}\nnew\n${END_MARKER}\nbottom\n`);
  equal(mergeMarkedSection(undefined, "x"), `${BEGIN_MARKER}\nx\n${END_MARKER}\n`);
});

Deno.test("mergeIgnoreFile() adds only the missing entries", () => {
  equal(mergeIgnoreFile("node_modules\n*.duckdb\n", ["*.duckdb"]), undefined);
  const text = mergeIgnoreFile("node_modules", ["*.duckdb", ".dlt/secrets.toml"])!;
  equal(text.startsWith("node_modules\n\n# dltx:"), true);
  equal(text.endsWith("*.duckdb\n.dlt/secrets.toml\n"), true);
  equal(mergeIgnoreFile(text, ["*.duckdb", ".dlt/secrets.toml"]), undefined);
});

Deno.test("mergeJsonServer() keeps other servers and keys", () => {
  const existing = JSON.stringify({ mcpServers: { other: { command: "x" } }, extra: 1 });
  const text = mergeJsonServer(existing, "mcpServers", { command: "dltx" }, ".mcp.json")!;
  deepEqual(JSON.parse(text), {
    mcpServers: { other: { command: "x" }, dltx: { command: "dltx" } },
    extra: 1,
  });
  equal(mergeJsonServer(text, "mcpServers", { command: "dltx" }, ".mcp.json"), undefined);
});

Deno.test("mergeJsonServer() names the file that is not JSON", () => {
  throws(
    () => mergeJsonServer("{oops", "servers", {}, ".vscode/mcp.json"),
    (e: unknown) => e instanceof ConfigError && e.message.startsWith(".vscode/mcp.json is not"),
  );
  throws(() => mergeJsonServer("[]", "servers", {}, "f.json"), ConfigError);
});

Deno.test("mergeJsonList() adds missing entries to a nested list", () => {
  const existing = JSON.stringify({ permissions: { deny: ["Bash(rm:*)"], allow: ["Read"] } });
  const text = mergeJsonList(existing, ["permissions", "deny"], ["A", "Bash(rm:*)"], "s.json")!;
  deepEqual(JSON.parse(text), { permissions: { deny: ["Bash(rm:*)", "A"], allow: ["Read"] } });
  equal(mergeJsonList(text, ["permissions", "deny"], ["A"], "s.json"), undefined);
  deepEqual(JSON.parse(mergeJsonList(undefined, ["p", "d"], ["A"], "s.json")!), {
    p: { d: ["A"] },
  });
});

Deno.test("mergeTomlTable() appends, updates its own section and leaves the user's table", () => {
  const body = '[mcp_servers.dltx]\ncommand = "dltx"\n';
  const text = mergeTomlTable('model = "o3"\n', "mcp_servers.dltx", body, "c.toml")!;
  equal(text, `model = "o3"\n\n# dltx:begin\n${body}# dltx:end\n`);
  equal(mergeTomlTable(text, "mcp_servers.dltx", body, "c.toml"), undefined);
  const updated = mergeTomlTable(text, "mcp_servers.dltx", body.replace('dltx"', 'dx"'), "c.toml");
  equal(updated, `model = "o3"\n\n# dltx:begin\n[mcp_servers.dltx]\ncommand = "dx"\n# dltx:end\n`);
  const own = '[mcp_servers.dltx]\ncommand = "mine"\n';
  equal(mergeTomlTable(own, "mcp_servers.dltx", body, "c.toml"), undefined);
  throws(() => mergeTomlTable("= bad", "mcp_servers.dltx", body, "c.toml"), ConfigError);
});
