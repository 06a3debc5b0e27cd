/**
 * What a CLI command gets from the outside world, passed in rather than read from globals
 * (as dax's CommandContext), so commands run the same in tests and in the binary.
 *
 * @module
 */

import type { Deps } from "../deps.ts";

/** A text sink (stdout or stderr). */
export interface Output {
  write(text: string): void;
  /** Whether the sink is an interactive terminal. */
  readonly isTerminal: boolean;
}

/** Collects secret values and masks them in text (see `SecretMasker` in core/config). */
export interface Masker {
  add(secret: unknown): void;
  mask(text: string): string;
}

/** The environment of one CLI invocation. */
export interface CliContext {
  args: string[];
  /** Secrets found while running; everything printed goes through it. Set by `runCli`. */
  masker?: Masker;
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: Output;
  stderr: Output;
  /** Input bytes (`dltx load -`). @default Deno.stdin.readable */
  stdin?: ReadableStream<Uint8Array>;
  signal?: AbortSignal;
  deps: Deps;
  /**
   * Asks a yes/no question on the terminal (`[y/N]`); `undefined` when stdin is not a
   * terminal, and then a command that needs confirmation requires `--yes`.
   */
  confirm?: (question: string) => Promise<boolean>;
}

/** An `Output` over a Deno file (stdout/stderr); writes synchronously so ordering holds. */
export function fileOutput(file: typeof Deno.stdout | typeof Deno.stderr): Output {
  const encoder = new TextEncoder();
  return {
    isTerminal: file.isTerminal(),
    write(text: string) {
      const bytes = encoder.encode(text);
      let written = 0;
      while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
    },
  };
}
