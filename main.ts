/**
 * The `dltx` command line. Parses argv, runs the command, exits with its code.
 *
 * @module
 */

import { fileOutput, runCli } from "./core/cli/mod.ts";
import { defaultDeps } from "./core/deps.ts";
import { tuneMalloc } from "./core/cli/tune_malloc.ts";

if (import.meta.main) {
  tuneMalloc();
  const controller = new AbortController();
  // The first Ctrl-C stops the run cleanly (rollback, exit 130); a second one exits at once.
  Deno.addSignalListener("SIGINT", () => {
    if (controller.signal.aborted) Deno.exit(130);
    controller.abort(new Error("interrupted"));
  });
  const code = await runCli({
    args: Deno.args,
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
    stdout: fileOutput(Deno.stdout),
    stderr: fileOutput(Deno.stderr),
    signal: controller.signal,
    deps: defaultDeps,
    // Deno's confirm() prints "<question> [y/N] " and reads the answer from the terminal.
    confirm: Deno.stdin.isTerminal() ? (question) => Promise.resolve(confirm(question)) : undefined,
  });
  Deno.exit(code);
}
