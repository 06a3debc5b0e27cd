import { equal, match, ok } from "node:assert/strict";
import { defaultDeps } from "../deps.ts";
import { InternalError, UserError } from "../errors.ts";
import { EXIT, runCli } from "./cli.ts";
import type { CliContext } from "./context.ts";

/** Runs `dltx pipeline -l` with a stdout that throws `err`, as a failing command would. */
async function failWith(err: Error): Promise<{ code: number; stderr: string }> {
  const dir = await Deno.makeTempDir();
  let stderr = "";
  const ctx: CliContext = {
    args: ["pipeline", "-l"],
    env: { DLTX_PIPELINES_DIR: dir },
    cwd: dir,
    stdout: {
      write() {
        throw err;
      },
      isTerminal: false,
    },
    stderr: { write: (text) => void (stderr += text), isTerminal: false },
    deps: defaultDeps,
  };
  try {
    return { code: await runCli(ctx), stderr };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("runCli() reports an internal error with its stack and its cause's, exit 70", async () => {
  const driver = new Error('Binder Error: Referenced column "x" not found');
  const { code, stderr } = await failWith(
    new InternalError("Cannot load package 1.1 into duckdb:/x.duckdb: Binder Error", {
      cause: driver,
    }),
  );
  equal(code, EXIT.internal);
  match(stderr, /^internal error, please report: InternalError: Cannot load package 1\.1/);
  match(stderr, /\n\s+at /, "the stack is printed");
  match(stderr, /\ncaused by: Error: Binder Error: Referenced column "x" not found\n\s+at /);
});

Deno.test("runCli() prints a user error's message alone, exit 1", async () => {
  const { code, stderr } = await failWith(
    new UserError("Cannot load package 1.1: Constraint Error: ...; fix the data", {
      cause: new Error("Constraint Error: ..."),
    }),
  );
  equal(code, EXIT.userError);
  equal(stderr, "error: Cannot load package 1.1: Constraint Error: ...; fix the data\n");
  ok(!stderr.includes("caused by"));
});
