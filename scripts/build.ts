/**
 * `deno task build [--target <target>]... [--all]`: compiles `dltx` into one single binary per
 * target: `dist/dltx-<version>-<target>[.exe]` and its `.sha256` (as `sha256sum` writes it).
 * Without a target it builds for the host; `--all` builds every released target.
 *
 * It type-checks `main.ts` once (against the working tree's config; a staged `node_modules` has
 * no `@types/node`, so `deno compile` runs with `--no-check`), then for each target it:
 * 1. stages what `main.ts` needs in `dist/.stage/<target>/` (sources without tests) and runs
 *    `deno install --os <os> --arch <arch>` there, so `node_modules` holds the DuckDB binding
 *    of the target (`@duckdb/node-bindings-<os>-<arch>`) rather than the host's, and the
 *    working tree's `node_modules` is left alone. Bindings of other variants (the musl one,
 *    which `deno install` adds because it ignores `libc`) are removed: 70 MB each.
 * 2. runs `deno compile --target <target>` there with `--self-extracting` (DuckDB's native
 *    addon must be a real file on disk to be loaded), the V8 flags of `scripts/v8_flags.ts`,
 *    `--include connectors` (the built-in connectors' files, docs included, stay readable at
 *    run time: `dltx add connector <built-in>` copies them) and `--node-modules-dir=manual`
 *    (so the staged `node_modules` is embedded as it is). Every built-in connector is in the
 *    module graph through `connectors/mod.ts`. The connector plugin sandbox needs
 *    `--unstable-worker-options` (workers with narrowed permissions), `--include` of its worker
 *    module (`deno compile` leaves workers out of the graph) and `--no-prompt` (a plugin must
 *    not ask the user for a permission its sandbox denies).
 * 3. writes the `.sha256`; for the host target it also runs `--version` twice and prints the
 *    time of each (the first run self-extracts).
 *
 * `deno compile` embeds Deno's `denort` runtime for the target. It takes it from `DENORT_BIN`
 * (a pre-seeded runtime; Deno uses that one file for any target, so it is passed to the host
 * target's build only), else from `$DENO_DIR/dl/release/v<deno>/denort-<target>.zip` (a
 * pre-seeded `DENO_DIR`), else downloads it from dl.deno.land. When none of these works the
 * build stops with a message that says what to do.
 *
 * @module
 */

// A script's entry point reports progress on the terminal.
// deno-lint-ignore-file no-console

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import denoJson from "../deno.json" with { type: "json" };
import { v8FlagsArg } from "./v8_flags.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));

/** A release target: Deno's target triple and npm's `os`/`cpu` for its packages. */
export interface Target {
  /** Deno's `--target`, e.g. `x86_64-unknown-linux-gnu`. */
  name: string;
  /** npm's `os` (`deno install --os`). */
  os: "linux" | "darwin" | "win32";
  /** npm's `cpu` (`deno install --arch`). */
  arch: "x64" | "arm64";
}

/** The released targets. */
export const TARGETS: readonly Target[] = [
  { name: "x86_64-unknown-linux-gnu", os: "linux", arch: "x64" },
  { name: "aarch64-unknown-linux-gnu", os: "linux", arch: "arm64" },
  { name: "x86_64-apple-darwin", os: "darwin", arch: "x64" },
  { name: "aarch64-apple-darwin", os: "darwin", arch: "arm64" },
  { name: "x86_64-pc-windows-msvc", os: "win32", arch: "x64" },
];

/** What is staged for `deno compile`: the module graph of `main.ts`, its config and lockfile. */
export const STAGED: readonly string[] = [
  "deno.json",
  "deno.lock",
  "main.ts",
  "mod.ts",
  "core",
  "connectors",
  "destinations",
  "plugins",
];

/** The connector sandbox's worker module, which `deno compile` must be told to embed. */
export const SANDBOX_WORKER = "core/sandbox/_worker.ts";

/** The DuckDB binding package a target loads, e.g. `@duckdb/node-bindings-linux-x64`. */
export function bindingPackage(target: Target): string {
  return `@duckdb/node-bindings-${target.os}-${target.arch}`;
}

/** The host's target triple. */
export function hostTarget(build: Pick<typeof Deno.build, "os" | "arch"> = Deno.build): string {
  const arch = build.arch === "aarch64" ? "aarch64" : "x86_64";
  switch (build.os) {
    case "darwin":
      return `${arch}-apple-darwin`;
    case "windows":
      return `${arch}-pc-windows-msvc`;
    default:
      return `${arch}-unknown-linux-gnu`;
  }
}

/**
 * The targets of a command line: `--target T` (repeatable, or `--target=T`), `--all`, or the
 * host when neither is given.
 *
 * @throws {Error} for an unknown target or argument, naming it and what is expected
 */
export function parseBuildArgs(args: readonly string[], host: string): Target[] {
  const names: string[] = [];
  let all = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--all") all = true;
    else if (arg === "--target" && i + 1 < args.length) names.push(args[++i]);
    else if (arg.startsWith("--target=")) names.push(arg.slice("--target=".length));
    else {
      throw new Error(
        `Unknown argument "${arg}"; usage: deno task build [--target <target>]... [--all]`,
      );
    }
  }
  if (all) return [...TARGETS];
  const targets = (names.length > 0 ? names : [host]).map((name) => {
    const target = TARGETS.find((t) => t.name === name);
    if (!target) {
      throw new Error(
        `Unknown target "${name}"; expected one of ${TARGETS.map((t) => t.name).join(", ")}`,
      );
    }
    return target;
  });
  return [...new Set(targets)];
}

/** The binary's file name: `dltx-<version>-<target>`, `.exe` for Windows. */
export function binaryName(version: string, target: Target): string {
  return `dltx-${version}-${target.name}${target.os === "win32" ? ".exe" : ""}`;
}

/** `deno install` arguments that put the target's npm packages into `node_modules`. */
export function installArgs(target: Target): string[] {
  return ["install", "--frozen", "--os", target.os, "--arch", target.arch];
}

/** `deno compile` arguments, run in the stage folder. */
export function compileArgs(target: Target, output: string): string[] {
  return [
    "compile",
    // Type-checked once before all targets, against the working tree's config (a staged
    // node_modules has no @types/node, which checking `node:` imports needs).
    "--no-check",
    "-A",
    "--self-extracting",
    "--node-modules-dir=manual",
    "--unstable-worker-options",
    "--no-prompt",
    v8FlagsArg(),
    "--target",
    target.name,
    "--include",
    "connectors",
    "--include",
    SANDBOX_WORKER,
    "--output",
    output,
    "main.ts",
  ];
}

/**
 * Whether a folder or link of `node_modules` is a DuckDB binding of another target, e.g.
 * `@duckdb+node-bindings-linux-x64-musl@1.5.5-r.5` or `node-bindings-darwin-arm64` when
 * building for linux x64. The binding loader (`@duckdb/node-bindings`) is not one.
 */
export function isForeignBinding(entry: string, target: Target): boolean {
  const variant = entry.match(/^(?:@duckdb\+)?node-bindings-([a-z0-9-]+?)(?:@.*)?$/)?.[1];
  return variant !== undefined && variant !== `${target.os}-${target.arch}`;
}

/**
 * The environment of `deno compile` for a target: `DENORT_BIN` is kept for the host target
 * only, since Deno would embed that runtime whatever the target.
 */
export function compileEnv(
  env: Readonly<Record<string, string>>,
  target: Target,
  host: string,
): Record<string, string> {
  const out: Record<string, string> = { ...env, NO_COLOR: "1" };
  if (target.name !== host) delete out.DENORT_BIN;
  return out;
}

/** One line of a `.sha256` file, as `sha256sum` writes it: `<hex>  <file name>`. */
export async function sha256Line(
  bytes: Uint8Array<ArrayBuffer>,
  fileName: string,
): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex}  ${fileName}\n`;
}

/** What {@linkcode denortError} needs to know. */
export interface DenortContext {
  denoVersion: string;
  /** Deno's cache folder (`DENO_DIR`). */
  denoDir: string;
  host: string;
  /** `DENORT_BIN`, when set. */
  denortBin?: string;
}

/**
 * The message for a `deno compile` that failed because it could not get `denort`; `undefined`
 * when its output is about something else.
 */
export function denortError(
  target: Target,
  stderr: string,
  ctx: DenortContext,
): string | undefined {
  if (!/denort|dl\.deno\.land|Setting up base binary/i.test(stderr)) return undefined;
  const zip = `denort-${target.name}.zip`;
  const url = `https://dl.deno.land/release/v${ctx.denoVersion}/${zip}`;
  // Deno's cause chain: "1: error sending request for url (...): <reason>".
  const reason = stderr.match(/error sending request for url \([^)]*\): (.*)/)?.[1] ??
    stderr.split("\n").find((l) => /error/i.test(l))?.trim() ?? "no reason given";
  const lines = [
    `Cannot build ${target.name}: deno compile needs the denort runtime of Deno ` +
    `${ctx.denoVersion} for this target and could not get it from ${url} (${reason}).`,
    "Give it one of these:",
    `  - a pre-seeded DENO_DIR: put ${zip} in ` +
    `${join(ctx.denoDir, "dl", "release", `v${ctx.denoVersion}`)}/ ` +
    "(or run the build once with the same DENO_DIR where dl.deno.land is reachable);",
  ];
  if (target.name === ctx.host) {
    lines.push(
      `  - DENORT_BIN=<path of the unzipped denort of Deno ${ctx.denoVersion} for ${ctx.host}>.`,
    );
  } else {
    lines.push(
      `  - DENORT_BIN covers the host target (${ctx.host}) only; ` +
        `${target.name} needs its own runtime in DENO_DIR.`,
    );
  }
  return lines.join("\n");
}

/** Runs a Deno subcommand; returns success and its stderr. */
async function deno(
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<{ success: boolean; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.cwd,
    env: options.env,
    clearEnv: true,
    stdout: "inherit",
    stderr: "piped",
  }).output();
  return { success: out.success, stderr: new TextDecoder().decode(out.stderr) };
}

/** Copies a file or folder, leaving out tests and test data. */
async function copyTree(from: string, to: string): Promise<void> {
  const info = await Deno.stat(from);
  if (info.isFile) {
    await Deno.copyFile(from, to);
    return;
  }
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.name.endsWith("_test.ts") || entry.name === "testdata") continue;
    await copyTree(join(from, entry.name), join(to, entry.name));
  }
}

async function stage(dir: string): Promise<void> {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  for (const path of STAGED) {
    const from = join(REPO, path);
    const exists = await Deno.stat(from).then(() => true, () => false);
    if (exists) await copyTree(from, join(dir, path));
  }
}

/** Removes other targets' bindings (package folders and the links to them). */
export async function pruneBindings(stageDir: string, target: Target): Promise<void> {
  const store = join(stageDir, "node_modules", ".deno");
  const linkDirs = [join(store, "node_modules", "@duckdb")];
  for await (const entry of Deno.readDir(store)) {
    if (isForeignBinding(entry.name, target)) {
      await Deno.remove(join(store, entry.name), { recursive: true });
    } else if (entry.name.startsWith("@duckdb+")) {
      linkDirs.push(join(store, entry.name, "node_modules", "@duckdb"));
    }
  }
  for (const dir of linkDirs) {
    const entries = await Array.fromAsync(Deno.readDir(dir)).catch(() => []);
    for (const entry of entries) {
      if (isForeignBinding(entry.name, target)) await Deno.remove(join(dir, entry.name));
    }
  }
}

async function denoDirOf(env: Record<string, string>): Promise<string> {
  if (env.DENO_DIR) return env.DENO_DIR;
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], env }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir ?? "<DENO_DIR>";
}

/** Builds one target; returns the binary's path. */
async function buildTarget(target: Target, ctx: DenortContext & { env: Record<string, string> }) {
  const stageDir = join(REPO, "dist", ".stage", target.name);
  const output = join(REPO, "dist", binaryName(denoJson.version, target));
  try {
    console.error(
      `build: ${target.name}: staging sources and npm packages for ${target.os}/${target.arch}`,
    );
    await stage(stageDir);
    const env = compileEnv(ctx.env, target, ctx.host);
    const install = await deno(installArgs(target), { cwd: stageDir, env });
    if (!install.success) {
      throw new Error(
        `deno install of the npm packages for ${target.os}/${target.arch} (${
          bindingPackage(target)
        }) failed:\n${install.stderr}`,
      );
    }
    await pruneBindings(stageDir, target);
    console.error(`build: ${target.name}: compiling`);
    const compile = await deno(compileArgs(target, output), { cwd: stageDir, env });
    if (!compile.success) {
      throw new Error(
        denortError(target, compile.stderr, ctx) ??
          `deno compile failed for ${target.name}:\n${compile.stderr}`,
      );
    }
  } finally {
    await Deno.remove(stageDir, { recursive: true }).catch(() => {});
  }
  return output;
}

async function main(args: string[]): Promise<number> {
  const host = hostTarget();
  let targets: Target[];
  try {
    targets = parseBuildArgs(args, host);
  } catch (err) {
    console.error(`build: ${err instanceof Error ? err.message : err}`);
    return 2;
  }
  const env = Deno.env.toObject();
  if (env.DENORT_BIN && !await Deno.stat(env.DENORT_BIN).then(() => true, () => false)) {
    console.error(`build: DENORT_BIN is set to ${env.DENORT_BIN}, which does not exist`);
    return 1;
  }
  const ctx = {
    env,
    host,
    denoVersion: Deno.version.deno,
    denoDir: await denoDirOf(env),
    denortBin: env.DENORT_BIN,
  };
  console.error("build: type-checking main.ts");
  const check = await deno(["check", "main.ts"], { cwd: REPO, env: { ...env, NO_COLOR: "1" } });
  if (!check.success) {
    console.error(`build: main.ts does not type-check:\n${check.stderr}`);
    return 1;
  }
  await Deno.mkdir(join(REPO, "dist"), { recursive: true });
  try {
    return await buildAll(targets, ctx);
  } finally {
    await Deno.remove(join(REPO, "dist", ".stage"), { recursive: true }).catch(() => {});
  }
}

async function buildAll(
  targets: Target[],
  ctx: DenortContext & { env: Record<string, string> },
): Promise<number> {
  for (const target of targets) {
    try {
      const output = await buildTarget(target, ctx);
      const bytes = await Deno.readFile(output);
      const name = binaryName(denoJson.version, target);
      const line = await sha256Line(bytes, name);
      await Deno.writeTextFile(`${output}.sha256`, line);
      console.log(
        `built dist/${name} (${(bytes.length / 1e6).toFixed(1)} MB, sha256 ${line.split(" ")[0]})`,
      );
      if (target.name === ctx.host) await reportStartTime(output);
    } catch (err) {
      console.error(`build: ${err instanceof Error ? err.message : err}`);
      return 1;
    }
  }
  return 0;
}

/**
 * Runs the host binary's `--version` twice and prints how long each took: the first run
 * self-extracts the embedded files, the second starts from them.
 * @throws {Error} when the binary does not print its version
 */
async function reportStartTime(binary: string): Promise<void> {
  const times: string[] = [];
  for (const run of ["first run", "then"]) {
    const started = performance.now();
    const out = await new Deno.Command(binary, { args: ["--version"] }).output();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const printed = new TextDecoder().decode(out.stdout).trim();
    if (!out.success || printed !== `dltx ${denoJson.version}`) {
      throw new Error(`${binary} --version printed "${printed}" (exit ${out.code})`);
    }
    times.push(`${seconds} s ${run}`);
  }
  console.log(`dltx --version: ${times.join(", ")}`);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
