import { deepEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { relativeImports } from "../../sandbox/mod.ts";
import { loadConnectorFile } from "../../source/mod.ts";
import { rulesMarkdown } from "./_rules.ts";

Deno.test("the connector the AI rules teach loads as a plugin: type import only, in its sandbox", async () => {
  const rules = rulesMarkdown("dltx mcp");
  const code = /```ts\n([\s\S]*?)```/.exec(rules)?.[1];
  ok(code, "the rules hold a TS example");
  // `dltx add` scans it: nothing is imported at run time.
  deepEqual(relativeImports(code, "example.ts"), []);
  const dir = await Deno.makeTempDir({ prefix: "dltx_rules_" });
  try {
    await Deno.writeTextFile(join(dir, "example.ts"), code);
    // `dltx run` evaluates it in the sandbox and validates it.
    const connector = await loadConnectorFile(join(dir, "example.ts"));
    equal(connector.name, "example");
    deepEqual(connector.resources.map((r) => typeof r === "string" ? r : r.name), [
      "orders",
      "order_items",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
