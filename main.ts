/**
 * The `dltx` command line. Parses argv, runs the command, exits with its code.
 *
 * @module
 */

import { fileOutput, runCli } from "./core/cli/mod.ts";
import { defaultDeps } from "./core/deps.ts";

if (import.meta.main) {
  const controller = new AbortController();
  Deno.addSignalListener("SIGINT", () => controller.abort(new Error("interrupted")));
  const code = await runCli({
    args: Deno.args,
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
    stdout: fileOutput(Deno.stdout),
    stderr: fileOutput(Deno.stderr),
    signal: controller.signal,
    deps: defaultDeps,
  });
  Deno.exit(code);
}
