/** `dltx init` end to end: the scaffolded project type-checks and its pipeline loads data. */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import denoJson from "../deno.json" with { type: "json" };
import { listBuiltinConnectors } from "../connectors/mod.ts";
import { runCli } from "../core/cli/mod.ts";
import { defaultDeps } from "../core/deps.ts";
import { startDemoApi } from "../scripts/demo_api.ts";
import { type CliResult, json, serve, type TempProject, tempProject } from "./_helpers.ts";

const DEMO_ROWS = {
  customer_reviews: 121,
  customers: 50,
  customers__tags: 100,
  orders: 120,
  orders__items: 275,
  products: 30,
};

/** Runs `deno <args>` in the project, with the project's env only (and `env`). */
async function deno(
  p: TempProject,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: p.dir,
    env: { ...p.env, ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** Puts the demo API's URL and key into the TOML files init wrote, as a user would. */
async function configureDemo(p: TempProject, api: { url: string; apiKey: string }) {
  const config = await Deno.readTextFile(p.path(".dlt", "config.toml"));
  await Deno.writeTextFile(
    p.path(".dlt", "config.toml"),
    config.replace(/^base_url = .*$/m, `base_url = "${api.url}"`),
  );
  const secrets = await Deno.readTextFile(p.path(".dlt", "secrets.toml"));
  await Deno.writeTextFile(
    p.path(".dlt", "secrets.toml"),
    secrets.replace(/^# api_key = .*$/m, `api_key = "${api.apiKey}"`),
  );
}

async function tableCounts(p: TempProject): Promise<Record<string, number>> {
  const rows = await p.query(
    "demo_pipeline.duckdb",
    Object.keys(DEMO_ROWS).map((t) =>
      `SELECT '${t}' AS t, count(*) AS n FROM demo_pipeline_dataset.${t}`
    ).join(" UNION ALL ") + " ORDER BY t",
  );
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}

Deno.test("the pipeline dltx init writes type-checks and loads the demo API into DuckDB", async () => {
  const api = await startDemoApi();
  try {
    await using p = await tempProject();
    const init = await p.dltx(["init", "demo", "duckdb"]);
    equal(init.code, 0, init.stderr);
    match(init.stdout, /Run the pipeline: deno run -A demo_pipeline\.ts/);

    // Before the secret is set, the run fails with dlt's missing-field error, not a 401.
    const missing = await deno(p, ["run", "-A", "demo_pipeline.ts"]);
    equal(missing.code, 1);
    match(missing.stderr, /^error: Missing 1 field\(s\) in configuration/m);
    match(missing.stderr, /SOURCES__DEMO__API_KEY/);

    await configureDemo(p, api);
    const run = await deno(p, ["run", "-A", "demo_pipeline.ts"]);
    equal(run.code, 0, run.stderr);
    match(run.stdout, /^Pipeline demo_pipeline load step completed in \d+\.\d\d seconds$/m);
    match(run.stdout, /^Load package \d+\.\d{6} is LOADED and contains no failed jobs$/m);
    equal(run.stdout.includes(api.apiKey), false);
    deepEqual(await tableCounts(p), DEMO_ROWS);

    // The first run installed the project's deps (node_modules/, deno.lock): a second run
    // works with no network at all, no registry, and an empty Deno cache.
    ok((await Deno.stat(p.path("node_modules"))).isDirectory);
    ok((await Deno.stat(p.path("deno.lock"))).isFile);
    const offline = await deno(p, ["run", "-A", "demo_pipeline.ts"], {
      DENO_DIR: p.path("_empty_deno_dir"),
      HTTPS_PROXY: "http://127.0.0.1:9",
      HTTP_PROXY: "http://127.0.0.1:9",
      NO_PROXY: "127.0.0.1",
      NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/",
    });
    equal(offline.code, 0, offline.stderr);
    match(offline.stdout, /^Load package \d+\.\d{6} is LOADED and contains no failed jobs$/m);

    // It passes a Deno project's checks (deno fmt's default width, too); type-checking it is
    // the last test's job.
    for (const check of [["lint"], ["fmt", "--check"]]) {
      const res = await deno(p, [...check, "demo_pipeline.ts"]);
      equal(res.code, 0, `deno ${check.join(" ")}: ${res.stderr}`);
    }

    // `dltx run` reads the same .dlt files (and replaces the same tables).
    const cli = await p.dltx(["run", "demo"]);
    equal(cli.code, 0, cli.stderr);
    deepEqual(await tableCounts(p), DEMO_ROWS);
  } finally {
    await api.close();
  }
});

Deno.test("the filesystem pipeline dltx init writes loads parquet files into bucket_url", async () => {
  const api = await startDemoApi();
  try {
    await using p = await tempProject();
    equal((await p.dltx(["init", "demo", "filesystem"])).code, 0);
    await configureDemo(p, api);
    const run = await deno(p, ["run", "-A", "demo_pipeline.ts"]);
    equal(run.code, 0, run.stderr);
    match(run.stdout, /loaded to destination filesystem and into dataset demo_pipeline_dataset/);
    const files = [...Deno.readDirSync(p.path("data", "demo_pipeline_dataset", "customers"))];
    ok(files.length > 0 && files.every((f) => f.name.endsWith(".parquet")), JSON.stringify(files));
  } finally {
    await api.close();
  }
});

Deno.test("dltx init refuses to overwrite, overwrites with --force, lists with -l", async () => {
  await using p = await tempProject();
  equal((await p.dltx(["init", "demo", "duckdb"])).code, 0);
  await Deno.writeTextFile(p.path("demo_pipeline.ts"), "// mine\n");
  const again = await p.dltx(["init", "demo", "duckdb"]);
  equal(again.code, 1);
  match(
    again.stderr,
    /^error: dltx init would overwrite what is there: demo_pipeline\.ts, \.dlt\/config\.toml, \.dlt\/secrets\.toml exist\. Nothing was written/m,
  );
  equal(await Deno.readTextFile(p.path("demo_pipeline.ts")), "// mine\n");

  const forced = await p.dltx(["init", "demo", "duckdb", "--force"]);
  equal(forced.code, 0, forced.stderr);
  match(await Deno.readTextFile(p.path("demo_pipeline.ts")), /restApiSource/);

  const list = await p.dltx(["init", "-l"]);
  equal(list.code, 0);
  deepEqual(
    list.stdout.trimEnd().split("\n").map((l) => l.split(/\s+/)[0]),
    listBuiltinConnectors().map((c) => c.name),
  );

  const version = await p.dltx(["--version"]);
  equal(version.stdout, `dltx ${denoJson.version}\n`);
});

Deno.test("dltx init writes a pipeline that type-checks for every built-in connector", async () => {
  await using p = await tempProject();
  const files: string[] = [];
  for (const connector of listBuiltinConnectors()) {
    let err = "";
    // In-process (spawning a CLI per connector adds nothing here); --force: the TOML files of
    // the previous connector are there.
    const code = await runCli({
      args: ["init", connector.name, files.length % 2 ? "filesystem" : "duckdb", "--force"],
      env: p.env,
      cwd: p.dir,
      stdout: { isTerminal: false, write: () => {} },
      stderr: { isTerminal: false, write: (t) => void (err += t) },
      deps: defaultDeps,
    });
    equal(code, 0, `${connector.name}: ${err}`);
    files.push(`${connector.name}_pipeline.ts`);
  }
  const imports = JSON.parse(await Deno.readTextFile(join(p.dir, "deno.json"))).imports;
  for (const c of listBuiltinConnectors()) ok(imports[`dltx/connectors/${c.name}`], c.name);
  // A vendored copy of each built-in is typed the one way, and type-checks in the project.
  for (const connector of listBuiltinConnectors()) {
    const code = await runCli({
      args: ["add", "connector", connector.name],
      env: p.env,
      cwd: p.dir,
      stdout: { isTerminal: false, write: () => {} },
      stderr: { isTerminal: false, write: () => {} },
      deps: defaultDeps,
    });
    equal(code, 0, connector.name);
    const vendored = `.dltx/connectors/${connector.name}/${connector.name}.ts`;
    match(await Deno.readTextFile(p.path(vendored)), /\} satisfies Connector;\n$/);
    files.push(vendored);
  }
  const check = await deno(p, ["check", ...files]);
  equal(check.code, 0, check.stderr);
});

Deno.test("a TS connector typed the one way (import type + satisfies) checks, runs, adds and inits", async () => {
  await using server = serve(() => json([{ id: 1, name: "a" }, { id: 2, name: "b" }]));
  await using p = await tempProject();
  // A project as `dltx init` makes it: its deno.json resolves "dltx" for the editor.
  equal((await p.dltx(["init", "demo", "duckdb"])).code, 0);
  const shop = (extra: string) =>
    `import type { Connector } from "dltx";

export default {
  name: "shop",
  config: { token: { secret: true, default: null } },
  client: { base_url: ${JSON.stringify(server.url)}, paginator: "single_page" },
  resources: [{ name: "users", primary_key: "id"${extra} }],
} satisfies Connector;
`;
  await Deno.writeTextFile(p.path("shop.ts"), shop(""));
  // The editor's check (deno check runs the language server's type check).
  const check = await deno(p, ["check", "shop.ts"]);
  equal(check.code, 0, check.stderr);
  await Deno.writeTextFile(p.path("typo.ts"), shop(', write_dispositon: "merge"'));
  const typo = await deno(p, ["check", "typo.ts"]);
  equal(typo.code, 1);
  match(typo.stderr, /write_dispositon/);

  // dltx run loads it in its sandbox; dltx add vendors it; the vendored copy runs.
  const run = await p.dltx(["run", "shop.ts"]);
  equal(run.code, 0, run.stderr);
  const add = await p.dltx(["add", "connector", "./shop.ts"]);
  equal(add.code, 0, add.stderr);
  const vendored = await p.dltx(["run", "shop", "--pipeline", "vendored"]);
  equal(vendored.code, 0, vendored.stderr);
  const [row] = await p.query(
    "vendored.duckdb",
    "SELECT count(*) AS n FROM vendored_dataset.users",
  );
  equal(Number(row.n), 2);

  // A pipeline script made for it imports it with the library.
  equal((await p.dltx(["init", "shop", "duckdb", "--force"])).code, 0);
  const pipeline = await deno(p, ["run", "-A", "shop_pipeline.ts"]);
  equal(pipeline.code, 0, pipeline.stderr);
  match(pipeline.stdout, /^Pipeline shop_pipeline load step completed/m);

  // The one thing that does not work, a runtime import of dltx, says what to write instead.
  await Deno.writeTextFile(
    p.path("runtime.ts"),
    'import { defineConnector } from "dltx";\nexport default defineConnector({});\n',
  );
  for (const args of [["run", "runtime.ts"], ["add", "connector", "./runtime.ts"]]) {
    const refused = await p.dltx(args);
    equal(refused.code, 1);
    match(refused.stderr, /write `import type \{ Connector \} from "dltx";`/);
  }
});
