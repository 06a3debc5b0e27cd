import { deepEqual, equal, match, rejects } from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../core/errors.ts";
import { installPlugin } from "./install_plugin.ts";
import { readLockfile } from "./lockfile.ts";
import type { ResolvedPlugin } from "./resolve_plugin.ts";

const SHOP = `import { base } from "./base.ts";
export default { name: "shop", version: "1.0.0", client: { base_url: base }, resources: ["items"] };
`;
const BASE = `export const base = "https://shop.test/";\n`;

function plugin(
  files: Record<string, string>,
  extra: Partial<ResolvedPlugin> = {},
): ResolvedPlugin {
  const encoder = new TextEncoder();
  return {
    kind: "url",
    spec: "https://plugins.test/shop.ts",
    url: "https://plugins.test/shop.ts",
    version: null,
    entry: "shop.ts",
    files: new Map(Object.entries(files).map(([p, t]) => [p, encoder.encode(t)])),
    display: (path) => `https://plugins.test/${path}`,
    ...extra,
  };
}

async function project(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_plugins_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function entries(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("installPlugin() stores the files and pins their sha256 in dltx.lock", async () => {
  await project(async (dir) => {
    const result = await installPlugin(dir, plugin({ "shop.ts": SHOP, "base.ts": BASE }));
    equal(result.status, "added");
    equal(result.name, "shop");
    const stored = join(dir, ".dltx", "connectors", "shop");
    equal(await Deno.readTextFile(join(stored, "shop.ts")), SHOP);
    equal(await Deno.readTextFile(join(stored, "base.ts")), BASE);
    // No staging folder is left behind.
    deepEqual(entries(join(dir, ".dltx", "connectors")), ["shop"]);
    const lock = await readLockfile(dir);
    deepEqual(Object.keys(lock.connectors), ["shop"]);
    const locked = lock.connectors.shop;
    equal(locked.resolved_version, "1.0.0");
    equal(locked.url, "https://plugins.test/shop.ts");
    deepEqual(Object.keys(locked.files), ["base.ts", "shop.ts"]);
    match(locked.files["shop.ts"], /^[0-9a-f]{64}$/);
  });
});

Deno.test("installPlugin() reports the same plugin again as unchanged", async () => {
  await project(async (dir) => {
    await installPlugin(dir, plugin({ "shop.ts": SHOP, "base.ts": BASE }));
    const again = await installPlugin(dir, plugin({ "shop.ts": SHOP, "base.ts": BASE }));
    equal(again.status, "unchanged");
    deepEqual(again.changes, []);
  });
});

Deno.test("installPlugin() updates from the same spec and returns the diff", async () => {
  await project(async (dir) => {
    await installPlugin(dir, plugin({ "shop.ts": SHOP, "base.ts": BASE }));
    const newBase = `export const base = "https://v2.shop.test/";\n`;
    const result = await installPlugin(dir, plugin({ "shop.ts": SHOP, "base.ts": newBase }));
    equal(result.status, "updated");
    deepEqual(result.changes, [{ path: "base.ts", change: "changed" }]);
    equal(
      result.diff,
      `--- a/.dltx/connectors/shop/base.ts\n+++ b/.dltx/connectors/shop/base.ts\n` +
        `@@ -1 +1 @@\n-export const base = "https://shop.test/";\n` +
        `+export const base = "https://v2.shop.test/";\n`,
    );
    equal(await Deno.readTextFile(join(dir, ".dltx/connectors/shop/base.ts")), newBase);
  });
});

Deno.test("installPlugin() refuses a name taken by another spec unless forced", async () => {
  await project(async (dir) => {
    await installPlugin(dir, plugin({ "shop.ts": SHOP, "base.ts": BASE }));
    const other = plugin({ "shop.ts": SHOP, "base.ts": BASE }, { spec: "./shop.ts", kind: "path" });
    await rejects(installPlugin(dir, other), (e: Error) => {
      equal(e instanceof ConfigError, true);
      equal(
        e.message,
        `Connector "shop" is already added from https://plugins.test/shop.ts (dltx.lock); run ` +
          "`dltx add connector shop --update` to re-resolve it, add --force to replace it with " +
          "./shop.ts, or --name <other> to add this one next to it",
      );
      return true;
    });
    equal((await installPlugin(dir, other, { force: true })).status, "replaced");
    equal((await readLockfile(dir)).connectors.shop.spec, "./shop.ts");
    // --name stores a second copy next to it; the definition's name follows.
    const named = await installPlugin(dir, other, { name: "shop_eu" });
    equal(named.name, "shop_eu");
    deepEqual(Object.keys((await readLockfile(dir)).connectors), ["shop", "shop_eu"]);
    await rejects(installPlugin(dir, other, { name: "9lives" }), /Invalid connector name "9lives"/);
  });
});

Deno.test("installPlugin() rejects an invalid definition and keeps what was there", async () => {
  await project(async (dir) => {
    await installPlugin(dir, plugin({ "shop.ts": SHOP, "base.ts": BASE }));
    const lockBefore = await Deno.readTextFile(join(dir, "dltx.lock"));
    // A JSON (or YAML) definition is data: validated at once.
    const invalid = JSON.stringify({
      name: "shop",
      client: { base_url: "https://shop.test/" },
      resources: [{ name: "x", endpont: {} }],
    });
    await rejects(
      installPlugin(dir, plugin({ "shop.json": invalid }, { entry: "shop.json" })),
      (e: Error) => {
        equal(e instanceof ConfigError, true);
        match(
          e.message,
          /^Invalid connector "shop" \(https:\/\/plugins\.test\/shop\.json\): resources\[0\]\.endpont/,
        );
        return true;
      },
    );
    // A module is only read: no default export is told from its text.
    await rejects(
      installPlugin(dir, plugin({ "shop.ts": `export const shop = {};\n` })),
      /^ConfigError: Connector module https:\/\/plugins\.test\/shop\.ts has no default export; write "export default \{ name, client, resources \}" \(it exports: shop\)/,
    );
    equal(await Deno.readTextFile(join(dir, "dltx.lock")), lockBefore);
    equal(await Deno.readTextFile(join(dir, ".dltx/connectors/shop/shop.ts")), SHOP);
    deepEqual(entries(join(dir, ".dltx", "connectors")), ["shop"]);
  });
});

Deno.test("installPlugin() never runs a module's code: its name and version are read from its text", async () => {
  await project(async (dir) => {
    const marker = join(dir, "ran.txt");
    const hostile = `Deno.writeTextFileSync(${JSON.stringify(marker)}, "ran");
export default defineIt({ name: "quiet", version: "2.0.0", client: { base_url: "https://q.test/" }, resources: ["a"] });
function defineIt<T>(c: T): T { return c; }
`;
    const result = await installPlugin(dir, plugin({ "quiet.ts": hostile }, { entry: "quiet.ts" }));
    deepEqual([result.name, result.locked.resolved_version], ["quiet", "2.0.0"]);
    equal(await Deno.stat(marker).then(() => true, () => false), false);
    // Without a literal name, the file's name is the connector's.
    const computed =
      `const n = "x" + "y";\nexport default { name: n, client: {}, resources: [] };\n`;
    const named = await installPlugin(
      dir,
      plugin({ "orders.ts": computed }, {
        entry: "orders.ts",
        spec: "https://plugins.test/orders.ts",
      }),
    );
    deepEqual([named.name, named.locked.resolved_version], ["orders", null]);
  });
});

Deno.test("installPlugin() refuses a folder that exists without a lock entry", async () => {
  await project(async (dir) => {
    await Deno.mkdir(join(dir, ".dltx/connectors/shop"), { recursive: true });
    await rejects(
      installPlugin(dir, plugin({ "shop.ts": SHOP, "base.ts": BASE })),
      /\.dltx\/connectors\/shop\/ already exists but is not in dltx\.lock; move it away, or add --force/,
    );
    const forced = await installPlugin(dir, plugin({ "shop.ts": SHOP, "base.ts": BASE }), {
      force: true,
    });
    equal(forced.status, "replaced");
  });
});
