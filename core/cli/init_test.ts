import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { parse } from "smol-toml";
import denoJson from "../../deno.json" with { type: "json" };
import { listBuiltinConnectors } from "../../connectors/mod.ts";
import { defaultDeps } from "../deps.ts";
import { runCli } from "./cli.ts";

const REPO_URL = new URL("../../", import.meta.url).href;

interface Project extends AsyncDisposable {
  dir: string;
  /** Runs `dltx <args>` in the project; returns exit code and output. */
  dltx(...args: string[]): Promise<{ code: number; out: string; err: string }>;
  read(path: string): Promise<string | undefined>;
  write(path: string, text: string): Promise<void>;
}

async function project(): Promise<Project> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_init_" });
  return {
    dir,
    async dltx(...args) {
      let out = "";
      let err = "";
      const code = await runCli({
        args,
        env: { HOME: join(dir, "_home") },
        cwd: dir,
        stdout: { isTerminal: false, write: (t) => void (out += t) },
        stderr: { isTerminal: false, write: (t) => void (err += t) },
        deps: defaultDeps,
      });
      return { code, out, err };
    },
    async read(path) {
      try {
        return await Deno.readTextFile(join(dir, path));
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return undefined;
        throw err;
      }
    },
    async write(path, text) {
      await Deno.mkdir(join(dir, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(dir, path), text);
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const FILES = ["demo_pipeline.ts", ".dlt/config.toml", ".dlt/secrets.toml", ".gitignore"];

Deno.test("dltx init demo duckdb writes the pipeline, both TOML files, .gitignore and deno.json", async () => {
  await using p = await project();
  const res = await p.dltx("init", "demo", "duckdb");
  equal(res.code, 0, res.err);
  for (const file of [...FILES, "deno.json"]) ok(await p.read(file), `${file} was written`);

  const pipeline = (await p.read("demo_pipeline.ts"))!;
  match(pipeline, /import definition from "dltx\/connectors\/demo";/);
  match(pipeline, /destination: duckdb\(`\$\{PIPELINE_NAME\}\.duckdb`\)/);
  match(pipeline, /const PIPELINE_NAME = "demo_pipeline";/);

  const config = parse((await p.read(".dlt/config.toml"))!);
  deepEqual(config, { sources: { demo: { base_url: "http://127.0.0.1:8787" } } });
  const secretsText = (await p.read(".dlt/secrets.toml"))!;
  // The required secret is a commented placeholder under its doc, so a forgotten one fails
  // with the missing-field error rather than reaching the API.
  match(
    secretsText,
    /# API key the demo API prints at start.*\n# Required: .*SOURCES__DEMO__API_KEY.*\n# api_key = "<api_key>"/,
  );
  deepEqual(parse(secretsText), { sources: { demo: {} } });

  deepEqual((await p.read(".gitignore"))!.split("\n").filter((l) => l && !l.startsWith("#")), [
    "secrets.toml",
    "*.duckdb",
    "*.duckdb.wal",
    ".dltx/pipelines/",
    "node_modules/",
  ]);
  const imports = JSON.parse((await p.read("deno.json"))!);
  // Deps go into the project on the first run, so later runs need no network (tests/).
  equal(imports.nodeModulesDir, "auto");
  equal(imports.vendor, undefined);
  equal(imports.imports.dltx, `${REPO_URL}mod.ts`);
  equal(imports.imports["dltx/connectors/demo"], `${REPO_URL}connectors/demo.ts`);
  deepEqual(imports.scopes[REPO_URL], denoJson.imports);

  match(res.out, /^Created a pipeline that loads the demo connector into duckdb:$/m);
  match(
    res.out,
    /^ {2}1\. Put the secrets in \.dlt\/secrets\.toml \(or in env vars SOURCES__DEMO__API_KEY\)$/m,
  );
  match(res.out, /deno run -A demo_pipeline\.ts \(or, with no code: dltx run demo\)/);
});

Deno.test("dltx init writes TOML that parses, with every config field, for every built-in", async () => {
  for (const connector of listBuiltinConnectors()) {
    await using p = await project();
    const res = await p.dltx("init", connector.name, "filesystem");
    equal(res.code, 0, `${connector.name}: ${res.err}`);
    const configText = (await p.read(".dlt/config.toml"))!;
    const secretsText = (await p.read(".dlt/secrets.toml"))!;
    const config = parse(configText) as {
      sources: Record<string, Record<string, unknown>>;
      destination: unknown;
    };
    const secrets = parse(secretsText) as { sources: Record<string, Record<string, unknown>> };
    deepEqual(config.destination, {
      filesystem: { bucket_url: "data", loader_file_format: "parquet" },
    });
    for (const [name, field] of Object.entries(connector.config ?? {})) {
      const [file, text, values] = field.secret
        ? ["secrets.toml", secretsText, secrets.sources[connector.name]]
        : ["config.toml", configText, config.sources[connector.name]];
      ok(new RegExp(`^(# )?${name} = `, "m").test(text), `${connector.name}.${name} in ${file}`);
      if (field.default != null) deepEqual(values[name], field.default);
      // The doc is there as comment lines, wrapped.
      const comments = text.split("\n").filter((l) => l.startsWith("# ")).map((l) => l.slice(2));
      const words = (t: string) => t.split(/\s+/).join(" ");
      if (field.doc) ok(words(comments.join(" ")).includes(words(field.doc)), `doc of ${name}`);
    }
    ok(await p.read(`${connector.name}_pipeline.ts`));
  }
});

Deno.test("dltx init github marks the optional token optional, in secrets.toml and the steps", async () => {
  await using p = await project();
  const res = await p.dltx("init", "github", "duckdb");
  equal(res.code, 0, res.err);
  const secrets = (await p.read(".dlt/secrets.toml"))!;
  match(
    secrets,
    /# Optional: uncomment the next line to set it \(or set SOURCES__GITHUB__ACCESS_TOKEN\)\.\n# access_token = "<access_token>"/,
  );
  equal(secrets.includes("Required"), false);
  equal(res.out.includes("Put the secrets in"), false, res.out);
  match(
    res.out,
    /^ {2}1\. Optionally, put access_token in \.dlt\/secrets\.toml \(or in env vars SOURCES__GITHUB__ACCESS_TOKEN\)$/m,
  );
  // owner and repo have no default: those are required.
  match(res.out, /^ {2}2\. Set owner, repo in \.dlt\/config\.toml/m);
});

Deno.test("dltx init refuses to overwrite an existing file and writes nothing", async () => {
  await using p = await project();
  await p.write(".dlt/config.toml", "# mine\n");
  const res = await p.dltx("init", "demo", "duckdb");
  equal(res.code, 1);
  match(res.err, /\.dlt\/config\.toml exists\. Nothing was written; run it again with --force/);
  equal(await p.read(".dlt/config.toml"), "# mine\n");
  for (const file of ["demo_pipeline.ts", ".dlt/secrets.toml", ".gitignore", "deno.json"]) {
    equal(await p.read(file), undefined, `${file} must not be written`);
  }
});

Deno.test("dltx init --force overwrites its files and merges .gitignore and deno.json", async () => {
  await using p = await project();
  await p.write("demo_pipeline.ts", "// old\n");
  await p.write(".gitignore", "node_modules/\n*.duckdb");
  await p.write(
    "deno.json",
    JSON.stringify({ tasks: { x: "echo" }, imports: { yaml: "npm:yaml" } }),
  );
  const res = await p.dltx("init", "demo", "duckdb", "--force");
  equal(res.code, 0, res.err);
  match((await p.read("demo_pipeline.ts"))!, /restApiSource/);
  match(res.out, /demo_pipeline\.ts {3}the pipeline \(overwritten\)/);
  equal(
    await p.read(".gitignore"),
    "node_modules/\n*.duckdb\n\n# dltx: secrets, local databases, pipeline working folders, " +
      "npm packages\nsecrets.toml\n*.duckdb.wal\n.dltx/pipelines/\n",
  );
  const config = JSON.parse((await p.read("deno.json"))!);
  deepEqual(config.tasks, { x: "echo" });
  equal(config.imports.yaml, "npm:yaml");
  equal(config.imports.dltx, `${REPO_URL}mod.ts`);

  // A second run finds .gitignore and deno.json complete.
  const again = await p.dltx("init", "demo", "duckdb", "--force");
  match(again.out, /\.gitignore .*\(unchanged\)/);
  match(again.out, /deno\.json .*\(unchanged\)/);
});

Deno.test("dltx init names a deno.json entry it would change, and replaces it with --force", async () => {
  await using p = await project();
  await p.write("deno.json", JSON.stringify({ imports: { dltx: "jsr:@other/dltx" } }));
  const res = await p.dltx("init", "demo", "duckdb");
  equal(res.code, 1);
  match(
    res.err,
    /deno\.json: "imports"\."dltx" is "jsr:@other\/dltx", dltx init wants ".*mod\.ts"/,
  );
  equal(await p.read("demo_pipeline.ts"), undefined);
  equal((await p.dltx("init", "demo", "duckdb", "--force")).code, 0);
  equal(JSON.parse((await p.read("deno.json"))!).imports.dltx, `${REPO_URL}mod.ts`);
});

Deno.test("dltx init -l lists every built-in connector, one line each", async () => {
  await using p = await project();
  const res = await p.dltx("init", "-l");
  equal(res.code, 0, res.err);
  const lines = res.out.trimEnd().split("\n");
  const connectors = listBuiltinConnectors();
  equal(lines.length, connectors.length);
  connectors.forEach((c, i) => {
    match(lines[i], new RegExp(`^${c.name} +\\S`));
    ok(lines[i].endsWith(c.description ?? "(no description)"));
  });
});

Deno.test("dltx init rejects an unknown destination or connector, and missing arguments", async () => {
  await using p = await project();
  const dest = await p.dltx("init", "demo", "snowflake");
  equal(dest.code, 1);
  match(
    dest.err,
    /Unknown destination "snowflake" for dltx init; expected one of duckdb, filesystem, postgres/,
  );
  const conn = await p.dltx("init", "nope", "duckdb");
  equal(conn.code, 1);
  match(conn.err, /Unknown connector "nope": .*not a built-in connector \(.*demo.*\)/);
  const none = await p.dltx("init");
  equal(none.code, 1);
  match(none.err, /Name a connector and a destination, as in "dltx init demo duckdb"/);
  deepEqual([...Deno.readDirSync(p.dir)], []);
});

Deno.test("dltx init --dltx picks a JSR package or a relative checkout folder", async () => {
  await using p = await project();
  equal((await p.dltx("init", "demo", "duckdb", "--dltx", "jsr:@dltx/dltx@^0.1.0")).code, 0);
  deepEqual(JSON.parse((await p.read("deno.json"))!), {
    // A remote dltx is vendored on the first run, so later runs work offline.
    nodeModulesDir: "auto",
    vendor: true,
    imports: {
      dltx: "jsr:@dltx/dltx@^0.1.0",
      "dltx/connectors/demo": "jsr:@dltx/dltx@^0.1.0/connectors/demo",
    },
  });

  await using q = await project();
  await q.write("vendor/dltx/mod.ts", "");
  await q.write("vendor/dltx/connectors/demo.ts", "");
  equal((await q.dltx("init", "demo", "duckdb", "--dltx", "vendor/dltx")).code, 0);
  const config = JSON.parse((await q.read("deno.json"))!);
  equal(config.imports.dltx, "./vendor/dltx/mod.ts");
  ok(config.scopes["./vendor/dltx/"]);

  const bad = await q.dltx("init", "demo", "duckdb", "--force", "--dltx", "vendor");
  equal(bad.code, 1);
  match(bad.err, /--dltx "vendor": .* has no mod\.ts; expected a dltx checkout folder/);
});

Deno.test("dltx init scaffolds a local connector file: TS imported, YAML loaded at run time", async () => {
  await using p = await project();
  const connector = {
    name: "shop",
    config: { token: { secret: true, doc: "Shop admin token" }, page_size: { default: 50 } },
    client: { base_url: "https://shop.example/api/", auth: { token: "{token}" } },
    resources: ["orders"],
  };
  await p.write("connectors/shop.ts", `export default ${JSON.stringify(connector)};\n`);
  const ts = await p.dltx("init", "connectors/shop.ts", "duckdb");
  equal(ts.code, 0, ts.err);
  const pipeline = (await p.read("shop_pipeline.ts"))!;
  match(pipeline, /import definition from "\.\/connectors\/shop\.ts";/);
  deepEqual(parse((await p.read(".dlt/config.toml"))!), { sources: { shop: { page_size: 50 } } });
  match((await p.read(".dlt/secrets.toml"))!, /# Shop admin token\n.*\n# token = "<token>"/);
  equal(JSON.parse((await p.read("deno.json"))!).imports["dltx/connectors/shop"], undefined);
  match(ts.out, /dltx run connectors\/shop\.ts\)/);

  await p.write("shop.yaml", JSON.stringify(connector));
  const yaml = await p.dltx("init", "shop.yaml", "duckdb", "--force");
  equal(yaml.code, 0, yaml.err);
  match(
    (await p.read("shop_pipeline.ts"))!,
    /await loadConnectorFile\(\n\s+fileURLToPath\(\n\s+new URL\("\.\/shop\.yaml", import\.meta\.url\),/,
  );
});

Deno.test("dltx init uses a connector added to the project, under the name it was added as", async () => {
  await using p = await project();
  equal((await p.dltx("add", "connector", "demo", "--name", "shop")).code, 0);
  const res = await p.dltx("init", "shop", "duckdb");
  equal(res.code, 0, res.err);
  const pipeline = (await p.read("shop_pipeline.ts"))!;
  match(pipeline, /import definition from "\.\/\.dltx\/connectors\/shop\/demo\.ts";/);
  match(pipeline, /const connector = \{ \.\.\.definition, name: "shop" \} as Connector;/);
  match((await p.read(".dlt/secrets.toml"))!, /^\[sources\.shop\]$/m);
  // No built-in import: the project's copy is the connector.
  equal(JSON.parse((await p.read("deno.json"))!).imports["dltx/connectors/shop"], undefined);
});

Deno.test("dltx init warns that the filesystem destination cannot load merge resources", async () => {
  await using p = await project();
  await p.write(
    "shop.json",
    JSON.stringify({
      name: "shop",
      client: { base_url: "https://shop.example/" },
      resource_defaults: { write_disposition: "merge", primary_key: "id" },
      resources: [
        "orders",
        { name: "users", write_disposition: { disposition: "append" } },
        { name: "parents", selected: false },
      ],
    }),
  );
  const res = await p.dltx("init", "shop.json", "filesystem");
  equal(res.code, 0, res.err);
  match(
    res.err,
    /^warning: resource\(s\) orders of the shop connector load with write_disposition "merge"/m,
  );
  equal((await p.dltx("init", "shop.json", "duckdb", "--force")).err, "");
});

Deno.test("dltx --version and -V print the version of deno.json", async () => {
  await using p = await project();
  for (const flag of ["--version", "-V"]) {
    const res = await p.dltx(flag);
    equal(res.code, 0);
    equal(res.out, `dltx ${denoJson.version}\n`);
  }
});
