/**
 * The postgres destination end to end: the CLI loads a real PostgreSQL server (see
 * `_postgres.ts`) with every write disposition, schema evolution, variant columns, contracts,
 * exact numbers and the demo connector; the inspection commands read it; and every connection
 * error is one line naming what to fix, with nothing written and no password printed.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { startDemoApi } from "../scripts/demo_api.ts";
import { json, runToEnd, serve, type TempProject, tempProject } from "./_helpers.ts";
import {
  freshDatabase,
  pgCounts,
  pgQuery,
  skipReason,
  testServer,
  withClient,
} from "./_postgres.ts";

type Row = Record<string, unknown>;

const server = await testServer();
const ignore = server === undefined;
const skipped = ignore ? ` (skipped: ${skipReason})` : "";

/** Runs the CLI and fails the test on a non-zero exit. */
async function runOk(p: TempProject, args: string[], env: Record<string, string>, label: string) {
  const res = await p.dltx(args, env);
  equal(res.code, 0, `${label}: ${res.stderr}`);
  return res;
}

/** The password of a connection URL, to check no output holds it. */
function passwordOf(url: string): string {
  return decodeURIComponent(new URL(url).password);
}

Deno.test({
  name: `the demo connector loads into PostgreSQL, and the inspection commands read it${skipped}`,
  ignore,
  fn: async () => {
    const url = await freshDatabase(server!);
    const api = await startDemoApi();
    try {
      await using p = await tempProject();
      const env = {
        SOURCES__DEMO__BASE_URL: api.url,
        SOURCES__DEMO__API_KEY: api.apiKey,
        DESTINATION__POSTGRES__CREDENTIALS: url,
      };
      const secret = passwordOf(url);
      const db = new URL(url);
      for (let run = 0; run < 2; run++) {
        const res = await runOk(p, ["run", "demo", "--to", "postgres"], env, `run ${run}`);
        match(res.stdout, /^Pipeline demo_pipeline load step completed in \d+\.\d\d seconds$/m);
        match(
          res.stdout,
          /^1 load package\(s\) were loaded to destination postgres and into dataset demo_pipeline_dataset$/m,
        );
        equal(
          res.stdout.includes(
            `The postgres destination used postgresql://postgres:***@127.0.0.1:${db.port}` +
              `${db.pathname} location to store data`,
          ),
          true,
          res.stdout,
        );
        equal(res.stdout.includes(secret) || res.stderr.includes(secret), false);
      }
      const counts = await pgCounts(url, "demo_pipeline_dataset", [
        "customer_reviews",
        "customers",
        "customers__tags",
        "orders",
        "orders__items",
        "products",
      ]);
      deepEqual(counts, {
        customer_reviews: 121,
        customers: 50,
        customers__tags: 100,
        orders: 120,
        orders__items: 275,
        products: 30,
      });
      const types = await pgQuery(
        url,
        `SELECT column_name, data_type FROM information_schema.columns
         WHERE table_schema = 'demo_pipeline_dataset' AND table_name = 'customers'
         AND column_name IN ('first_name', 'address__city', 'loyalty_points', 'is_active', 'created_at')
         ORDER BY column_name`,
      );
      deepEqual(types.map((r) => [r.column_name, r.data_type]), [
        ["address__city", "character varying"],
        ["created_at", "timestamp with time zone"],
        ["first_name", "character varying"],
        ["is_active", "boolean"],
        ["loyalty_points", "bigint"],
      ]);
      const loads = await pgQuery(url, "SELECT status FROM demo_pipeline_dataset._dlt_loads");
      deepEqual(loads, [{ status: 0 }, { status: 0 }]);

      // dltx query, pipeline info, schema and sync read the server; writes are refused.
      const query = await runOk(
        p,
        ["query", "demo_pipeline", "SELECT count(*) AS n FROM demo_pipeline_dataset.orders"],
        env,
        "query",
      );
      match(query.stdout, /^\s*n\n-+\n\s*120\n1 row\n$/);
      const refused = await p.dltx(
        ["query", "demo_pipeline", "DELETE FROM demo_pipeline_dataset.orders"],
        env,
      );
      equal(refused.code, 1);
      match(refused.stderr, /read-only: DELETE is not allowed/);
      const hint = await p.dltx(["query", "demo_pipeline", "SELECT * FROM orders"], env);
      equal(hint.code, 1);
      match(hint.stderr, /write demo_pipeline_dataset\.orders/);
      const info = await runOk(p, ["pipeline", "demo_pipeline", "info"], env, "info");
      match(info.stdout, /Destination: postgres at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1/);
      const noCredentials = await p.dltx(["query", "demo_pipeline", "SELECT 1"]);
      equal(noCredentials.code, 1);
      match(noCredentials.stderr, /DESTINATION__POSTGRES__CREDENTIALS/);

      // A new machine: sync restores state and schema from the server.
      await Deno.remove(p.env.DLTX_PIPELINES_DIR, { recursive: true });
      const sync = await runOk(
        p,
        ["pipeline", "demo_pipeline", "sync", "--destination", "postgres"],
        env,
        "sync",
      );
      match(sync.stdout, /Restored pipeline demo_pipeline from dataset demo_pipeline_dataset/);
      equal(sync.stdout.includes(secret), false);
      const schema = await runOk(
        p,
        ["pipeline", "demo_pipeline", "schema", "--format", "json"],
        env,
        "schema",
      );
      ok(JSON.parse(schema.stdout).tables.orders__items, "the restored schema has the tables");
      for (const out of [query, info, sync, schema]) {
        equal(out.stdout.includes(secret) || out.stderr.includes(secret), false);
      }
    } finally {
      await api.close();
    }
  },
});

/** The records each resource serves, per run; changed between runs by the test. */
interface Data {
  events: Row[];
  users: Row[];
  orders: Row[];
  accounts: Row[];
}

Deno.test({
  name: `every write disposition, schema evolution and variant columns in PostgreSQL${skipped}`,
  ignore,
  fn: async () => {
    const url = await freshDatabase(server!);
    let data: Data = {
      events: [{ id: 1, kind: "a", n: 1 }, { id: 2, kind: "b", n: 2 }],
      users: [
        { id: 1, name: "ann", tags: ["x", "y"] },
        { id: 2, name: "bob", tags: ["z"] },
      ],
      orders: [
        { id: 1, status: "new", items: [{ sku: "a" }, { sku: "b" }] },
        { id: 2, status: "draft", items: [{ sku: "stale" }] },
        { id: 3, status: "new", items: [{ sku: "d" }] },
        { id: 2, status: "new", items: [{ sku: "c" }] },
      ],
      accounts: [
        { id: 1, plan: "free", roles: [{ r: "admin" }] },
        { id: 2, plan: "pro", roles: [{ r: "dev" }, { r: "ops" }] },
      ],
    };
    await using api = serve((req) => {
      const name = new URL(req.url).pathname.slice(1) as keyof Data;
      return json(data[name] ?? []);
    });
    await using p = await tempProject();
    const connector = await p.writeConnector({
      name: "shop",
      client: { base_url: api.url, paginator: "single_page" },
      resources: [
        { name: "events", write_disposition: "append" },
        { name: "users", write_disposition: "replace", primary_key: "id" },
        {
          name: "orders",
          write_disposition: "merge",
          primary_key: "id",
          columns: { deleted: { hard_delete: true } },
        },
        {
          name: "accounts",
          write_disposition: { disposition: "merge", strategy: "upsert" },
          primary_key: "id",
        },
      ],
    });
    const env = { DESTINATION__POSTGRES__CREDENTIALS: url };
    const ds = "shop_pipeline_dataset";
    const rows = (sql: string) => pgQuery(url, sql).then((r) => r.map((row) => Object.values(row)));
    const run = (label: string, extra: Record<string, string> = {}) =>
      runOk(p, ["run", connector, "--to", "postgres"], { ...env, ...extra }, label);

    await run("run 1");
    deepEqual(await rows(`SELECT id, kind, n FROM ${ds}.events ORDER BY id`), [
      ["1", "a", "1"],
      ["2", "b", "2"],
    ]);
    deepEqual(await rows(`SELECT id, status FROM ${ds}.orders ORDER BY id`), [
      ["1", "new"],
      ["2", "new"],
      ["3", "new"],
    ]);
    const items = () =>
      rows(
        `SELECT o.id, i.sku FROM ${ds}.orders__items AS i LEFT JOIN ${ds}.orders AS o ` +
          `ON o._dlt_id = i._dlt_root_id ORDER BY o.id, i._dlt_list_idx`,
      );
    deepEqual(await items(), [["1", "a"], ["1", "b"], ["2", "c"], ["3", "d"]]);

    data = {
      // Append: a new column (ALTER TABLE ADD COLUMN) and a type change (variant column).
      events: [{ id: 3, kind: "c", n: "three", extra: true }],
      // Replace: fewer rows; the old rows and their children go.
      users: [{ id: 3, name: "cy", tags: ["q"] }],
      orders: [
        { id: 1, status: "paid", items: [{ sku: "x", qty: 2 }] },
        { id: 3, deleted: true },
        { id: 4, status: "new", items: [{ sku: "e" }, { sku: "f" }] },
      ],
      accounts: [
        { id: 2, plan: "team", roles: [{ r: "dev" }] },
        { id: 3, plan: "free", roles: [] },
      ],
    };
    await run("run 2");
    deepEqual(await rows(`SELECT id, kind, n, n__v_text, extra FROM ${ds}.events ORDER BY id`), [
      ["1", "a", "1", null, null],
      ["2", "b", "2", null, null],
      ["3", "c", null, "three", true],
    ]);
    deepEqual(await rows(`SELECT id, name FROM ${ds}.users ORDER BY id`), [["3", "cy"]]);
    deepEqual(await rows(`SELECT value FROM ${ds}.users__tags`), [["q"]]);
    deepEqual(await rows(`SELECT id, status FROM ${ds}.orders ORDER BY id`), [
      ["1", "paid"],
      ["2", "new"],
      ["4", "new"],
    ]);
    deepEqual(await items(), [["1", "x"], ["2", "c"], ["4", "e"], ["4", "f"]]);
    deepEqual(await rows(`SELECT id, plan FROM ${ds}.accounts ORDER BY id`), [
      ["1", "free"],
      ["2", "team"],
      ["3", "free"],
    ]);
    deepEqual(
      await rows(
        `SELECT a.id, r.r FROM ${ds}.accounts__roles AS r JOIN ${ds}.accounts AS a ` +
          `ON a._dlt_id = r._dlt_root_id ORDER BY a.id, r._dlt_list_idx`,
      ),
      [["1", "admin"], ["2", "dev"]],
    );
    const staging = await rows(
      "SELECT count(*)::int FROM information_schema.schemata WHERE schema_name = " +
        `'${ds}_staging'`,
    );
    deepEqual(staging, [[1]], "merges went through the staging dataset");

    // dlt's insert-from-staging replace strategy: the same result through the staging dataset.
    data = { ...data, events: [], orders: [], accounts: [], users: [{ id: 4, tags: ["r", "s"] }] };
    await run("run 3", { DESTINATION__REPLACE_STRATEGY: "insert-from-staging" });
    deepEqual(await rows(`SELECT id, name FROM ${ds}.users ORDER BY id`), [["4", null]]);
    deepEqual(await rows(`SELECT value FROM ${ds}.users__tags ORDER BY value`), [["r"], ["s"]]);
    data = { ...data, users: [] };
    await run("run 4", { DESTINATION__REPLACE_STRATEGY: "insert-from-staging" });
    deepEqual(await rows(`SELECT count(*)::int FROM ${ds}.users`), [[0]]);
    const bad = await p.dltx(["run", connector, "--to", "postgres"], {
      ...env,
      DESTINATION__REPLACE_STRATEGY: "sideways",
    });
    equal(bad.code, 1);
    match(bad.stderr, /replace_strategy must be one of truncate-and-insert, insert-from-staging/);
    const loads = await rows(`SELECT count(*)::int FROM ${ds}._dlt_loads`);
    deepEqual(loads, [[4]]);
  },
});

Deno.test({
  name: `exact numbers, a frozen contract and long names in PostgreSQL${skipped}`,
  ignore,
  fn: async () => {
    const url = await freshDatabase(server!);
    const long = "a_rather_long_field_name_that_keeps_going_and_going_past_the_limit";
    let body = '[{"id": 12345678901234567890123, "snowflake": 1234567890123456789, "f": 1.0, ' +
      `"nested": {"big": 98765432109876543210}, "${long}_1": "one", "${long}_2": "two"}]`;
    await using api = serve(() =>
      new Response(body, { headers: { "content-type": "application/json" } })
    );
    await using p = await tempProject();
    const connector = await p.writeConnector({
      name: "nums",
      client: { base_url: api.url, paginator: "single_page" },
      resources: [{ name: "nums", max_table_nesting: 0, schema_contract: { columns: "freeze" } }],
    });
    const env = { DESTINATION__POSTGRES__CREDENTIALS: url };
    await runOk(p, ["run", connector, "--to", "postgres"], env, "run 1");
    const ds = "nums_pipeline_dataset";
    const [row] = await pgQuery(
      url,
      `SELECT id::text AS id, snowflake::text AS s, f, nested::text AS nested FROM ${ds}.nums`,
    );
    deepEqual(row, {
      id: "12345678901234567890123",
      s: "1234567890123456789",
      f: 1,
      nested: '{"big": 98765432109876543210}',
    });
    const types = await pgQuery(
      url,
      "SELECT column_name, data_type, numeric_precision, numeric_scale FROM " +
        `information_schema.columns WHERE table_schema = '${ds}' AND table_name = 'nums' ` +
        "AND column_name IN ('id', 'snowflake', 'f', 'nested') ORDER BY column_name",
    );
    deepEqual(types.map((r) => Object.values(r)), [
      ["f", "double precision", 53, null],
      ["id", "numeric", 38, 0],
      ["nested", "jsonb", null, null],
      ["snowflake", "bigint", 64, 0],
    ]);
    // Names past PostgreSQL's 63 characters are shortened with dlt's tag, so two of them that
    // share their first 63 characters stay two columns.
    const longColumns = await pgQuery(
      url,
      "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND " +
        "table_name = 'nums' AND column_name LIKE 'a\\_rather%' ORDER BY column_name",
      [ds],
    );
    equal(longColumns.length, 2);
    const names = longColumns.map((r) => String(r.column_name));
    for (const name of names) equal(name.length, 63);
    const values = await pgQuery(
      url,
      `SELECT "${names[0]}" AS a, "${names[1]}" AS b FROM ${ds}.nums`,
    );
    deepEqual(new Set(Object.values(values[0])), new Set(["one", "two"]));
    // A frozen contract: a new column fails the run, and nothing of it is written.
    body = `[{"id": 1, "brand_new": "x"}]`;
    const frozen = await p.dltx(["run", connector, "--to", "postgres"], env);
    equal(frozen.code, 1);
    match(frozen.stderr, /frozen for columns/);
    deepEqual(await pgQuery(url, `SELECT count(*)::int AS n FROM ${ds}.nums`), [{ n: 1 }]);
    deepEqual(await pgQuery(url, `SELECT count(*)::int AS n FROM ${ds}._dlt_loads`), [{ n: 1 }]);
  },
});

Deno.test({
  name: `connection errors are one line naming what to fix; nothing is written${skipped}`,
  ignore,
  fn: async () => {
    const url = await freshDatabase(server!);
    const secret = passwordOf(url);
    await using api = serve(() => json([{ id: 1 }]));
    await using p = await tempProject();
    const connector = await p.writeConnector({
      name: "err",
      client: { base_url: api.url, paginator: "single_page" },
      resources: ["things"],
    });
    const attempt = async (credentials: string, expected: RegExp, label: string) => {
      const res = await p.dltx(["run", connector, "--to", "postgres"], {
        DESTINATION__POSTGRES__CREDENTIALS: credentials,
      });
      equal(res.code, 1, `${label}: ${res.stderr}`);
      const lines = res.stderr.trim().split("\n").filter((l) => /^error/i.test(l));
      equal(lines.length, 1, `${label}: one error line: ${res.stderr}`);
      match(lines[0], expected, `${label}: ${lines[0]}`);
      const password = passwordOf(credentials);
      if (password) {
        equal(res.stderr.includes(password) || res.stdout.includes(password), false, label);
      }
      return res;
    };
    const wrong = new URL(url);
    wrong.password = "not-the-password-42";
    await attempt(
      wrong.toString(),
      /refused user "postgres": password authentication failed.*check the user name and password in DESTINATION__POSTGRES__CREDENTIALS/,
      "wrong password",
    );
    const missing = new URL(url);
    missing.pathname = "/no_such_db";
    await attempt(
      missing.toString(),
      /has no database "no_such_db": create it \(createdb no_such_db\)/,
      "missing database",
    );
    // A closed port: a listener opened and closed again.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const closed = new URL(url);
    closed.port = String(port);
    await attempt(
      closed.toString(),
      new RegExp(`Cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}.*check the host and port`),
      "unreachable",
    );
    await attempt("mysql://x@y/z", /must be a connection string postgresql:\/\//, "bad scheme");
    const noConfig = await p.dltx(["run", connector, "--to", "postgres"]);
    equal(noConfig.code, 1);
    match(noConfig.stderr, /DESTINATION__POSTGRES__CREDENTIALS/);

    // A user that may not create the dataset's schema.
    // Roles belong to the whole server: a name of this test's own.
    const role = `loader_${crypto.randomUUID().slice(0, 8)}`;
    await withClient(url, async (c) => {
      await c.query(`CREATE ROLE ${role} LOGIN PASSWORD 'loader-pw-1234'`);
      await c.query(`REVOKE CREATE ON DATABASE "${new URL(url).pathname.slice(1)}" FROM PUBLIC`);
    });
    const loader = new URL(url);
    loader.username = role;
    loader.password = "loader-pw-1234";
    await attempt(
      loader.toString(),
      new RegExp(`User "${role}" may not create schema`),
      "no privilege",
    );
    await attempt(
      loader.toString(),
      /may not create schema "err_pipeline_dataset" in database "[^"]+".*GRANT CREATE ON DATABASE/,
      "no privilege",
    );
    // Split keys in secrets.toml work as the connection string does.
    const u = new URL(url);
    await Deno.mkdir(p.path(".dlt"), { recursive: true });
    await Deno.writeTextFile(
      p.path(".dlt", "secrets.toml"),
      `[destination.postgres.credentials]\ndatabase = "${u.pathname.slice(1)}"\n` +
        `username = "postgres"\npassword = "${secret}"\nhost = "127.0.0.1"\nport = ${u.port}\n` +
        "connect_timeout = 5\n",
    );
    const ok_ = await runOk(p, ["run", connector, "--to", "postgres"], {}, "split keys");
    equal(ok_.stdout.includes(secret), false);
    const left = await pgQuery(
      url,
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'err%' ORDER BY 1",
    );
    deepEqual(left, [{ nspname: "err_pipeline_dataset" }], "only the successful run wrote");
    deepEqual(
      await pgQuery(url, "SELECT count(*)::int AS n FROM err_pipeline_dataset.things"),
      [{ n: 1 }],
    );
  },
});

Deno.test({
  name: `the pipeline dltx init writes for postgres loads the demo API${skipped}`,
  ignore,
  fn: async () => {
    const url = new URL(await freshDatabase(server!));
    const api = await startDemoApi();
    try {
      await using p = await tempProject();
      const init = await p.dltx(["init", "demo", "postgres"]);
      equal(init.code, 0, init.stderr);
      const config = await Deno.readTextFile(p.path(".dlt", "config.toml"));
      await Deno.writeTextFile(
        p.path(".dlt", "config.toml"),
        config.replace(/^base_url = .*$/m, `base_url = "${api.url}"`),
      );
      // As a user fills in secrets.toml: the API key and the server's parts.
      const secrets = (await Deno.readTextFile(p.path(".dlt", "secrets.toml")))
        .replace(/^# api_key = .*$/m, `api_key = "${api.apiKey}"`)
        .replace(/^database = .*$/m, `database = "${url.pathname.slice(1)}"`)
        .replace(/^username = .*$/m, `username = "${url.username}"`)
        .replace(/^# password = .*$/m, `password = "${passwordOf(url.toString())}"`)
        .replace(/^host = .*$/m, `host = "${url.hostname}"`)
        .replace(/^port = .*$/m, `port = ${url.port}`);
      await Deno.writeTextFile(p.path(".dlt", "secrets.toml"), secrets);
      const deno = (args: string[]) => runToEnd(Deno.execPath(), args, { cwd: p.dir, env: p.env });
      const run = await deno(["run", "-A", "demo_pipeline.ts"]);
      equal(run.code, 0, run.stderr);
      match(run.stdout, /loaded to destination postgres and into dataset demo_pipeline_dataset/);
      match(
        run.stdout,
        /The postgres destination used postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1/,
      );
      equal(run.stdout.includes(passwordOf(url.toString())), false);
      deepEqual(
        await pgCounts(url.toString(), "demo_pipeline_dataset", ["orders", "orders__items"]),
        { orders: 120, orders__items: 275 },
      );
      for (const check of [["lint"], ["fmt", "--check"]]) {
        const res = await deno([...check, "demo_pipeline.ts"]);
        equal(res.code, 0, `deno ${check.join(" ")}: ${res.stderr}`);
      }
    } finally {
      await api.close();
    }
  },
});
