/**
 * The README's library example, run as a user runs it: in a project made by `dltx init`, twice
 * against an incremental API. Each record is loaded once, and the API key never shows.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { REPO, runToEnd, serve, tempProject } from "./_helpers.ts";

const API_KEY = "shop-key-5d1e7a";

/** The README's block that starts with `// shop_pipeline.ts`. */
async function readmeExample(): Promise<string> {
  const readme = await Deno.readTextFile(`${REPO}README.md`);
  const block = /```ts(?: ignore)?\n(\/\/ shop_pipeline\.ts[^\n]*\n[\s\S]*?)```/.exec(readme)?.[1];
  ok(block, "README has the library example");
  return block;
}

Deno.test("the README's library example run twice loads each record once", async () => {
  let orders = [
    { id: 1, status: "paid", updated_at: "2024-02-01T00:00:00Z" },
    { id: 2, status: "paid", updated_at: "2024-02-02T00:00:00Z" },
    { id: 3, status: "open", updated_at: "2024-02-03T00:00:00Z" },
  ];
  const since: (string | null)[] = [];
  await using server = serve((req) => {
    if (req.headers.get("x-api-key") !== API_KEY) return new Response("no", { status: 401 });
    const from = new URL(req.url).searchParams.get("since");
    since.push(from);
    return Response.json(orders.filter((o) => from === null || o.updated_at >= from));
  });
  await using p = await tempProject();
  equal((await p.dltx(["init", "demo", "duckdb"])).code, 0);
  await Deno.writeTextFile(p.path("shop_pipeline.ts"), await readmeExample());
  const env = { ...p.env, SOURCES__SHOP__BASE_URL: `${server.url}/` };
  await Deno.mkdir(p.path(".dlt"), { recursive: true });
  await Deno.writeTextFile(
    p.path(".dlt", "secrets.toml"),
    `[sources.shop]\napi_key = "${API_KEY}"\n`,
  );
  const run = () =>
    runToEnd(Deno.execPath(), ["run", "-A", "shop_pipeline.ts"], { cwd: p.dir, env });

  const first = await run();
  equal(first.code, 0, first.stderr);
  match(first.stdout, /^Pipeline shop_pipeline load step completed in/m);
  match(first.stdout, /^3 orders; a few:/m);

  // One new order and none changed: the second run asks from the last cursor and loads one row.
  orders = [...orders, { id: 4, status: "open", updated_at: "2024-02-04T00:00:00Z" }];
  const second = await run();
  equal(second.code, 0, second.stderr);
  match(second.stdout, /^4 orders; a few:/m);
  deepEqual(since, ["2024-01-01T00:00:00Z", "2024-02-03T00:00:00Z"]);
  const rows = await p.query(
    "shop_pipeline.duckdb",
    "SELECT id, count(*) AS n FROM shop_pipeline_dataset.orders GROUP BY id ORDER BY id",
  );
  deepEqual(rows.map((r) => [Number(r.id), Number(r.n)]), [[1, 1], [2, 1], [3, 1], [4, 1]]);
  for (const out of [first, second]) {
    equal(out.stdout.includes(API_KEY) || out.stderr.includes(API_KEY), false);
  }
});
