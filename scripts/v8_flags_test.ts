import { equal } from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { v8FlagsArg } from "./v8_flags.ts";

Deno.test("deno task dltx runs with the same V8 flags as the binary and the bench", () => {
  // --no-prompt: a connector plugin may not ask for a permission its sandbox denies.
  equal(denoJson.tasks.dltx, `deno run -A --no-prompt ${v8FlagsArg()} main.ts`);
});
