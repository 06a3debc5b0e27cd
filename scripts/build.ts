/**
 * `deno task build [--target T ...] [--all]`: compiles `dltx` into single binaries under `dist/`.
 *
 * DuckDB's native addon must sit next to the binary at run time, so binaries are built with
 * `--self-extracting`. `deno compile` needs the `denort` runtime of each target: it comes from
 * `DENO_DIR`'s cache, from `DENORT_BIN` (a pre-seeded runtime for the host target), or is
 * downloaded; where none is possible the build stops with a clear message.
 *
 * @module
 */

import { join } from "node:path";
import denoJson from "../deno.json" with { type: "json" };
import { v8FlagsArg } from "./v8_flags.ts";

const REPO = new URL("..", import.meta.url).pathname;

/** Targets released, with the DuckDB binding package each one needs. */
const TARGETS: Record<string, string> = {
  "x86_64-unknown-linux-gnu": "@duckdb/node-bindings-linux-x64",
  "aarch64-unknown-linux-gnu": "@duckdb/node-bindings-linux-arm64",
  "x86_64-apple-darwin": "@duckdb/node-bindings-darwin-x64",
  "aarch64-apple-darwin": "@duckdb/node-bindings-darwin-arm64",
  "x86_64-pc-windows-msvc": "@duckdb/node-bindings-win32-x64",
};

function hostTarget(): string {
  const arch = Deno.build.arch === "aarch64" ? "aarch64" : "x86_64";
  switch (Deno.build.os) {
    case "darwin":
      return `${arch}-apple-darwin`;
    case "windows":
      return `${arch}-pc-windows-msvc`;
    default:
      return `${arch}-unknown-linux-gnu`;
  }
}

function parseTargets(args: string[]): string[] {
  if (args.includes("--all")) return Object.keys(TARGETS);
  const targets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--target") targets.push(args[++i]);
  }
  for (const t of targets) {
    if (!TARGETS[t]) {
      throw new Error(`Unknown target "${t}"; expected one of ${Object.keys(TARGETS).join(", ")}`);
    }
  }
  return targets.length ? targets : [hostTarget()];
}

async function build(target: string): Promise<string> {
  const exe = target.includes("windows") ? ".exe" : "";
  const output = join(REPO, "dist", `dltx-${denoJson.version}-${target}${exe}`);
  const args = [
    "compile",
    "-A",
    "--self-extracting",
    v8FlagsArg(),
    "--target",
    target,
    "--include",
    join(REPO, "connectors"),
    "--output",
    output,
    join(REPO, "main.ts"),
  ];
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO,
    stdout: "inherit",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) {
    if (/denort|dl\.deno\.land|download/i.test(stderr)) {
      throw new Error(
        `Cannot build ${target}: the denort runtime for this target could not be had. ` +
          `Pre-seed it in DENO_DIR (run "deno compile" once where dl.deno.land is reachable) ` +
          `or set DENORT_BIN to a denort binary of Deno ${Deno.version.deno} for the host target.` +
          `\n${stderr}`,
      );
    }
    throw new Error(`deno compile failed for ${target}:\n${stderr}`);
  }
  return output;
}

if (import.meta.main) {
  await Deno.mkdir(join(REPO, "dist"), { recursive: true });
  try {
    for (const target of parseTargets(Deno.args)) {
      const output = await build(target);
      const bytes = await Deno.readFile(output);
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
      await Deno.writeTextFile(`${output}.sha256`, `${hex}  ${output.split("/").pop()}\n`);
      // deno-lint-ignore no-console
      console.log(`built ${output} (${(bytes.length / 1e6).toFixed(1)} MB, sha256 ${hex})`);
    }
  } catch (err) {
    // deno-lint-ignore no-console
    console.error(`build: ${err instanceof Error ? err.message : err}`);
    Deno.exit(1);
  }
}
