import { equal, match, rejects } from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { loadConnectorFile } from "./load.ts";

const CONNECTOR = {
  name: "demo",
  client: { base_url: "https://api.example.com/" },
  resources: ["users"],
};

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_load_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function configError(pattern: RegExp) {
  return (e: unknown) => {
    if (!(e instanceof ConfigError)) throw e;
    match(e.message, pattern);
    return true;
  };
}

Deno.test("loadConnectorFile() reads JSON, YAML and a module's default export", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "a.json"), JSON.stringify(CONNECTOR));
    equal((await loadConnectorFile(join(dir, "a.json"))).name, "demo");

    await Deno.writeTextFile(
      join(dir, "b.yaml"),
      "name: demo_yaml\nclient:\n  base_url: https://api.example.com/\nresources:\n  - users\n",
    );
    equal((await loadConnectorFile(join(dir, "b.yaml"))).name, "demo_yaml");

    await Deno.writeTextFile(
      join(dir, "c.ts"),
      `export default ${JSON.stringify({ ...CONNECTOR, name: "demo_ts" })};\n` +
        `export const extra = 1;\n`,
    );
    const ts = await loadConnectorFile(join(dir, "c.ts"));
    equal(ts.name, "demo_ts");
  });
});

Deno.test("loadConnectorFile() explains a missing file, a bad extension and no default export", async () => {
  await withDir(async (dir) => {
    await rejects(
      loadConnectorFile(join(dir, "nope.yaml")),
      configError(/^Connector file not found: .*nope\.yaml/),
    );
    await Deno.writeTextFile(join(dir, "x.toml"), "");
    await rejects(loadConnectorFile(join(dir, "x.toml")), configError(/expected a \.ts, \.js/));
    await Deno.writeTextFile(join(dir, "named.ts"), "export const connector = {};\n");
    await rejects(
      loadConnectorFile(join(dir, "named.ts")),
      configError(
        /has no default export; write "export default \{ name, client, resources \}" \(it exports: connector\)/,
      ),
    );
  });
});

Deno.test("loadConnectorFile() gives the line of a parse error", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "bad.json"), '{\n  "name": "demo",\n  "client": }\n');
    await rejects(
      loadConnectorFile(join(dir, "bad.json")),
      configError(
        /^Cannot parse connector .*bad\.json at line 3, column 13: Unexpected token '\}'$/,
      ),
    );
    await Deno.writeTextFile(join(dir, "bad.yaml"), "name: demo\nclient:\n  base_url: [x\n");
    await rejects(
      loadConnectorFile(join(dir, "bad.yaml")),
      configError(/^Cannot parse connector .*bad\.yaml at line \d+, column \d+: /),
    );
  });
});

Deno.test("loadConnectorFile() validates what it loaded, naming the file", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "c.yaml");
    await Deno.writeTextFile(
      path,
      "name: demo\nclient:\n  base_url: https://x/\nresources:\n  - name: a\n    processing_steps: []\n",
    );
    await rejects(
      loadConnectorFile(path),
      configError(
        /^Invalid connector "demo" \(.*c\.yaml\): resources\[0\]\.processing_steps needs a TS\/JS connector/,
      ),
    );
  });
});

Deno.test("loadConnectorFile() names a JSON or YAML connector without name after its file, as pasted from dlt", async () => {
  await withDir(async (dir) => {
    const { name: _, ...restApiConfig } = CONNECTOR;
    await Deno.writeTextFile(join(dir, "github.json"), JSON.stringify(restApiConfig));
    equal((await loadConnectorFile(join(dir, "github.json"))).name, "github");
    await Deno.writeTextFile(
      join(dir, "Shop-API.yaml"),
      "client:\n  base_url: https://api.example.com/\nresources:\n  - users\n",
    );
    equal((await loadConnectorFile(join(dir, "Shop-API.yaml"))).name, "shop_api");
    // A name given wins; a bad one is still refused, not replaced.
    await Deno.writeTextFile(join(dir, "named.json"), JSON.stringify(CONNECTOR));
    equal((await loadConnectorFile(join(dir, "named.json"))).name, "demo");
    await Deno.writeTextFile(
      join(dir, "bad_name.json"),
      JSON.stringify({ ...restApiConfig, name: "1st" }),
    );
    await rejects(
      loadConnectorFile(join(dir, "bad_name.json")),
      configError(/name must start with a letter/),
    );
    await Deno.writeTextFile(join(dir, "2024.json"), JSON.stringify(restApiConfig));
    await rejects(
      loadConnectorFile(join(dir, "2024.json")),
      configError(/has no "name", and its file name "2024\.json" does not make one/),
    );
  });
});
