import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  binaryName,
  bindingPackage,
  compileArgs,
  compileEnv,
  denortError,
  hostTarget,
  installArgs,
  isForeignBinding,
  parseBuildArgs,
  pruneBindings,
  SANDBOX_WORKER,
  sha256Line,
  STAGED,
  type Target,
  TARGETS,
} from "./build.ts";
import { v8FlagsArg } from "./v8_flags.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const target = (name: string): Target => TARGETS.find((t) => t.name === name)!;
const LINUX = target("x86_64-unknown-linux-gnu");
const WINDOWS = target("x86_64-pc-windows-msvc");
const MAC_ARM = target("aarch64-apple-darwin");

Deno.test("TARGETS are the five released targets, each with a DuckDB binding in deno.lock", () => {
  deepEqual(TARGETS.map((t) => [t.name, t.os, t.arch]), [
    ["x86_64-unknown-linux-gnu", "linux", "x64"],
    ["aarch64-unknown-linux-gnu", "linux", "arm64"],
    ["x86_64-apple-darwin", "darwin", "x64"],
    ["aarch64-apple-darwin", "darwin", "arm64"],
    ["x86_64-pc-windows-msvc", "win32", "x64"],
  ]);
  const lock = JSON.parse(Deno.readTextFileSync(join(REPO, "deno.lock")));
  const locked = Object.keys(lock.npm);
  for (const t of TARGETS) {
    const binding = bindingPackage(t);
    ok(locked.some((p) => p.startsWith(`${binding}@`)), `${binding} is pinned in deno.lock`);
  }
});

Deno.test("hostTarget() maps Deno.build to a target triple", () => {
  equal(hostTarget({ os: "linux", arch: "x86_64" }), "x86_64-unknown-linux-gnu");
  equal(hostTarget({ os: "linux", arch: "aarch64" }), "aarch64-unknown-linux-gnu");
  equal(hostTarget({ os: "darwin", arch: "aarch64" }), "aarch64-apple-darwin");
  equal(hostTarget({ os: "windows", arch: "x86_64" }), "x86_64-pc-windows-msvc");
  ok(TARGETS.some((t) => t.name === hostTarget()));
});

Deno.test("parseBuildArgs() takes --target (repeated or =), --all, or the host", () => {
  deepEqual(parseBuildArgs([], LINUX.name), [LINUX]);
  deepEqual(parseBuildArgs(["--all"], LINUX.name), TARGETS);
  deepEqual(
    parseBuildArgs(
      ["--target", WINDOWS.name, `--target=${MAC_ARM.name}`, "--target", WINDOWS.name],
      LINUX.name,
    ),
    [WINDOWS, MAC_ARM],
  );
  throws(
    () => parseBuildArgs(["--target", "x86_64-unknown-freebsd"], LINUX.name),
    /Unknown target "x86_64-unknown-freebsd"; expected one of x86_64-unknown-linux-gnu, /,
  );
  throws(() => parseBuildArgs(["--release"], LINUX.name), /Unknown argument "--release"; usage:/);
  throws(() => parseBuildArgs(["--target"], LINUX.name), /Unknown argument "--target"/);
});

Deno.test("binaryName() is dltx-<version>-<target>, with .exe for Windows", () => {
  equal(binaryName("0.1.0", LINUX), "dltx-0.1.0-x86_64-unknown-linux-gnu");
  equal(binaryName("0.1.0", WINDOWS), "dltx-0.1.0-x86_64-pc-windows-msvc.exe");
});

Deno.test("installArgs() installs the npm packages of the target's os and cpu, lockfile frozen", () => {
  deepEqual(installArgs(MAC_ARM), ["install", "--frozen", "--os", "darwin", "--arch", "arm64"]);
  deepEqual(installArgs(WINDOWS).slice(2), ["--os", "win32", "--arch", "x64"]);
});

Deno.test("compileArgs() self-extracts, embeds the connectors and the staged node_modules", () => {
  const args = compileArgs(WINDOWS, "/out/dltx.exe");
  equal(args[0], "compile");
  for (const flag of ["-A", "--self-extracting", "--node-modules-dir=manual", v8FlagsArg()]) {
    ok(args.includes(flag), flag);
  }
  equal(args[args.indexOf("--target") + 1], WINDOWS.name);
  equal(args[args.indexOf("--include") + 1], "connectors");
  // The plugin sandbox: workers with narrowed permissions, its worker module, no prompts.
  ok(args.includes("--unstable-worker-options"));
  ok(args.includes("--no-prompt"));
  equal(args[args.lastIndexOf("--include") + 1], SANDBOX_WORKER);
  ok(Deno.statSync(join(REPO, SANDBOX_WORKER)).isFile);
  ok(STAGED.includes(SANDBOX_WORKER.split("/")[0]));
  equal(args[args.indexOf("--output") + 1], "/out/dltx.exe");
  equal(args.at(-1), "main.ts");
});

Deno.test("isForeignBinding() tells other targets' DuckDB bindings from the target's", () => {
  equal(isForeignBinding("@duckdb+node-bindings-linux-x64-musl@1.5.5-r.5", LINUX), true);
  equal(isForeignBinding("node-bindings-linux-x64-musl", LINUX), true);
  equal(isForeignBinding("node-bindings-darwin-arm64", LINUX), true);
  equal(isForeignBinding("@duckdb+node-bindings-linux-x64@1.5.5-r.5", LINUX), false);
  equal(isForeignBinding("node-bindings-linux-x64", LINUX), false);
  equal(isForeignBinding("node-bindings-win32-x64", WINDOWS), false);
  // The loader package and everything else stay.
  equal(isForeignBinding("@duckdb+node-bindings@1.5.5-r.5", LINUX), false);
  equal(isForeignBinding("node-bindings", LINUX), false);
  equal(isForeignBinding("@duckdb+node-api@1.5.5-r.5", LINUX), false);
});

Deno.test("pruneBindings() removes other variants' package folders and the links to them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dltx_build_" });
  try {
    const store = join(dir, "node_modules", ".deno");
    const pkg = (name: string) => join(store, name, "node_modules", "@duckdb");
    for (const variant of ["linux-x64", "linux-x64-musl"]) {
      await Deno.mkdir(pkg(`@duckdb+node-bindings-${variant}@1.0.0`), { recursive: true });
    }
    await Deno.mkdir(pkg("@duckdb+node-bindings@1.0.0"), { recursive: true });
    await Deno.mkdir(join(store, "node_modules", "@duckdb"), { recursive: true });
    for (
      const links of [pkg("@duckdb+node-bindings@1.0.0"), join(store, "node_modules", "@duckdb")]
    ) {
      for (const variant of ["linux-x64", "linux-x64-musl"]) {
        await Deno.symlink(
          pkg(`@duckdb+node-bindings-${variant}@1.0.0`),
          join(links, `node-bindings-${variant}`),
        );
      }
    }
    await pruneBindings(dir, LINUX);
    const names = (path: string) => [...Deno.readDirSync(path)].map((e) => e.name).sort();
    deepEqual(names(store), [
      "@duckdb+node-bindings-linux-x64@1.0.0",
      "@duckdb+node-bindings@1.0.0",
      "node_modules",
    ]);
    deepEqual(names(pkg("@duckdb+node-bindings@1.0.0")), ["node-bindings-linux-x64"]);
    deepEqual(names(join(store, "node_modules", "@duckdb")), ["node-bindings-linux-x64"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compileEnv() passes DENORT_BIN to the host target's build only", () => {
  const env = { PATH: "/bin", DENORT_BIN: "/opt/denort", DENO_DIR: "/cache" };
  deepEqual(compileEnv(env, LINUX, LINUX.name), { ...env, NO_COLOR: "1" });
  deepEqual(compileEnv(env, MAC_ARM, LINUX.name), {
    PATH: "/bin",
    DENO_DIR: "/cache",
    NO_COLOR: "1",
  });
  equal(env.DENORT_BIN, "/opt/denort");
});

Deno.test("sha256Line() writes a line sha256sum -c reads", async () => {
  equal(
    await sha256Line(new TextEncoder().encode("abc"), "dltx-0.1.0-x86_64-unknown-linux-gnu"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  " +
      "dltx-0.1.0-x86_64-unknown-linux-gnu\n",
  );
});

// What deno compile 2.9.6 prints when dl.deno.land cannot be reached.
const NO_DENORT = `Compile main.ts to dist/dltx
Download https://dl.deno.land/release/v2.9.6/denort-aarch64-apple-darwin.zip
error: Writing deno compile executable to temporary file 'dist/dltx.tmp-1'

Caused by:
    0: Setting up base binary.
    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-aarch64-apple-darwin.zip): client error (Connect): dns error: failed to lookup address information: Name or service not known
    2: client error (Connect)
`;

Deno.test("denortError() says where denort comes from when deno compile cannot get it", () => {
  const ctx = { denoVersion: "2.9.6", denoDir: "/cache/deno", host: LINUX.name };
  const cross = denortError(MAC_ARM, NO_DENORT, ctx)!;
  match(
    cross,
    /^Cannot build aarch64-apple-darwin: deno compile needs the denort runtime of Deno 2\.9\.6 for this target and could not get it from https:\/\/dl\.deno\.land\/release\/v2\.9\.6\/denort-aarch64-apple-darwin\.zip \(client error \(Connect\): dns error: failed to lookup address information: Name or service not known\)\./,
  );
  match(cross, /put denort-aarch64-apple-darwin\.zip in \/cache\/deno\/dl\/release\/v2\.9\.6\//);
  match(cross, /DENORT_BIN covers the host target \(x86_64-unknown-linux-gnu\) only/);
  match(
    denortError(LINUX, NO_DENORT.replaceAll("aarch64-apple-darwin", LINUX.name), ctx)!,
    /DENORT_BIN=<path of the unzipped denort of Deno 2\.9\.6 for x86_64-unknown-linux-gnu>/,
  );
  equal(denortError(LINUX, 'error: Module not found "file:///x.ts"', ctx), undefined);
});

Deno.test("STAGED holds every local module main.ts imports", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  equal(out.success, true, new TextDecoder().decode(out.stderr));
  const { modules } = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  const local = modules.map((m) => m.specifier).filter((s) => s.startsWith("file:"));
  ok(local.length > 10);
  for (const specifier of local) {
    const path = fileURLToPath(specifier).slice(REPO.length).replaceAll("\\", "/");
    ok(STAGED.includes(path.split("/")[0]), `${path} is staged`);
    ok(!path.endsWith("_test.ts"), `${path}: tests are not staged`);
  }
});
