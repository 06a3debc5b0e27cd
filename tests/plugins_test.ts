/**
 * Connector plugins end to end: `dltx add connector` from a path, a URL, a JSR registry and a
 * built-in; `dltx.lock`; verified runs of the vendored copy; `--update` diffs; `--pin`; and
 * the air-gap proof (a run allowed to reach nothing but the API).
 *
 * Plugin URLs here are `http://127.0.0.1:<port>`: dltx fetches plugins over https only, with
 * plain http allowed for 127.0.0.1 and localhost so tests and local registries work.
 */
import { deepEqual, equal, match } from "node:assert/strict";
import { join } from "node:path";
import { jsrRegistry } from "../plugins/_testing.ts";
import { startDemoApi } from "../scripts/demo_api.ts";
import { type CliResult, json, REPO, serve, tempProject } from "./_helpers.ts";

const USERS = [
  { id: 1, name: "Ada", active: true },
  { id: 2, name: "Bob", active: false },
  { id: 3, name: "Cy", active: true },
];

/** A TS connector with a relative helper import and a type-only import of a registry. */
const SHOP = `import type { Connector } from "jsr:@dltx/dltx";
import { isActive, PAGE_SIZE } from "./lib/helpers.ts";

export default {
  name: "shop",
  version: "1.0.0",
  config: { base_url: { default: "http://127.0.0.1:1", doc: "the shop API" } },
  client: { base_url: "{base_url}", paginator: "single_page" },
  resources: [{
    name: "users",
    endpoint: { path: "users", params: { per_page: PAGE_SIZE }, data_selector: "data" },
    processing_steps: [{ filter: isActive }],
  }],
} satisfies Connector;
`;
const HELPERS = `export const PAGE_SIZE = 50;
export function isActive(user: Record<string, unknown>): boolean {
  return user.active === true;
}
`;

function usersApi() {
  return serve((req) =>
    new URL(req.url).pathname === "/users"
      ? json({ data: USERS })
      : json({ error: "not found" }, { status: 404 })
  );
}

async function loadedUsers(p: Awaited<ReturnType<typeof tempProject>>, table = "users") {
  const rows = await p.query(
    "shop_pipeline.duckdb",
    `SELECT id, name FROM shop_pipeline_dataset.${table} ORDER BY id`,
  );
  return rows.map((r) => [Number(r.id), r.name]);
}

function lock(p: { path(...parts: string[]): string }) {
  return JSON.parse(Deno.readTextFileSync(p.path("dltx.lock")));
}

function expectError(res: CliResult, pattern: RegExp): void {
  equal(res.code, 1, `expected exit 1, got ${res.code}: ${res.stderr}`);
  match(res.stderr, pattern);
}

Deno.test("add connector <path> vendors the file and its relative imports; run uses the copy", async () => {
  await using api = usersApi();
  await using p = await tempProject();
  await Deno.mkdir(p.path("src", "lib"), { recursive: true });
  await Deno.writeTextFile(p.path("src", "shop.ts"), SHOP);
  await Deno.writeTextFile(p.path("src", "lib", "helpers.ts"), HELPERS);

  const added = await p.dltx(["add", "connector", "./src/shop.ts"]);
  equal(added.code, 0, added.stderr);
  match(
    added.stdout,
    /^Added connector "shop" \(\.\/src\/shop\.ts, version 1\.0\.0\) to \.dltx\/connectors\/shop\/: lib\/helpers\.ts, shop\.ts$/m,
  );
  equal(await Deno.readTextFile(p.path(".dltx/connectors/shop/shop.ts")), SHOP);
  equal(await Deno.readTextFile(p.path(".dltx/connectors/shop/lib/helpers.ts")), HELPERS);
  const entry = lock(p).connectors.shop;
  deepEqual(
    [entry.spec, entry.kind, entry.path, entry.entry, entry.resolved_version],
    ["./src/shop.ts", "path", "src/shop.ts", "shop.ts", "1.0.0"],
  );
  deepEqual(Object.keys(entry.files), ["lib/helpers.ts", "shop.ts"]);

  // The original is gone: the run can only be using the vendored copy.
  await Deno.remove(p.path("src"), { recursive: true });
  const run = await p.dltx(["run", "shop"], { SOURCES__SHOP__BASE_URL: api.url });
  equal(run.code, 0, run.stderr);
  deepEqual(await loadedUsers(p), [[1, "Ada"], [3, "Cy"]]);
  equal(api.requests[0].url, `${api.url}/users?per_page=50`);
});

Deno.test("add connector <url> fetches relative imports; --update shows the diff; a tampered file fails the run", async () => {
  await using api = usersApi();
  const served: Record<string, string> = {
    "/plugins/shop.ts": SHOP,
    "/plugins/lib/helpers.ts": HELPERS,
  };
  await using plugins = serve((req) => {
    const body = served[new URL(req.url).pathname];
    return new Response(body ?? "Not Found", { status: body === undefined ? 404 : 200 });
  });
  await using p = await tempProject();
  const env = { SOURCES__SHOP__BASE_URL: api.url };
  const url = `${plugins.url}/plugins/shop.ts`;

  const added = await p.dltx(["add", "connector", url]);
  equal(added.code, 0, added.stderr);
  deepEqual(plugins.requests.map((r) => new URL(r.url).pathname), [
    "/plugins/shop.ts",
    "/plugins/lib/helpers.ts",
  ]);
  equal(lock(p).connectors.shop.url, url);

  // A second add of the same spec changes nothing.
  const again = await p.dltx(["add", "connector", url]);
  equal(again.code, 0, again.stderr);
  match(again.stdout, /Connector "shop" is up to date/);

  // Upstream changes: --update shows it and stores the new file.
  served["/plugins/lib/helpers.ts"] = HELPERS.replace("PAGE_SIZE = 50", "PAGE_SIZE = 100");
  const update = await p.dltx(["add", "connector", "shop", "--update"]);
  equal(update.code, 0, update.stderr);
  match(
    update.stdout,
    /^--- a\/\.dltx\/connectors\/shop\/lib\/helpers\.ts\n\+\+\+ b\/\.dltx\/connectors\/shop\/lib\/helpers\.ts\n@@ -1,4 \+1,4 @@\n-export const PAGE_SIZE = 50;\n\+export const PAGE_SIZE = 100;\n/,
  );
  match(
    update.stdout,
    /Updated connector "shop" from .*: lib\/helpers\.ts \(changed\); dltx\.lock updated/,
  );
  const run = await p.dltx(["run", "shop"], env);
  equal(run.code, 0, run.stderr);
  equal(api.requests.at(-1)?.url, `${api.url}/users?per_page=100`);

  // Someone edits the vendored file: the run refuses it and names the file.
  await Deno.writeTextFile(
    p.path(".dltx/connectors/shop/lib/helpers.ts"),
    HELPERS.replace("user.active === true", "true"),
  );
  const tampered = await p.dltx(["run", "shop"], env);
  expectError(
    tampered,
    /^error: \.dltx\/connectors\/shop\/lib\/helpers\.ts was changed since `dltx add` \(sha256 mismatch\); run `dltx add connector shop --update` to fetch it again, restore it, or keep your edits with `dltx add connector shop --pin`\n$/,
  );
  equal(api.requests.length, 1);
});

Deno.test("add connector jsr:… resolves through the registry API; the run needs no network but the API", async () => {
  const registry = jsrRegistry([{
    scope: "acme",
    name: "shop",
    latest: "1.1.0",
    versions: {
      "1.0.0": {
        files: {
          "mod.ts": SHOP.replace('version: "1.0.0"', 'version: "0.0.1"'),
          "lib/helpers.ts": HELPERS,
        },
      },
      "1.1.0": { files: { "mod.ts": SHOP, "lib/helpers.ts": HELPERS, "README.md": "# shop\n" } },
    },
  }]);
  await using api = usersApi();
  await using p = await tempProject();
  {
    await using jsr = serve(registry.handler);
    const env = { DLTX_JSR_URL: jsr.url };
    const unknown = await p.dltx(["add", "connector", "jsr:@acme/shop@2"], env);
    expectError(
      unknown,
      /^error: JSR package @acme\/shop has no version "2"; available: 1\.0\.0, 1\.1\.0 \(latest 1\.1\.0\)\n$/,
    );
    const added = await p.dltx(["add", "connector", "jsr:@acme/shop"], env);
    equal(added.code, 0, added.stderr);
    match(added.stdout, /Added connector "shop" \(jsr:@acme\/shop, version 1\.1\.0\)/);
  }
  const entry = lock(p).connectors.shop;
  deepEqual(
    [entry.kind, entry.resolved_version, entry.url, entry.entry, Object.keys(entry.files)],
    ["jsr", "1.1.0", `${entry.url.split("/@acme")[0]}/@acme/shop/1.1.0/mod.ts`, "mod.ts", [
      "lib/helpers.ts",
      "mod.ts",
    ]],
  );

  // The registry is gone and the process may reach nothing but the API.
  const runAllowing = async (host: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-ffi",
        "--allow-sys",
        `--allow-net=${host}`,
        "--config",
        join(REPO, "deno.json"),
        join(REPO, "main.ts"),
        "run",
        "shop",
      ],
      cwd: p.dir,
      env: { ...p.env, SOURCES__SHOP__BASE_URL: api.url, DLTX_JSR_URL: "http://127.0.0.1:9" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  };
  // Control: the sandbox holds; without the API's address the run cannot reach it.
  const denied = await runAllowing("127.0.0.1:9");
  equal(denied.code, 1, denied.stderr);
  match(denied.stderr, /not allowed by Deno.s permissions/);
  match(denied.stderr, /net access to "127\.0\.0\.1:\d+"/i);
  const allowed = await runAllowing(new URL(api.url).host);
  equal(allowed.code, 0, allowed.stderr);
  deepEqual(await loadedUsers(p), [[1, "Ada"], [3, "Cy"]]);
});

Deno.test("add connector <built-in> copies it to customise; edits fail the run until pinned", async () => {
  const demo = await startDemoApi();
  try {
    await using p = await tempProject();
    const env = { SOURCES__DEMO__BASE_URL: demo.url, SOURCES__DEMO__API_KEY: demo.apiKey };
    const added = await p.dltx(["add", "connector", "demo"]);
    equal(added.code, 0, added.stderr);
    match(
      added.stdout,
      /Added connector "demo" \(built-in demo, version \d+\.\d+\.\d+\) to \.dltx\/connectors\/demo\/: demo\.md, demo\.ts/,
    );
    deepEqual(
      [lock(p).connectors.demo.kind, lock(p).connectors.demo.entry],
      ["builtin", "demo.ts"],
    );

    const path = p.path(".dltx/connectors/demo/demo.ts");
    const source = await Deno.readTextFile(path);
    match(source, /^export default \{$/m);
    await Deno.writeTextFile(
      path,
      source.replace(`name: "products",`, `name: "products",\n      table_name: "catalog",`),
    );
    const refused = await p.dltx(["run", "demo", "--resources", "products"], env);
    expectError(
      refused,
      /\.dltx\/connectors\/demo\/demo\.ts was changed since `dltx add` \(sha256 mismatch\)/,
    );

    const pinned = await p.dltx(["add", "connector", "demo", "--pin"]);
    equal(pinned.code, 0, pinned.stderr);
    match(
      pinned.stdout,
      /Pinned the edits of \.dltx\/connectors\/demo\/ in dltx\.lock: demo\.ts \(changed\)/,
    );
    const run = await p.dltx(["run", "demo", "--resources", "products"], env);
    equal(run.code, 0, run.stderr);
    const [row] = await p.query(
      "demo_pipeline.duckdb",
      "SELECT count(*) AS n FROM demo_pipeline_dataset.catalog",
    );
    equal(Number(row.n), 30);
    equal(lock(p).connectors.demo.edited, true);

    // --update would replace the customised copy with the built-in: not without --force.
    const update = await p.dltx(["add", "connector", "demo", "--update"]);
    expectError(
      update,
      /^error: Connector "demo" is a customised copy \(edits pinned with --pin in dltx\.lock\); --update would replace demo\.ts with demo\. Nothing was changed: add --force to replace your edits\n$/,
    );
    match(await Deno.readTextFile(path), /table_name: "catalog"/);
    // An edit not pinned yet is refused the same way.
    await Deno.writeTextFile(path, (await Deno.readTextFile(path)) + "// mine\n");
    expectError(
      await p.dltx(["add", "connector", "demo", "--update"]),
      /^error: \.dltx\/connectors\/demo\/ has edits that are not in dltx\.lock \(demo\.ts\); --update would replace them with demo\. Nothing was changed: keep them with `dltx add connector demo --pin`, or add --force to replace them\n$/,
    );
    match(await Deno.readTextFile(path), /\/\/ mine\n$/);
    const forced = await p.dltx(["add", "connector", "demo", "--update", "--force"]);
    equal(forced.code, 0, forced.stderr);
    equal((await Deno.readTextFile(path)).includes("catalog"), false);
    equal(lock(p).connectors.demo.edited, undefined);
  } finally {
    await demo.close();
  }
});

Deno.test("add connector explains bad plugins: runtime imports, no default export, invalid keys, no registry", async () => {
  await using p = await tempProject();
  await Deno.writeTextFile(
    p.path("zod.ts"),
    `// validates records\nimport { z } from "npm:zod@3";\nexport default { name: "zod" };\n`,
  );
  expectError(
    await p.dltx(["add", "connector", "zod.ts"]),
    /^error: Connector plugin zod\.ts line 2 imports "npm:zod@3" at run time; a plugin may import only relative files it ships with/,
  );
  await Deno.writeTextFile(p.path("named.ts"), `export const shop = { name: "shop" };\n`);
  expectError(
    await p.dltx(["add", "connector", "./named.ts"]),
    /^error: Connector module named\.ts has no default export; write "export default \{ name, client, resources \}" \(it exports: shop\)\n$/,
  );
  await p.writeConnector({
    name: "typo",
    client: { base_url: "https://x.test/" },
    resources: [{ name: "a", endpoint: { path: "a", data_selecter: "$" } }],
  }, "typo.json");
  expectError(
    await p.dltx(["add", "connector", "typo.json"]),
    /^error: Invalid connector "typo" \(typo\.json\): resources\[0\]\.endpoint\.data_selecter/,
  );
  expectError(
    await p.dltx(["add", "connector", "jsr:@acme/shop"], { DLTX_JSR_URL: "http://127.0.0.1:9" }),
    /^error: Cannot reach the JSR registry \(http:\/\/127\.0\.0\.1:9\) at http:\/\/127\.0\.0\.1:9\/@acme\/shop\/meta\.json: /,
  );
  // Nothing was stored by any of them.
  equal(await Deno.stat(p.path("dltx.lock")).then(() => true, () => false), false);
});
