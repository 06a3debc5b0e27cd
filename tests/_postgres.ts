/**
 * A PostgreSQL server for end-to-end tests: the one `.ci/run` started (`DLTX_TEST_PG_URL`),
 * else a throwaway cluster this process starts with `scripts/pg_test_cluster.sh` (stopped when
 * the process ends), else, on a machine without `initdb`, none: the tests using it are
 * skipped with the reason printed.
 *
 * @module
 */

// @ts-types="@types/pg"
import pg from "pg";
import { join } from "node:path";
import { REPO } from "./_helpers.ts";

/** A server the tests may use. */
export interface TestServer {
  /** `postgresql://postgres:<password>@127.0.0.1:<port>/postgres` */
  url: string;
}

let server: Promise<TestServer | undefined> | undefined;

/** Why the PostgreSQL tests are skipped, when they are. */
export let skipReason = "";

/**
 * The test server, or `undefined` (with {@linkcode skipReason} set and printed once) when no
 * PostgreSQL server can be had on this machine.
 */
export function testServer(): Promise<TestServer | undefined> {
  server ??= findServer();
  return server;
}

async function findServer(): Promise<TestServer | undefined> {
  const url = Deno.env.get("DLTX_TEST_PG_URL");
  if (url) return { url };
  const script = join(REPO, "scripts", "pg_test_cluster.sh");
  const out = await new Deno.Command("bash", { args: [script, "start"], stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (out.code === 3) {
    // Only a machine without PostgreSQL's server skips; any other failure fails the tests.
    skipReason = "no initdb found (install PostgreSQL's server: apt-get install postgresql)";
    // deno-lint-ignore no-console
    console.warn(`PostgreSQL tests skipped: ${skipReason}`);
    return undefined;
  }
  if (out.code !== 0) {
    throw new Error(
      `scripts/pg_test_cluster.sh start failed: ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
  const found = Object.fromEntries(
    [...text.matchAll(/export (\w+)='([^']*)'/g)].map((m) => [m[1], m[2]]),
  );
  const dir = found.DLTX_TEST_PG_DIR;
  globalThis.addEventListener("unload", () => {
    new Deno.Command("bash", { args: [script, "stop", dir] }).outputSync();
  });
  return { url: found.DLTX_TEST_PG_URL };
}

let counter = 0;

/**
 * A new, empty database on the test server for one test; its URL. Tests in parallel each get
 * their own, so datasets and pipelines never meet.
 */
export async function freshDatabase(base: TestServer): Promise<string> {
  const name = `dltx_t${Date.now().toString(36)}_${crypto.randomUUID().slice(0, 8)}_${counter++}`;
  await withClient(base.url, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(base.url);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `fn` with a connection to `url`, closed afterwards. */
export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET TIME ZONE 'UTC'");
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Rows of `sql` on the database at `url` (bigints and numerics as text, as `pg` gives them). */
export async function pgQuery(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  return await withClient(url, async (c) => (await c.query(sql, params)).rows);
}

/** Row counts of `tables` in `dataset`, by table. */
export async function pgCounts(
  url: string,
  dataset: string,
  tables: string[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await withClient(url, async (c) => {
    for (const t of tables) {
      const r = await c.query(`SELECT count(*)::int AS n FROM "${dataset}"."${t}"`);
      counts[t] = r.rows[0].n;
    }
  });
  return counts;
}
