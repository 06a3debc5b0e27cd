/**
 * The files `dltx ai init` and `dltx ai toolkit install rest-api-pipeline` write for each
 * agent, compared byte for byte with tests/testdata/ai/<agent>/ (every file, and no other).
 * The MCP launch is fixed to `dltx mcp` (the compiled binary's), so the files do not depend on
 * where this checkout is.
 *
 * After an intended change of the rules or skills, regenerate the golden files with
 *   DLTX_UPDATE_GOLDEN=1 deno test -A tests/ai_golden_test.ts
 * and review the diff.
 */
import { deepEqual, equal } from "node:assert/strict";
import { join, relative } from "node:path";
import { AI_AGENTS, installToolkit, setupAgent } from "../core/cli/ai/mod.ts";

const GOLDEN = new URL("./testdata/ai/", import.meta.url).pathname;
const LAUNCH = { command: "dltx", args: ["mcp"] };
const UPDATE = Deno.env.get("DLTX_UPDATE_GOLDEN") === "1";

async function filesUnder(dir: string, root = dir): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...await filesUnder(path, root));
    else files.push(relative(root, path));
  }
  return files.sort();
}

for (const agent of AI_AGENTS) {
  Deno.test(`ai init + toolkit install write ${agent}'s golden files, once`, async () => {
    const dir = await Deno.makeTempDir({ prefix: `dltx_golden_${agent}_` });
    try {
      await setupAgent(dir, agent, { launch: LAUNCH });
      await installToolkit(dir, "rest-api-pipeline", agent, { launch: LAUNCH });
      const files = await filesUnder(dir);
      const golden = join(GOLDEN, agent);
      if (UPDATE) {
        await Deno.remove(golden, { recursive: true }).catch(() => {});
        for (const file of files) {
          await Deno.mkdir(join(golden, file, ".."), { recursive: true });
          await Deno.copyFile(join(dir, file), join(golden, file));
        }
      }
      deepEqual(files, await filesUnder(golden));
      for (const file of files) {
        const [got, want] = await Promise.all([
          Deno.readFile(join(dir, file)),
          Deno.readFile(join(golden, file)),
        ]);
        equal(new TextDecoder().decode(got), new TextDecoder().decode(want), file);
        deepEqual(got, want, file);
      }
      // A second run of both writes nothing.
      const before = await Promise.all(files.map((f) => Deno.readTextFile(join(dir, f))));
      const again = [
        ...await setupAgent(dir, agent, { launch: LAUNCH }),
        ...await installToolkit(dir, "rest-api-pipeline", agent, { launch: LAUNCH }),
      ];
      deepEqual(again.filter((f) => f.status !== "unchanged"), []);
      deepEqual(await Promise.all(files.map((f) => Deno.readTextFile(join(dir, f)))), before);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
