import { equal } from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { v8FlagsArg } from "./v8_flags.ts";

Deno.test("deno task dltx runs with the same V8 flags as the binary and the bench", () => {
  equal(denoJson.tasks.dltx, `deno run -A ${v8FlagsArg()} main.ts`);
});
