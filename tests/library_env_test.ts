/**
 * Only the package's entry points read the process's environment and working directory:
 * `pipeline()`, `loadConfig()` and `restApiSource()` of `mod.ts` do; core's `Pipeline` and
 * `loadConfig()` run without even the permission to read env vars.
 */
import { deepEqual, equal } from "node:assert/strict";
import { join } from "node:path";
import { REPO, runToEnd, tempProject } from "./_helpers.ts";

async function runScript(
  dir: string,
  code: string,
  options: { permissions: string[]; env: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const path = join(dir, "script.ts");
  await Deno.writeTextFile(path, code);
  return await runToEnd(
    Deno.execPath(),
    ["run", "--no-prompt", ...options.permissions, "--config", `${REPO}deno.json`, path],
    { cwd: dir, env: options.env },
  );
}

Deno.test("core's Pipeline and loadConfig() read no env var, even with the permission denied", async () => {
  await using p = await tempProject();
  const res = await runScript(
    p.dir,
    `import { Pipeline } from "${REPO}core/pipeline/mod.ts";
import { loadConfig } from "${REPO}core/config/mod.ts";
const p = new Pipeline({ pipelineName: "shop", destination: {} as never, projectDir: "." });
const config = await loadConfig({ projectDir: "." });
console.log(JSON.stringify([p.workingDir.root, config.lookup(["sources", "shop"], "api_key")?.value ?? null]));
`,
    {
      // No --allow-env: a read of Deno.env would fail with NotCapable.
      permissions: ["--allow-read"],
      env: { ...p.env, SOURCES__SHOP__API_KEY: "from-env", DLTX_PIPELINES_DIR: "/from/env" },
    },
  );
  equal(res.code, 0, res.stderr);
  const [root, key] = JSON.parse(res.stdout);
  equal(root.startsWith("/from/env"), false, root);
  equal(key, null);
});

Deno.test("the package's pipeline(), loadConfig() and restApiSource() read the process env", async () => {
  await using p = await tempProject();
  await Deno.mkdir(p.path(".dlt"));
  await Deno.writeTextFile(p.path(".dlt", "config.toml"), "[sources.shop]\npage_size = 7\n");
  const res = await runScript(
    p.dir,
    `import { loadConfig, pipeline, restApiSource } from "${REPO}mod.ts";
const p = pipeline({ pipelineName: "shop", destination: {} as never });
const config = await loadConfig();
let auth = null;
const source = restApiSource({
  name: "shop",
  config: { api_key: { secret: true } },
  client: { base_url: "http://127.0.0.1:9/", auth: { token: "{api_key}" }, paginator: "single_page" },
  resources: ["orders"],
}, {
  deps: {
    fetch: (input, init) => {
      auth = new Request(input, init).headers.get("authorization");
      return Promise.resolve(Response.json([]));
    },
    now: () => new Date(),
    sleep: () => Promise.resolve(),
  },
});
// An unbound source resolves its fields on the first extract(): from the process's env.
for await (const _ of source.extract()) { /* drain */ }
console.log(JSON.stringify([
  p.workingDir.root,
  config.lookup(["sources", "shop"], "api_key")?.value ?? null,
  config.lookup(["sources", "shop"], "page_size")?.value ?? null,
  auth,
]));
`,
    {
      permissions: ["-A"],
      env: { ...p.env, SOURCES__SHOP__API_KEY: "from-env", DLTX_PIPELINES_DIR: "/from/env" },
    },
  );
  equal(res.code, 0, res.stderr);
  deepEqual(JSON.parse(res.stdout), [join("/from/env", "shop"), "from-env", 7, "Bearer from-env"]);
});
