import { deepEqual, equal, rejects } from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../core/errors.ts";
import { sha256Hex } from "./_hash.ts";
import { installPlugin } from "./install_plugin.ts";
import { readLockfile, writeLockfile } from "./lockfile.ts";
import { hasVendoredConnector, loadVendoredConnector } from "./load_vendored.ts";
import { pinVendored } from "./pin_vendored.ts";
import type { ResolvedPlugin } from "./resolve_plugin.ts";

const SHOP = `import { base } from "./lib/base.ts";
export default { name: "shop", client: { base_url: base }, resources: ["items"] };
`;
const BASE = `export const base = "https://shop.test/";\n`;

function plugin(name = "shop"): ResolvedPlugin {
  const encoder = new TextEncoder();
  return {
    kind: "path",
    spec: `./${name}.ts`,
    path: `${name}.ts`,
    version: null,
    entry: "shop.ts",
    files: new Map([["shop.ts", encoder.encode(SHOP)], ["lib/base.ts", encoder.encode(BASE)]]),
    display: (path) => path,
  };
}

async function project(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_vendored_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const file = (dir: string, path: string) => join(dir, ".dltx/connectors/shop", path);

async function rejectsWith(promise: Promise<unknown>, message: string): Promise<void> {
  await rejects(promise, (e: Error) => {
    equal(e instanceof ConfigError, true, String(e));
    equal(e.message, message);
    return true;
  });
}

const FIX = "run `dltx add connector shop --update` to fetch it again, restore it, or keep your " +
  "edits with `dltx add connector shop --pin`";

Deno.test("loadVendoredConnector() loads a verified copy under its locked name", async () => {
  await project(async (dir) => {
    equal(await hasVendoredConnector(dir, "shop"), false);
    await installPlugin(dir, plugin(), { name: "shop_eu" });
    equal(await hasVendoredConnector(dir, "shop_eu"), true);
    equal(await hasVendoredConnector(dir, "../shop_eu"), false);
    const { connector, locked } = await loadVendoredConnector(dir, "shop_eu");
    equal(connector.name, "shop_eu");
    equal(connector.client.base_url, "https://shop.test/");
    equal(locked.spec, "./shop.ts");
  });
});

Deno.test("loadVendoredConnector() fails on a changed, missing or extra file, naming it", async () => {
  await project(async (dir) => {
    await installPlugin(dir, plugin());
    await Deno.writeTextFile(file(dir, "lib/base.ts"), `export const base = "https://evil.test/";`);
    await rejectsWith(
      loadVendoredConnector(dir, "shop"),
      `.dltx/connectors/shop/lib/base.ts was changed since \`dltx add\` (sha256 mismatch); ${FIX}`,
    );
    await Deno.remove(file(dir, "lib/base.ts"));
    await rejectsWith(
      loadVendoredConnector(dir, "shop"),
      `.dltx/connectors/shop/lib/base.ts is missing (dltx.lock pins it); ${FIX}`,
    );
    await Deno.writeTextFile(file(dir, "lib/base.ts"), BASE);
    await Deno.writeTextFile(file(dir, "notes.ts"), "");
    await rejectsWith(
      loadVendoredConnector(dir, "shop"),
      ".dltx/connectors/shop/notes.ts is not in dltx.lock (it was added after `dltx add`); " +
        "remove it, or keep your edits with `dltx add connector shop --pin`",
    );
    await Deno.remove(file(dir, "notes.ts"));
    equal((await loadVendoredConnector(dir, "shop")).connector.name, "shop");
    await Deno.remove(join(dir, ".dltx"), { recursive: true });
    await rejectsWith(
      loadVendoredConnector(dir, "shop"),
      ".dltx/connectors/shop/ is missing but dltx.lock pins it; run " +
        "`dltx add connector shop --update` to fetch it again",
    );
  });
});

Deno.test("loadVendoredConnector() refuses a folder that is not pinned", async () => {
  await project(async (dir) => {
    await Deno.mkdir(file(dir, ""), { recursive: true });
    await Deno.writeTextFile(file(dir, "shop.ts"), SHOP);
    equal(await hasVendoredConnector(dir, "shop"), true);
    await rejectsWith(
      loadVendoredConnector(dir, "shop"),
      ".dltx/connectors/shop/ is not pinned in dltx.lock, so its files cannot be verified; add " +
        "it with `dltx add connector <spec>`, or pin the folder as it is with " +
        "`dltx add connector shop --pin`",
    );
  });
});

Deno.test("loadVendoredConnector() refuses imports of files outside the folder", async () => {
  await project(async (dir) => {
    await installPlugin(dir, plugin());
    // A lockfile edited by hand to pin a module that reaches outside its folder.
    const outside = `import { base } from "../../../outside.ts";\nexport default { base };\n`;
    await Deno.writeTextFile(file(dir, "shop.ts"), outside);
    const lock = await readLockfile(dir);
    lock.connectors.shop.files["shop.ts"] = await sha256Hex(new TextEncoder().encode(outside));
    await writeLockfile(dir, lock);
    await rejectsWith(
      loadVendoredConnector(dir, "shop"),
      `.dltx/connectors/shop/shop.ts imports "../../../outside.ts", which is not one of the ` +
        `connector's own files; a plugin may import only files it ships with`,
    );
  });
});

Deno.test("pinVendored() records edited files and refuses a broken edit", async () => {
  await project(async (dir) => {
    await installPlugin(dir, plugin());
    equal((await pinVendored(dir, "shop")).status, "unchanged");
    await Deno.writeTextFile(file(dir, "lib/base.ts"), `export const base = "https://v2.test/";\n`);
    await Deno.writeTextFile(file(dir, "lib/extra.ts"), `export const x = 1;\n`);
    const pinned = await pinVendored(dir, "shop");
    equal(pinned.status, "updated");
    deepEqual(pinned.changes, [
      { path: "lib/base.ts", change: "changed" },
      { path: "lib/extra.ts", change: "added" },
    ]);
    // Where it came from stays; the hashes are new, so the run loads the edit.
    equal((await readLockfile(dir)).connectors.shop.spec, "./shop.ts");
    equal((await loadVendoredConnector(dir, "shop")).connector.client.base_url, "https://v2.test/");

    await Deno.writeTextFile(file(dir, "lib/extra.ts"), `import "npm:left-pad";\n`);
    await rejects(
      pinVendored(dir, "shop"),
      /\.dltx\/connectors\/shop\/lib\/extra\.ts line 1 imports "npm:left-pad" at run time/,
    );
    await rejects(pinVendored(dir, "other"), /There is no \.dltx\/connectors\/other\/ to pin/);
  });
});

Deno.test("pinVendored() pins a folder that was never locked", async () => {
  await project(async (dir) => {
    await Deno.mkdir(file(dir, "lib"), { recursive: true });
    await Deno.writeTextFile(file(dir, "shop.ts"), SHOP);
    await Deno.writeTextFile(file(dir, "lib/base.ts"), BASE);
    const pinned = await pinVendored(dir, "shop");
    equal(pinned.status, "added");
    const locked = (await readLockfile(dir)).connectors.shop;
    deepEqual([locked.kind, locked.spec, locked.entry], [
      "path",
      "./.dltx/connectors/shop/shop.ts",
      "shop.ts",
    ]);
    equal((await loadVendoredConnector(dir, "shop")).connector.name, "shop");
  });
});
