import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { ConfigError, HttpError, UserError } from "../core/errors.ts";
import { handlerFetch, jsrRegistry } from "./_testing.ts";
import { resolvePlugin, type ResolvePluginOptions, specKind } from "./resolve_plugin.ts";

const CONNECTOR = `import { pick } from "./lib/pick.ts";
import type { Connector } from "jsr:@dltx/dltx";
export default {
  name: "shop",
  client: { base_url: "https://shop.test/" },
  resources: [{ name: "items", processing_steps: [{ map: pick }] }],
} satisfies Connector;
`;
const PICK =
  `import { KEYS } from "../../keys.ts";\nexport const pick = (r) => r;\nexport { KEYS };\n`;
const KEYS = `export const KEYS = ["id"];\n`;

function text(files: Map<string, Uint8Array>): Record<string, string> {
  return Object.fromEntries([...files].map(([p, b]) => [p, new TextDecoder().decode(b)]));
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("specKind() tells built-in names, paths, URLs and jsr specs apart", () => {
  deepEqual(
    [
      "github",
      "./x.ts",
      "x.yaml",
      "dir/x",
      "C:\\x\\y.ts",
      "file:///x.ts",
      "https://h/x.ts",
      "jsr:@a/b",
    ].map(specKind),
    ["builtin", "path", "path", "path", "path", "path", "url", "jsr"],
  );
  throws(() => specKind("npm:some-connector"), /expected a built-in name, a path, an https/);
});

Deno.test("resolvePlugin() collects a local file and its relative imports, not type imports", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(join(dir, "conn", "lib"), { recursive: true });
    await Deno.writeTextFile(join(dir, "conn", "shop.ts"), CONNECTOR);
    await Deno.writeTextFile(join(dir, "conn", "lib", "pick.ts"), PICK);
    await Deno.writeTextFile(join(dir, "keys.ts"), KEYS);
    const plugin = await resolvePlugin("conn/shop.ts", { cwd: dir });
    equal(plugin.kind, "path");
    equal(plugin.path, "conn/shop.ts");
    // The common folder is the project: keys.ts sits above the entry's folder.
    equal(plugin.entry, "conn/shop.ts");
    deepEqual(text(plugin.files), {
      "conn/shop.ts": CONNECTOR,
      "conn/lib/pick.ts": PICK,
      "keys.ts": KEYS,
    });
    equal(plugin.display("conn/lib/pick.ts"), join("conn", "lib", "pick.ts"));
  });
});

Deno.test("resolvePlugin() names the file, line and specifier of a runtime import", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "shop.ts"), `import "./helper.ts";\nexport default {};\n`);
    await Deno.writeTextFile(
      join(dir, "helper.ts"),
      `// a helper\nimport { type X } from "npm:left-pad@1";\n`,
    );
    await rejects(resolvePlugin("./shop.ts", { cwd: dir }), (e: Error) => {
      equal(e instanceof ConfigError, true);
      equal(
        e.message.startsWith(
          `Connector plugin helper.ts line 2 imports "npm:left-pad@1" at run time; a plugin may ` +
            `import only relative files it ships with`,
        ),
        true,
        e.message,
      );
      return true;
    });
  });
});

Deno.test("resolvePlugin() reports a missing file and a missing import", async () => {
  await withDir(async (dir) => {
    await rejects(
      resolvePlugin("./nope.ts", { cwd: dir }),
      /Connector file nope\.ts was not found/,
    );
    await Deno.writeTextFile(join(dir, "a.ts"), `import "./gone.ts";\n`);
    await rejects(
      resolvePlugin("a.ts", { cwd: dir }),
      /A file the connector imports, gone\.ts was not found/,
    );
    await rejects(resolvePlugin("./a.txt", { cwd: dir }), /a\.txt is not a connector file/);
  });
});

Deno.test("resolvePlugin() fetches a URL and its relative imports from the same base", async () => {
  const served: Record<string, string> = {
    "/plugins/shop/shop.ts": CONNECTOR,
    "/plugins/shop/lib/pick.ts": PICK,
    "/plugins/keys.ts": KEYS,
  };
  const fetched: string[] = [];
  const fetch = handlerFetch((req) => {
    const path = new URL(req.url).pathname;
    fetched.push(path);
    const body = served[path];
    return Promise.resolve(new Response(body ?? "nope", { status: body ? 200 : 404 }));
  });
  const plugin = await resolvePlugin("https://cdn.test/plugins/shop/shop.ts", {
    cwd: "/",
    fetch,
  });
  equal(plugin.kind, "url");
  equal(plugin.url, "https://cdn.test/plugins/shop/shop.ts");
  equal(plugin.entry, "shop/shop.ts");
  deepEqual(Object.keys(text(plugin.files)).sort(), [
    "keys.ts",
    "shop/lib/pick.ts",
    "shop/shop.ts",
  ]);
  deepEqual(fetched, ["/plugins/shop/shop.ts", "/plugins/shop/lib/pick.ts", "/plugins/keys.ts"]);
  equal(plugin.display("keys.ts"), "https://cdn.test/plugins/keys.ts");

  await rejects(
    resolvePlugin("http://cdn.test/shop.ts", { cwd: "/", fetch }),
    /only https:\/\/ URLs are allowed \(http:\/\/ only for 127\.0\.0\.1 and localhost\); use https:\/\/cdn\.test\/shop\.ts/,
  );
  await rejects(
    resolvePlugin("https://cdn.test/missing.ts", { cwd: "/", fetch }),
    (e: Error) =>
      e instanceof HttpError && /GET https:\/\/cdn\.test\/missing\.ts returned 404/.test(e.message),
  );
});

Deno.test("resolvePlugin() says which URL could not be reached", async () => {
  const fetch: typeof globalThis.fetch = () => Promise.reject(new TypeError("connection refused"));
  await rejects(
    resolvePlugin("https://cdn.test/shop.ts", { cwd: "/", fetch }),
    /Cannot reach connector plugin at https:\/\/cdn\.test\/shop\.ts: connection refused/,
  );
  await rejects(
    resolvePlugin("jsr:@acme/shop", { cwd: "/", fetch }),
    /Cannot reach the JSR registry \(https:\/\/jsr\.io\) at https:\/\/jsr\.io\/@acme\/shop\/meta\.json: connection refused/,
  );
});

function registry() {
  return jsrRegistry([{
    scope: "acme",
    name: "shop",
    latest: "1.1.0",
    versions: {
      "1.0.0": { files: { "mod.ts": `export default { name: "shop" };\n` } },
      "1.1.0": {
        files: { "src/shop.ts": CONNECTOR, "src/lib/pick.ts": PICK, "keys.ts": KEYS },
        exports: { ".": "./src/shop.ts", "./other": "./keys.ts" },
      },
      "2.0.0-beta.1": { files: { "mod.ts": "export default {}" } },
      "0.9.0": { files: {}, yanked: true },
    },
  }]);
}

function jsrOptions(fetch: typeof globalThis.fetch): ResolvePluginOptions {
  return { cwd: "/", fetch, jsrUrl: "http://127.0.0.1:9/registry" };
}

Deno.test("resolvePlugin() resolves jsr: through meta.json and <version>_meta.json", async () => {
  const { handler, requests } = registry();
  const plugin = await resolvePlugin("jsr:@acme/shop", jsrOptions(handlerFetch(handler)));
  equal(plugin.kind, "jsr");
  equal(plugin.version, "1.1.0");
  equal(plugin.url, "http://127.0.0.1:9/registry/@acme/shop/1.1.0/src/shop.ts");
  // Paths as the package lists them, from its root.
  equal(plugin.entry, "src/shop.ts");
  deepEqual(Object.keys(text(plugin.files)).sort(), ["keys.ts", "src/lib/pick.ts", "src/shop.ts"]);
  deepEqual(requests, [
    "GET /registry/@acme/shop/meta.json",
    "GET /registry/@acme/shop/1.1.0_meta.json",
    "GET /registry/@acme/shop/1.1.0/src/shop.ts",
    "GET /registry/@acme/shop/1.1.0/src/lib/pick.ts",
    "GET /registry/@acme/shop/1.1.0/keys.ts",
  ]);
});

Deno.test("resolvePlugin() picks jsr versions by exact version and range", async () => {
  const fetch = handlerFetch(registry().handler);
  equal((await resolvePlugin("jsr:@acme/shop@1.0.0", jsrOptions(fetch))).version, "1.0.0");
  equal((await resolvePlugin("jsr:@acme/shop@^1.0.0", jsrOptions(fetch))).version, "1.1.0");
  equal((await resolvePlugin("jsr:@acme/shop@1.0", jsrOptions(fetch))).entry, "mod.ts");
  equal((await resolvePlugin("jsr:@acme/shop@1.1.0/other", jsrOptions(fetch))).entry, "keys.ts");
});

Deno.test("resolvePlugin() lists the available versions of an unknown one", async () => {
  const fetch = handlerFetch(registry().handler);
  await rejects(
    resolvePlugin("jsr:@acme/shop@3", jsrOptions(fetch)),
    (e: Error) =>
      e instanceof UserError &&
      e.message ===
        `JSR package @acme/shop has no version "3"; available: 1.0.0, 1.1.0, 2.0.0-beta.1 ` +
          `(latest 1.1.0)`,
  );
  await rejects(
    resolvePlugin("jsr:@acme/nope", jsrOptions(fetch)),
    /JSR package @acme\/nope does not exist \(http:\/\/127\.0\.0\.1:9\/registry\/@acme\/nope\/meta\.json returned 404\)/,
  );
  await rejects(
    resolvePlugin("jsr:@acme/shop@1.1.0/missing", jsrOptions(fetch)),
    /@acme\/shop@1\.1\.0 has no export "\.\/missing" \(its exports: \., \.\/other\)/,
  );
  await rejects(
    resolvePlugin("jsr:acme/shop", jsrOptions(fetch)),
    /Invalid JSR spec "jsr:acme\/shop"/,
  );
});

Deno.test("resolvePlugin() refuses a jsr file that does not match the package manifest", async () => {
  const { handler } = registry();
  const fetch = handlerFetch(async (req) => {
    const res = await handler(req);
    if (!req.url.endsWith("/keys.ts")) return res;
    return new Response("export const KEYS = ['evil'];\n");
  });
  await rejects(
    resolvePlugin("jsr:@acme/shop@1.1.0", jsrOptions(fetch)),
    /keys\.ts does not match the JSR package manifest \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\)/,
  );
});

Deno.test("resolvePlugin() copies a built-in as a TS module with its docs", async () => {
  const plugin = await resolvePlugin("pets", {
    cwd: "/",
    builtin: (name) =>
      name === "pets"
        ? {
          connector: { name: "pets", client: { base_url: "https://p.test/" }, resources: ["dogs"] },
          docs: "# pets\n",
          dltxVersion: "9.9.9",
        }
        : undefined,
    builtinNames: ["pets"],
  });
  equal(plugin.kind, "builtin");
  equal(plugin.entry, "pets.ts");
  const files = text(plugin.files);
  deepEqual(Object.keys(files), ["pets.ts", "pets.md"]);
  equal(files["pets.md"], "# pets\n");
  equal(files["pets.ts"].includes(`The built-in "pets" connector of dltx 9.9.9`), true);
  await rejects(
    resolvePlugin("cats", { cwd: "/", builtin: () => undefined, builtinNames: ["pets"] }),
    /Unknown connector "cats": not a built-in connector \(pets\); give a path \(\.\/cats\.ts\)/,
  );
});
