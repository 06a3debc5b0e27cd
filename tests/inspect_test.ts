/** Inspecting pipelines end to end: `dltx pipeline <name> ...` and `dltx query` after real runs. */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { REPO, serveApi, type TempProject, tempProject } from "./_helpers.ts";

/**
 * Runs `dltx <args>` on a pseudo-terminal (util-linux `script`), typing `input`: how a user
 * answers a confirmation prompt. stdout and stderr come back together, as a terminal shows them.
 */
async function onTerminal(
  p: TempProject,
  args: string[],
  input: string,
): Promise<{ code: number; stdout: string }> {
  const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
  const command = [Deno.execPath(), "run", "-A", "--config", `${REPO}deno.json`, `${REPO}main.ts`]
    .concat(args).map(quote).join(" ");
  const child = new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    cwd: p.dir,
    env: p.env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

const DB = "shop_pipeline.duckdb";
const DS = "shop_pipeline_dataset";

/** A shop API: items (with nested tags, updated_at cursor) and tags. */
function shopApi(items: () => unknown[]) {
  return serveApi({
    "/items": (url) => {
      // The incremental start value arrives as `since`; serve what is newer.
      const since = url.searchParams.get("since") ?? "";
      return items().filter((i) => String((i as { updated_at: string }).updated_at) > since);
    },
    "/tags": () => [{ tag: "x" }, { tag: "y" }],
  });
}

function shopConnector(base: string) {
  return {
    name: "shop",
    client: { base_url: base, paginator: "single_page" },
    resources: [
      {
        name: "items",
        write_disposition: "append",
        endpoint: {
          path: "items",
          params: {
            since: {
              type: "incremental",
              cursor_path: "updated_at",
              initial_value: "2024-01-01T00:00:00Z",
            },
          },
        },
      },
      { name: "tags", write_disposition: "replace" },
    ],
  };
}

const ITEMS = [
  { id: 1, name: 'a, "quoted"', updated_at: "2024-02-01T00:00:00Z", tags: [{ t: "x" }] },
  { id: 2, name: "b", updated_at: "2024-03-01T00:00:00Z", tags: [] },
];

Deno.test("pipeline info, trace, load-package and schema describe the last run", async () => {
  await using server = shopApi(() => ITEMS);
  await using p = await tempProject();
  const connector = await p.writeConnector(shopConnector(server.url));
  const res = await p.dltx(["run", connector]);
  equal(res.code, 0, res.stderr);
  const pipelines = p.env.DLTX_PIPELINES_DIR;

  const [list, info, trace, pkg, schema, yaml] = await Promise.all([
    p.dltx(["pipeline", "-l"]),
    p.dltx(["pipeline", "shop_pipeline", "info"]),
    p.dltx(["pipeline", "shop_pipeline", "trace"]),
    p.dltx(["pipeline", "shop_pipeline", "load-package", "-v"]),
    p.dltx(["pipeline", "shop_pipeline", "schema", "--format", "table"]),
    p.dltx(["pipeline", "shop_pipeline", "schema"]),
  ]);
  for (const r of [list, info, trace, pkg, schema, yaml]) equal(r.code, 0, r.stderr);

  equal(list.stdout, `1 pipelines found in ${pipelines}\nshop_pipeline\n`);

  match(info.stdout, new RegExp(`^Found pipeline shop_pipeline in ${pipelines}$`, "m"));
  ok(info.stdout.includes(`Destination: duckdb at duckdb:${p.path(DB)}\n`), info.stdout);
  match(info.stdout, new RegExp(`^Dataset: ${DS}$`, "m"));
  match(info.stdout, /^Resources in schema: shop \(version \d+, hash \S+\)$/m);
  match(info.stdout, /^items with 2 table\(s\) and 1 resource state slot\(s\)$/m);
  match(info.stdout, /^tags with 1 table\(s\) and 0 resource state slot\(s\)$/m);
  // The cursor's last value is shown: it is what the next run starts from.
  match(info.stdout, /shop\s+items\s+updated_at\s+2024-03-01T00:00:00Z/);
  match(info.stdout, /^Has 1 completed load package\(s\):$/m);

  // dlt's steps, in order, with dlt's wording.
  match(trace.stdout, /^Run started at \S+ and COMPLETED in \d+\.\d\d seconds with 3 steps\.$/m);
  deepEqual(trace.stdout.match(/^Step \w+ COMPLETED in \d+\.\d\d seconds\.$/gm)?.length, 3);
  match(trace.stdout, /^Step extract COMPLETED[^]*^Step normalize COMPLETED[^]*^Step load /m);
  match(
    trace.stdout,
    /^Normalized data for the following tables:\n(- \w+: \d+ row\(s\)\n)*- items__tags: 1 row\(s\)$/m,
  );
  // Records, HTTP requests, pages, retries, seconds waited and seconds per resource.
  match(trace.stdout, /^\s+items\s+2\s+1\s+1\s+0\s+0\s+\d+(\.\d+)?$/m);
  match(
    trace.stdout,
    new RegExp(
      `^Loaded to destination duckdb and into dataset ${DS} at duckdb:${p.path(DB)}$`,
      "m",
    ),
  );

  match(pkg.stdout, /for schema shop is in LOADED state\./);
  match(pkg.stdout, /items__tags/);

  match(schema.stdout, /^items \(resource items, write disposition append\)$/m);
  // The cursor column of the incremental carries dlt's `incremental` hint.
  match(schema.stdout, /^ {2}updated_at\s+timestamp\s+true\s+incremental\s*$/m);
  match(schema.stdout, /^ {2}_dlt_parent_id\s+text\s+false\s+parent_key$/m);
  match(yaml.stdout, /^name: shop$/m);
});

Deno.test("query prints tables, JSON and CSV, and refuses writes and bad SQL", async () => {
  await using server = shopApi(() => ITEMS);
  await using p = await tempProject();
  const connector = await p.writeConnector(shopConnector(server.url));
  equal((await p.dltx(["run", connector])).code, 0);
  const sql = `SELECT id, name FROM ${DS}.items ORDER BY id`;

  const [asJson, asCsv, asTable, limited, write, bad, unqualified] = await Promise.all([
    p.dltx(["query", "shop_pipeline", sql, "--format", "json"]),
    p.dltx(["query", "shop_pipeline", sql, "--format", "csv"]),
    p.dltx(["query", "shop_pipeline", sql]),
    p.dltx(["query", "shop_pipeline", sql, "--limit", "1"]),
    p.dltx(["query", "shop_pipeline", `DELETE FROM ${DS}.items`]),
    p.dltx(["query", "shop_pipeline", "SELEC 1"]),
    p.dltx(["query", "shop_pipeline", "SELECT * FROM items"]),
  ]);
  equal(asJson.code, 0, asJson.stderr);
  deepEqual(JSON.parse(asJson.stdout), [{ id: 1, name: 'a, "quoted"' }, { id: 2, name: "b" }]);
  equal(asCsv.stdout, 'id,name\n1,"a, ""quoted"""\n2,b\n');
  equal(asTable.stdout, 'id  name\n--  -----------\n 1  a, "quoted"\n 2  b\n2 rows\n');
  equal(limited.stdout, 'id  name\n--  -----------\n 1  a, "quoted"\n2 rows, the first 1 shown\n');

  equal(write.code, 1);
  match(write.stderr, /^error: .*read-only/m);
  equal(bad.code, 1);
  match(bad.stderr, /^error: Query failed on duckdb:.*Parser Error/m);
  equal(unqualified.code, 1);
  match(unqualified.stderr, new RegExp(`tables are in dataset ${DS}: write ${DS}\\.items`));
  const [{ n }] = await p.query(DB, `SELECT count(*) AS n FROM ${DS}.items`);
  equal(Number(n), 2, "the refused DELETE changed nothing");

  const unknown = await p.dltx(["query", "nope", "SELECT 1"]);
  equal(unknown.code, 1);
  match(
    unknown.stderr,
    /^error: Pipeline "nope" not found in .*; known pipelines: shop_pipeline$/m,
  );
});

Deno.test("drop removes a resource's tables and state; its next run loads it from scratch", async () => {
  await using server = shopApi(() => ITEMS);
  await using p = await tempProject();
  const connector = await p.writeConnector(shopConnector(server.url));
  equal((await p.dltx(["run", connector])).code, 0);
  const statePath = join(p.env.DLTX_PIPELINES_DIR, "shop_pipeline", "state.json");
  const before = JSON.parse(await Deno.readTextFile(statePath));
  ok(before.sources.shop.resources.items, "the incremental cursor of items is in the state");

  const dry = await p.dltx(["pipeline", "shop_pipeline", "drop", "items", "--dry-run"]);
  equal(dry.code, 0, dry.stderr);
  match(dry.stdout, /^Table\(s\) to drop: items, items__tags$/m);
  match(dry.stdout, /^Resource\(s\) state to reset: items$/m);
  match(dry.stdout, /^Dry run: nothing was dropped\.$/m);

  // Without a terminal to ask on, drop needs --yes; on a terminal it asks, default no.
  const refused = await p.dltx(["pipeline", "shop_pipeline", "drop", "items"]);
  equal(refused.code, 1);
  match(refused.stderr, /asks for confirmation, but stdin is not a terminal: nothing was changed/);
  const declined = await onTerminal(p, ["pipeline", "shop_pipeline", "drop", "items"], "n\n");
  equal(declined.code, 0, declined.stdout);
  match(declined.stdout, /Do you want to apply these changes\? \[y\/N\]/);
  match(declined.stdout, /Nothing was dropped\./);
  const [{ n: kept }] = await p.query(DB, `SELECT count(*) AS n FROM ${DS}.items`);
  equal(Number(kept), 2, "nothing was dropped before the answer was yes");

  const drop = await onTerminal(p, ["pipeline", "shop_pipeline", "drop", "items"], "y\n");
  equal(drop.code, 0, drop.stdout);
  // The answer was typed ahead, so the terminal echoed it before the question.
  match(drop.stdout, /\[y\/N\] Dropped 2 table\(s\) and the state of 1 resource\(s\)/);
  const tables = await p.query(
    DB,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = '${DS}'
     AND table_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY 1`,
  );
  deepEqual(tables.map((t) => t.table_name), ["tags"]);
  const after = JSON.parse(await Deno.readTextFile(statePath));
  equal(after.sources.shop.resources?.items, undefined);
  ok(after._state_version > before._state_version, "the state got a new version");
  const schema = JSON.parse(
    await Deno.readTextFile(
      join(p.env.DLTX_PIPELINES_DIR, "shop_pipeline", "schemas", "shop.schema.json"),
    ),
  );
  // Stored as dlt stores it: the data tables between dlt's system tables.
  deepEqual(Object.keys(schema.tables), [
    "_dlt_version",
    "_dlt_loads",
    "tags",
    "_dlt_pipeline_state",
  ]);

  // The cursor is gone, so the next run fetches everything again.
  const rerun = await p.dltx(["run", connector]);
  equal(rerun.code, 0, rerun.stderr);
  const [{ n }] = await p.query(DB, `SELECT count(*) AS n FROM ${DS}.items`);
  equal(Number(n), 2);
  const itemRequests = server.requests.filter((r) => new URL(r.url).pathname === "/items");
  match(itemRequests.at(-1)?.url ?? "", /since=2024-01-01/);
});

Deno.test("sync restores state and schema into an empty pipelines dir", async () => {
  await using server = shopApi(() => ITEMS);
  await using p = await tempProject();
  const connector = await p.writeConnector(shopConnector(server.url));
  equal((await p.dltx(["run", connector])).code, 0);
  const original = join(p.env.DLTX_PIPELINES_DIR, "shop_pipeline");
  const fresh = p.path("_fresh_pipelines");
  const env = { DLTX_PIPELINES_DIR: fresh };

  const sync = await p.dltx(["pipeline", "shop_pipeline", "sync"], env);
  equal(sync.code, 0, sync.stderr);
  match(
    sync.stdout,
    new RegExp(`^Restored pipeline shop_pipeline from dataset ${DS} in duckdb:`, "m"),
  );
  const restored = join(fresh, "shop_pipeline");
  const withoutLocal = (path: string) =>
    Deno.readTextFile(path).then((t) => ({ ...JSON.parse(t), _local: undefined }));
  deepEqual(
    await withoutLocal(join(restored, "state.json")),
    await withoutLocal(join(original, "state.json")),
  );
  deepEqual(
    JSON.parse(await Deno.readTextFile(join(restored, "schemas", "shop.schema.json"))),
    JSON.parse(await Deno.readTextFile(join(original, "schemas", "shop.schema.json"))),
  );
  const info = await p.dltx(["pipeline", "shop_pipeline", "info"], env);
  equal(info.code, 0, info.stderr);
  match(info.stdout, /shop\s+items\s+updated_at\s+2024-03-01T00:00:00Z/);

  const nothing = await p.dltx(["pipeline", "other_pipeline", "sync"], env);
  equal(nothing.code, 0, nothing.stderr);
  match(nothing.stdout, /^Nothing to restore: there is no DuckDB database at /m);
  const otherDataset = await p.dltx(
    ["pipeline", "other_pipeline", "sync"],
    { ...env, DESTINATION__DUCKDB__CREDENTIALS: DB },
  );
  match(
    otherDataset.stdout,
    /^Nothing to restore: dataset other_pipeline_dataset in duckdb:.* holds no state of pipeline other_pipeline$/m,
  );
});
