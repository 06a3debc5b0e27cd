import { equal, ok } from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { v8FlagsArg } from "./v8_flags.ts";

Deno.test("deno task dltx runs with the same V8 flags as the binary and the bench, where invoked", () => {
  // --no-prompt: a connector plugin may not ask for a permission its sandbox denies. The task
  // runs in the folder it was invoked from (INIT_CWD), with this repository's config.
  equal(
    denoJson.tasks.dltx,
    `R="$(pwd)" && cd "$INIT_CWD" && deno run -A --no-prompt ${v8FlagsArg()} ` +
      `--config "$R/deno.json" "$R/main.ts"`,
  );
});

Deno.test("the README's deno install command has the same V8 flags and the sandbox's flag", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const install = readme.split("\n").find((l) => l.startsWith("deno install -g "));
  ok(install, "README has a deno install line");
  for (const flag of ["-A", "--no-prompt", "--unstable-worker-options", v8FlagsArg(), "-n dltx"]) {
    ok(install.includes(` ${flag} `), `${flag} in: ${install}`);
  }
});
