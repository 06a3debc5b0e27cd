/**
 * Running the measured processes of the benchmarks: wall time from spawn to exit, peak RSS,
 * and the command line of the CLI under test.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../core/errors.ts";
import { v8FlagsArg } from "./v8_flags.ts";

const SCRIPTS = fileURLToPath(new URL("./", import.meta.url));

const POLL_MS = 20;

/** What one measured process did. */
export interface Measured {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
  peakRssMb: number;
}

/** The kernel's peak resident set size of a process in MiB, or 0 once it is gone. */
function readPeakRssMb(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0; // Exited (or no /proc): keep the last value read.
  }
}

/** Runs a command to completion, measuring wall time and peak RSS. */
export async function runMeasured(
  cmd: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<Measured> {
  const started = performance.now();
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let peakRssMb = 0;
  const poll = setInterval(() => {
    peakRssMb = Math.max(peakRssMb, readPeakRssMb(child.pid));
  }, POLL_MS);
  try {
    const output = await child.output();
    const seconds = (performance.now() - started) / 1000;
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
      seconds,
      peakRssMb,
    };
  } finally {
    clearInterval(poll);
  }
}

/** The command that runs the CLI: `deno run -A <file>` for a script, the file for a binary. */
export function cliCommand(cli: string, args: string[]): [string, string[]] {
  // From source, run with the flags the compiled binary has baked in (scripts/v8_flags.ts).
  return /\.[jt]s$/.test(cli)
    ? [Deno.execPath(), ["run", "-A", v8FlagsArg(), cli, ...args]]
    : [cli, args];
}

/** Last lines of a process's output, for error messages. */
export function tail(text: string, lines = 20): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** A local API running in its own process. */
export interface ApiProcess {
  /** Its base URL. */
  url: string;
  /** Stops it (closes its stdin) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `scripts/<script>` in its own process (it must share neither event loop nor heap with
 * the CLI being measured) with `--exit-on-stdin-close`, and waits for its `listening <url>`.
 *
 * @throws {UserError} when it exits before listening.
 */
export async function startApiScript(script: string, args: string[]): Promise<ApiProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(SCRIPTS, script), ...args, "--exit-on-stdin-close"],
    cwd: join(SCRIPTS, ".."),
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stop = async () => {
    await child.stdin.close().catch(() => {});
    const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
    await child.status;
    clearTimeout(timer);
  };
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await lines.read();
    if (value) text += value;
    const url = /^listening (\S+)$/m.exec(text)?.[1];
    if (url) {
      await lines.cancel();
      return { url, stop };
    }
    if (done) {
      await stop();
      throw new UserError(`scripts/${script} exited before listening; it printed: ${text}`);
    }
  }
}
