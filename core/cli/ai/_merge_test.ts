import { parse as parseJsonc } from "jsonc-parser";
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

Deno.test("mergeJsonServer() edits a commented .vscode/mcp.json, keeping comments and layout", () => {
  const existing = [
    "// Servers for this workspace",
    "{",
    "\t/* the team's own */",
    '\t"servers": {',
    '\t\t"other": {',
    '\t\t\t"command": "x", // keep me',
    "\t\t},",
    "\t},",
    '\t"inputs": [],',
    "}",
    "",
  ].join("\n");
  const text = mergeJsonServer(existing, "servers", { command: "dltx", args: ["mcp"] }, "f")!;
  equal(
    text,
    [
      "// Servers for this workspace",
      "{",
      "\t/* the team's own */",
      '\t"servers": {',
      '\t\t"other": {',
      '\t\t\t"command": "x", // keep me',
      "\t\t},",
      '\t\t"dltx": {',
      '\t\t\t"command": "dltx",',
      '\t\t\t"args": [',
      '\t\t\t\t"mcp"',
      "\t\t\t]",
      // The user's trailing comma stays after the entry that now ends the object.
      "\t\t},",
      "\t},",
      '\t"inputs": [],',
      "}",
      "",
    ].join("\n"),
  );
  // A re-run reads its own output (still JSONC) and changes nothing.
  equal(mergeJsonServer(text, "servers", { command: "dltx", args: ["mcp"] }, "f"), undefined);
  // A changed entry is replaced in place; the comments stay.
  const updated = mergeJsonServer(text, "servers", { command: "dltx2" }, "f")!;
  equal(updated.includes("// Servers for this workspace"), true);
  equal(updated.includes("/* the team's own */"), true);
  equal(updated.includes('"command": "x", // keep me'), true);
  equal(updated.includes('\t\t"dltx": {\n\t\t\t"command": "dltx2"\n\t\t}'), true);
  equal(updated.includes('"args"'), false);
});

Deno.test("mergeJsonServer() adds the servers key with the file's own indentation", () => {
  const existing = '{\r\n    // none yet\r\n    "inputs": []\r\n}\r\n';
  equal(
    mergeJsonServer(existing, "servers", { command: "dltx" }, "f"),
    '{\r\n    // none yet\r\n    "inputs": [],\r\n    "servers": {\r\n        "dltx": {\r\n' +
      '            "command": "dltx"\r\n        }\r\n    }\r\n}\r\n',
  );
});

Deno.test("mergeJsonServer() says where a JSONC file is broken and what is not an object", () => {
  throws(
    () => mergeJsonServer('{\n  // c\n  "servers": {,\n}', "servers", {}, ".vscode/mcp.json"),
    (e: unknown) =>
      e instanceof ConfigError && e.message.startsWith(".vscode/mcp.json is not valid JSON") &&
      e.message.includes("line 3"),
  );
  throws(
    () => mergeJsonServer('// c\n{"servers": []}', "servers", {}, ".vscode/mcp.json"),
    (e: unknown) => e instanceof ConfigError && e.message.includes('"servers" is not an object'),
  );
});

Deno.test("mergeJsonList() appends to a commented list and creates a missing one", () => {
  const existing = [
    "{",
    '  "permissions": {',
    "    // set by the team",
    '    "deny": ["Bash(rm:*)"], // no rm',
    '    "allow": ["Read"],',
    "  },",
    "}",
    "",
  ].join("\n");
  const text = mergeJsonList(existing, ["permissions", "deny"], ["A", "Bash(rm:*)", "B"], "s")!;
  equal(text.includes("// set by the team"), true);
  equal(text.includes("// no rm"), true);
  equal(text.includes('"allow": ["Read"],'), true);
  deepEqual(parseJsonc(text), { permissions: { deny: ["Bash(rm:*)", "A", "B"], allow: ["Read"] } });
  equal(mergeJsonList(text, ["permissions", "deny"], ["A", "B"], "s"), undefined);
  const created = mergeJsonList('{\n  // only a comment\n  "x": 1\n}\n', ["p", "d"], ["A"], "s")!;
  equal(created.includes("// only a comment"), true);
  deepEqual(parseJsonc(created), { x: 1, p: { d: ["A"] } });
});

Deno.test("mergeJsonServer() and mergeJsonList() fill in keys that are null or missing", () => {
  deepEqual(parseJsonc(mergeJsonServer('{"servers": null}', "servers", { c: 1 }, "f")!), {
    servers: { dltx: { c: 1 } },
  });
  deepEqual(parseJsonc(mergeJsonList('{"p": null} // c', ["p", "q", "d"], ["A"], "s")!), {
    p: { q: { d: ["A"] } },
  });
  deepEqual(parseJsonc(mergeJsonList('{"p": {"d": null}}', ["p", "d"], ["A"], "s")!), {
    p: { d: ["A"] },
  });
  deepEqual(parseJsonc(mergeJsonList('{"a": {"x": 1}}', ["a", "a", "d"], ["A"], "s")!), {
    a: { x: 1, a: { d: ["A"] } },
  });
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
