import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, DataError } from "../errors.ts";
import { evaluateModule, sandboxHookOf, type SandboxModule, startHookSession } from "./mod.ts";

/** Writes `files` into a temp folder; the first one is the module's entry. */
async function withModule(
  files: Record<string, string>,
  fn: (module: SandboxModule, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_sandbox_" });
  try {
    for (const [path, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, path), text);
    }
    const [entry] = Object.keys(files);
    const module: SandboxModule = {
      url: pathToFileURL(join(dir, entry)).href,
      files: Object.keys(files).map((p) => join(dir, p)),
      label: entry,
    };
    await fn(module, dir);
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

/** A local server counting the requests that reach it. */
function counter() {
  let hits = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => {
      hits++;
      return Response.json({ ok: true });
    },
  );
  return {
    host: `127.0.0.1:${server.addr.port}`,
    url: `http://127.0.0.1:${server.addr.port}`,
    get hits() {
      return hits;
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

const DEFINITION = `import { double } from "./lib.ts";
export default {
  name: "shop",
  client: { base_url: "https://shop.test/" },
  resources: [{
    name: "items",
    processing_steps: [{ filter: (r) => r.keep }, { map: (r) => ({ id: double(r.id) }) }],
  }],
};
`;

Deno.test("evaluateModule() returns the definition as data, its functions as sandbox hooks", async () => {
  await withModule(
    { "shop.ts": DEFINITION, "lib.ts": "export const double = (n: number) => n * 2;\n" },
    async (module) => {
      // deno-lint-ignore no-explicit-any
      const definition = await evaluateModule(module) as any;
      equal(definition.name, "shop");
      const [filter, map] = definition.resources[0].processing_steps;
      equal(sandboxHookOf(filter.filter)?.hook, "resources[0].processing_steps[0].filter");
      equal(sandboxHookOf(map.map)?.hook, "resources[0].processing_steps[1].map");
      equal(sandboxHookOf(() => 1), undefined);
      // The engine never runs a hook itself.
      throws(() => map.map({ id: 1 }), /runs only in its sandbox/);
    },
  );
});

function throws(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    match((error as Error).message, pattern);
    return;
  }
  throw new Error("expected an error");
}

Deno.test("evaluateModule(): module code is confined while it loads", async () => {
  const attempts = {
    eval: `eval("1")`,
    newFunction: `new Function("return 1")()`,
    asyncFunction: `(async function () {}).constructor("return 1")`,
    worker: `new Worker("data:text/javascript,1", { type: "module" })`,
    nodeProcess: `globalThis.process.getBuiltinModule("node:vm")`,
    stdout: `Deno.stdout.writeSync(new Uint8Array([65]))`,
    post: `postMessage({ type: "loaded", definition: {} })`,
    prompt: `Deno.permissions.requestSync({ name: "env" })`,
    env: `Deno.env.get("HOME")`,
    read: `Deno.readTextFileSync("/etc/hostname")`,
    write: `Deno.writeTextFileSync("pwned.txt", "x")`,
    run: `new Deno.Command("true").outputSync()`,
    sys: `Deno.hostname()`,
  };
  const probe = Object.entries(attempts).map(([name, code]) =>
    `try { ${code}; out.${name} = "ran"; } catch (e) { out.${name} = e.name; }`
  ).join("\n");
  await withModule(
    {
      "probe.ts": `const out: Record<string, string> = {};\n${probe}\n` +
        `export default { name: "probe", description: JSON.stringify(out) };\n`,
    },
    async (module) => {
      // deno-lint-ignore no-explicit-any
      const definition = await evaluateModule(module) as any;
      deepEqual(JSON.parse(definition.description), {
        eval: "EvalError",
        newFunction: "EvalError",
        asyncFunction: "EvalError",
        worker: "TypeError",
        nodeProcess: "TypeError",
        stdout: "TypeError",
        post: "EvalError",
        prompt: "EvalError",
        env: "NotCapable",
        read: "NotCapable",
        write: "NotCapable",
        run: "NotCapable",
        sys: "NotCapable",
      });
    },
  );
});

Deno.test("evaluateModule(): a denied permission is one line naming it; loading has no network", async () => {
  await using server = counter();
  await withModule(
    { "evil.ts": `await fetch("${server.url}/x");\nexport default {};\n` },
    async (module) => {
      await rejects(
        evaluateModule(module),
        configError(
          new RegExp(
            `^Connector evil\\.ts was denied net access to "${server.host}" while loading: ` +
              `a connector's module has no network while it loads`,
          ),
        ),
      );
    },
  );
  await withModule(
    { "evil.ts": `Deno.readTextFileSync("/etc/hostname");\nexport default {};\n` },
    async (module) => {
      await rejects(
        evaluateModule(module),
        configError(
          /^Connector evil\.ts was denied read access to "\/etc\/hostname" while loading: connector code may read only the connector's own files, and this cannot be granted$/,
        ),
      );
    },
  );
  equal(server.hits, 0);
});

Deno.test("evaluateModule() explains a module without default export, a throw and a hang", async () => {
  await withModule({ "named.ts": "export const shop = {};\n" }, async (module) => {
    await rejects(
      evaluateModule(module),
      configError(/^Connector module named\.ts has no default export; .*\(it exports: shop\)$/),
    );
  });
  await withModule({ "boom.ts": `throw new Error("boom");\n` }, async (module) => {
    await rejects(
      evaluateModule(module),
      configError(/^Cannot import connector module boom\.ts: boom$/),
    );
  });
  await withModule(
    { "stuck.ts": "await new Promise(() => {});\nexport default {};\n" },
    async (module) => {
      const started = Date.now();
      await rejects(
        evaluateModule(module, { timeoutMs: 300 }),
        configError(/^Loading connector module stuck\.ts did not finish within 0\.3 s/),
      );
      ok(Date.now() - started < 5000);
    },
  );
});

Deno.test("startHookSession() runs a page through consecutive steps in one round trip", async () => {
  await withModule(
    { "shop.ts": DEFINITION, "lib.ts": "export const double = (n: number) => n * 2;\n" },
    async (module) => {
      // deno-lint-ignore no-explicit-any
      const definition = await evaluateModule(module) as any;
      const [filter, map] = definition.resources[0].processing_steps;
      const hook = sandboxHookOf(filter.filter)!;
      const session = startHookSession(hook.plugin, { connector: "shop", net: [] });
      try {
        const steps = [
          { hook: hook.hook, kind: "filter" as const },
          { hook: sandboxHookOf(map.map)!.hook, kind: "map" as const },
        ];
        const records = [{ id: 1, keep: true }, { id: 2, keep: false }, { id: 3, keep: true }];
        const place = { resource: "items", firstStep: 1 };
        deepEqual(await session.run(steps, records, place), [{ id: 2 }, { id: 6 }]);
        deepEqual(await session.run(steps, [], place), []);
      } finally {
        session.close();
      }
    },
  );
});

/** A module whose one map step runs `body` (with `r`, the record). */
function stepModule(body: string, extra = ""): Record<string, string> {
  return {
    "step.ts": `${extra}export default { name: "s", client: { base_url: "https://s.test/" }, ` +
      `resources: [{ name: "items", processing_steps: [{ map: async (r) => { ${body} } }] }] };\n`,
  };
}

async function withStep(
  body: string,
  fn: (run: () => Promise<unknown[]>, options: { net: string[] }) => Promise<void>,
  net: string[] = [],
  timeoutMs?: number,
  signal?: AbortSignal,
): Promise<void> {
  await withModule(stepModule(body), async (module) => {
    // deno-lint-ignore no-explicit-any
    const definition = await evaluateModule(module) as any;
    const hook = sandboxHookOf(definition.resources[0].processing_steps[0].map)!;
    const session = startHookSession(hook.plugin, { connector: "s", net, timeoutMs, signal });
    try {
      const run = () =>
        session.run([{ hook: hook.hook, kind: "map" }], [{ id: 1 }], {
          resource: "items",
          firstStep: 1,
        });
      await fn(run, { net });
    } finally {
      session.close();
    }
  });
}

Deno.test("startHookSession(): hooks reach the declared hosts and nothing else", async () => {
  await using declared = counter();
  await using other = counter();
  const body = (url: string) => `await fetch("${url}/x"); return r;`;
  await withStep(body(declared.url), async (run) => {
    deepEqual(await run(), [{ id: 1 }]);
  }, [declared.host]);
  equal(declared.hits, 1);
  await withStep(body(other.url), async (run) => {
    await rejects(
      run(),
      configError(
        new RegExp(
          `^Connector "s" was denied net access to "${other.host}" in processing step 1 ` +
            `\\(map\\) of resource "items": .*add "${other.host}" to the connector's ` +
            `allowed_hosts to allow it$`,
        ),
      ),
    );
  }, [declared.host]);
  equal(other.hits, 0);
});

Deno.test("startHookSession(): records cross the sandbox with exact numbers", async () => {
  // A hook gets ids past 2^53 as bigints and may return them; `1.0` stays a float both ways.
  await withStep(
    `return { ...r, big: 9007199254740993n, twice: r.big === undefined ? null : r.big * 2n };`,
    async (run) => {
      const [record] = await run() as Record<string, unknown>[];
      equal(record.big, 9007199254740993n);
      equal(record.id, 1);
    },
  );
});

Deno.test("startHookSession(): a throwing, undefined-returning or stuck hook fails its batch", async () => {
  const dataError = (pattern: RegExp) => (e: unknown) => {
    if (!(e instanceof DataError)) throw e;
    match(e.message, pattern);
    return true;
  };
  await withStep(`throw new Error("bad record " + r.id);`, async (run) => {
    await rejects(
      run(),
      dataError(
        /^Connector "s", resource "items": processing step 1 \(map\) failed: bad record 1$/,
      ),
    );
  });
  await withStep(`return undefined;`, async (run) => {
    await rejects(run(), dataError(/processing step 1 \(map\) failed: returned undefined/));
  });
  await withStep(`const o = { id: r.id }; o.self = o; return o;`, async (run) => {
    await rejects(run(), dataError(/returned a record that is not JSON data/));
  });
  await withStep(
    `while (true) {}`,
    async (run) => {
      await rejects(run(), dataError(/processing step 1 \(map\) did not finish within 0\.3 s/));
    },
    [],
    300,
  );
  const controller = new AbortController();
  await withStep(
    `await new Promise(() => {}); return r;`,
    async (run) => {
      const pending = run();
      setTimeout(() => controller.abort(new Error("interrupted")), 50);
      await rejects(pending, /interrupted/);
    },
    [],
    60_000,
    controller.signal,
  );
});
