/**
 * The `dltx` command a dlt user puts on PATH: the README's `deno install -g` line, run from a
 * fresh copy of the checkout into a temp install root; the command then works from any folder,
 * as does `deno task dltx`, with the folder it was run in as the working directory.
 */
import { equal, match, ok } from "node:assert/strict";
import { dirname, join } from "node:path";
import { REPO, runToEnd, serve } from "./_helpers.ts";

/** A copy of the repository's files (tracked and new, not ignored): no node_modules. */
async function freshCheckout(dir: string): Promise<void> {
  const list = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: REPO,
    stdout: "piped",
  }).output();
  const files = new TextDecoder().decode(list.stdout).split("\0").filter(Boolean);
  for (const file of files) {
    const stat = await Deno.stat(join(REPO, file)).catch(() => undefined);
    if (!stat?.isFile) continue; // deleted in the working tree
    await Deno.mkdir(dirname(join(dir, file)), { recursive: true });
    await Deno.copyFile(join(REPO, file), join(dir, file));
  }
}

Deno.test("the README's deno install gives a dltx command that runs a connector from any folder", async () => {
  await using server = serve(() => Response.json([{ id: 1 }, { id: 2 }, { id: 3 }]));
  const dir = await Deno.makeTempDir({ prefix: "dltx_install_" });
  try {
    const checkout = join(dir, "checkout");
    const root = join(dir, "root");
    const project = join(dir, "elsewhere", "project");
    await freshCheckout(checkout);
    await Deno.mkdir(project, { recursive: true });
    const env: Record<string, string> = {
      // The installed shim runs `deno`: the one running this test.
      PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? ""}`,
      HOME: join(dir, "home"),
      DENO_DIR: Deno.env.get("DENO_DIR") ??
        join(Deno.env.get("HOME") ?? "/root", ".cache", "deno"),
      NO_COLOR: "1",
    };
    for (const name of ["DENO_CERT", "NODE_EXTRA_CA_CERTS", "HTTPS_PROXY", "NO_PROXY"]) {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    }

    const readme = await Deno.readTextFile(join(checkout, "README.md"));
    const line = readme.split("\n").find((l) => l.startsWith("deno install -g "));
    ok(line, "README has the install line");
    const [, ...installArgs] = line.split(" ");
    // `--root` keeps the test out of the real ~/.deno/bin; the rest is the README's line.
    installArgs.splice(1, 0, "--root", root);
    const install = await runToEnd(Deno.execPath(), installArgs, { cwd: checkout, env });
    equal(install.code, 0, install.stderr);

    const dltx = join(root, "bin", "dltx");
    const version = await runToEnd(dltx, ["--version"], { cwd: project, env });
    equal(version.code, 0, version.stderr);
    match(version.stdout, /^dltx \d+\.\d+\.\d+\n$/);

    await Deno.writeTextFile(
      join(project, "shop.json"),
      JSON.stringify({
        client: { base_url: server.url, paginator: "single_page" },
        resources: ["orders"],
      }),
    );
    const loaded = await runToEnd(dltx, ["run", "shop.json"], { cwd: project, env });
    equal(loaded.code, 0, loaded.stderr);
    // The default DuckDB file is the folder's the command ran in.
    match(loaded.stdout, new RegExp(`duckdb:${project}/shop_pipeline\\.duckdb location`));
    ok((await Deno.stat(join(project, "shop_pipeline.duckdb"))).isFile);
    const info = await runToEnd(dltx, ["pipeline", "shop_pipeline", "info"], { cwd: project, env });
    equal(info.code, 0, info.stderr);

    // `deno task dltx` from the project folder: same command, same folder.
    const task = await runToEnd(
      Deno.execPath(),
      [
        "task",
        "-q",
        "--config",
        join(checkout, "deno.json"),
        "dltx",
        "run",
        "shop.json",
        "--pipeline",
        "by_task",
      ],
      { cwd: project, env },
    );
    equal(task.code, 0, task.stderr);
    ok((await Deno.stat(join(project, "by_task.duckdb"))).isFile);
    equal(await Deno.stat(join(checkout, "by_task.duckdb")).catch(() => undefined), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
