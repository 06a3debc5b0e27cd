/**
 * `dltx init --openapi` end to end: a spec served by a local API that implements it; the
 * generated connector (YAML and TS) runs with `dltx run` and loads every paging style, the
 * child tables and the config fields; the command-line choices and their errors.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { type RecordedRequest, type TempProject, tempProject } from "./_helpers.ts";
import { SHOP, SHOP_TOKEN, startShopApi } from "./testdata/openapi/shop_api.ts";

const SPEC_FILE = new URL("./testdata/openapi/shop.yaml", import.meta.url).pathname;
const DB = "shop_pipeline.duckdb";
const DS = "shop_pipeline_dataset";

const RUN_ENV = {
  SOURCES__SHOP__TOKEN: SHOP_TOKEN,
  SOURCES__SHOP__STORE_ID: "7",
  SOURCES__SHOP__Q: "lamp",
};

async function counts(p: TempProject, tables: string[]): Promise<Record<string, number>> {
  const rows = await p.query(
    DB,
    tables.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM ${DS}.${t}`).join(" UNION ALL "),
  );
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]).sort());
}

/** The query strings of the requests to a path, in order. */
function queries(requests: RecordedRequest[], path: string): string[] {
  return requests.filter((r) => new URL(r.url).pathname === path).map((r) => new URL(r.url).search);
}

Deno.test("init --openapi from a URL, then dltx run loads every resource with its paging and children", async () => {
  await using api = await startShopApi();
  await using p = await tempProject();
  const init = await p.dltx([
    "init",
    "--openapi",
    `${api.url}/openapi.yaml`,
    "--all",
    "--name",
    "shop",
  ]);
  equal(init.code, 0, init.stderr);
  match(init.stdout, /Generated a connector from .*openapi\.yaml \(Shop API, OpenAPI 3\.0\.3\)/);
  match(
    init.stdout,
    /shop\.yaml +resources customers, customer, orders, lines, products, events, staff, search, me \(created\)/,
  );
  match(init.stdout, /Skipped 2 endpoint\(s\) that answer no JSON records \(sales_csv, ping\)/);
  match(init.stdout, /shop_pipeline\.ts +the pipeline \(created\)/);
  for (
    const file of [
      "shop.yaml",
      "shop-docs.yaml",
      "shop_pipeline.ts",
      ".dlt/config.toml",
      ".dlt/secrets.toml",
    ]
  ) {
    ok((await Deno.stat(p.path(file))).isFile, file);
  }
  const yaml = await Deno.readTextFile(p.path("shop.yaml"));
  // The relative server /v1 resolved against the spec's URL.
  match(yaml, new RegExp(`default: ${api.url}/v1/`));
  match(
    yaml,
    /# {3}GET \/reports\/sales\.csv \(sales_csv\): it answers text\/csv, not JSON records\./,
  );
  const secrets = await Deno.readTextFile(p.path(".dlt/secrets.toml"));
  match(secrets, /# token = "<token>"/);

  const specRequests = api.requests.length;
  const run = await p.dltx(["run", "./shop.yaml"], RUN_ENV);
  equal(run.code, 0, run.stderr);
  equal(`${run.stdout}${run.stderr}`.includes(SHOP_TOKEN), false, "the token leaked");
  deepEqual(
    await counts(p, [
      "customers",
      "customer",
      "orders",
      "lines",
      "products",
      "events",
      "staff",
      "search",
      "me",
      "me__roles",
      "customers__tags",
    ]),
    {
      customer: 5,
      customers: 5,
      customers__tags: 2,
      events: 7,
      lines: 12,
      me: 1,
      me__roles: 1,
      orders: 6,
      products: 5,
      search: 2,
      staff: 2,
    },
  );
  const requests = api.requests.slice(specRequests);
  for (const r of requests) equal(r.headers.get("authorization"), `Bearer ${SHOP_TOKEN}`);
  // page_number with the page count: three pages, no empty fourth. Pages after the first are
  // fetched concurrently (the count is known), so they may arrive in any order.
  deepEqual(queries(requests, "/v1/customers").sort(), [
    "?per_page=2&page=1",
    "?per_page=2&page=2",
    "?per_page=2&page=3",
  ]);
  // offset/limit with the total: customer 1 has 3 orders.
  deepEqual(queries(requests, "/v1/customers/1/orders").sort(), [
    "?offset=0&limit=2",
    "?offset=2&limit=2",
  ]);
  // A cursor from the body, sent back until it is null.
  equal(queries(requests, "/v1/products").length, 3);
  // Link headers: 7 events, 3 a page.
  deepEqual(queries(requests, "/v1/events"), [
    "?per_page=3",
    "?page=2&per_page=3",
    "?page=3&per_page=3",
  ]);
  deepEqual(queries(requests, "/v1/search"), ["?q=lamp"]);
  deepEqual(queries(requests, "/v1/stores/7/staff"), [""]);
  // The grandchild's path has the customer (through the orders' records) and the order.
  const lines = await p.query(
    DB,
    `SELECT DISTINCT _orders_id AS o FROM ${DS}.lines ORDER BY o`,
  );
  deepEqual(lines.map((r) => Number(r.o)), [101, 102, 103, 201, 401, 402]);
  const orders = await p.query(
    DB,
    `SELECT id, _customers_id AS c FROM ${DS}.orders WHERE id = 402`,
  );
  deepEqual(orders.map((r) => [Number(r.id), Number(r.c)]), [[402, 4]]);
  const [customer] = await p.query(DB, `SELECT notes FROM ${DS}.customer WHERE id = 3`);
  equal(customer.notes, "notes of 3");
  const products = await p.query(DB, `SELECT product_id FROM ${DS}.products ORDER BY 1`);
  deepEqual(products.map((r) => r.product_id), SHOP.products.map((x) => x.product_id));

  // The replace default: a second run leaves the same counts.
  const again = await p.dltx(["run", "./shop.yaml"], RUN_ENV);
  equal(again.code, 0, again.stderr);
  deepEqual(await counts(p, ["customers", "lines"]), { customers: 5, lines: 12 });
});

Deno.test("init --openapi --format ts writes a TS plugin that runs in the sandbox and loads the same rows", async () => {
  await using api = await startShopApi();
  await using p = await tempProject();
  const init = await p.dltx([
    "init",
    "--openapi",
    `${api.url}/openapi.yaml`,
    "--endpoints",
    "lines,events",
    "--name",
    "shop",
    "--format",
    "ts",
  ]);
  equal(init.code, 0, init.stderr);
  match(
    init.stdout,
    /shop\.ts +resources lines, events; customers, orders only as parents \(created\)/,
  );
  const ts = await Deno.readTextFile(p.path("shop.ts"));
  match(ts, /^import type \{ Connector \} from "dltx";$/m);
  match(ts, /\} satisfies Connector;/);
  const pipeline = await Deno.readTextFile(p.path("shop_pipeline.ts"));
  match(pipeline, /import definition from "\.\/shop\.ts";/);

  const run = await p.dltx(["run", "./shop.ts"], RUN_ENV);
  equal(run.code, 0, run.stderr);
  deepEqual(await counts(p, ["lines", "events"]), { events: 7, lines: 12 });
  // Parents only feed their children: no tables of their own.
  const tables = await p.query(
    DB,
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = '${DS}' AND table_name NOT LIKE '_dlt%' ORDER BY 1`,
  );
  deepEqual(tables.map((r) => r.t), ["events", "lines"]);
});

Deno.test("init --openapi reads a spec file offline; a relative server becomes a required base_url", async () => {
  await using p = await tempProject();
  // No API is running: reading a file spec needs no network.
  const init = await p.dltx([
    "init",
    "--openapi",
    SPEC_FILE,
    "--endpoints",
    "listProducts,/me",
    "--name",
    "shop",
  ]);
  equal(init.code, 0, init.stderr);
  const yaml = await Deno.readTextFile(p.path("shop.yaml"));
  match(
    yaml,
    /base_url:\n {4}doc: "?The API's base URL, ending in \/v1: the spec's server is relative/,
  );
  match(init.stdout, /Set base_url in \.dlt\/config\.toml/);
  const docs = await Deno.readTextFile(p.path("shop-docs.yaml"));
  match(docs, /- name: products\n {4}endpoint: GET \/products/);
  match(docs, /other_get_endpoints:\n {2}customers: GET \/customers - List customers\n/);

  // Run against the API, base_url from an env var.
  await using api = await startShopApi();
  const run = await p.dltx(["run", "./shop.yaml"], {
    SOURCES__SHOP__TOKEN: SHOP_TOKEN,
    SOURCES__SHOP__BASE_URL: `${api.url}/v1`,
  });
  equal(run.code, 0, run.stderr);
  deepEqual(await counts(p, ["products", "me"]), { me: 1, products: 5 });
});

Deno.test("init --openapi without --endpoints or --all and no terminal says how to choose, writing nothing", async () => {
  await using p = await tempProject();
  const res = await p.dltx(["init", "--openapi", SPEC_FILE]);
  equal(res.code, 1);
  match(
    res.stderr,
    /Choose the endpoints to load: --endpoints <names> or --all \(there is no terminal to ask on\)\. The spec has 11 GET endpoint\(s\): customers \(GET \/customers\),/,
  );
  deepEqual([...Deno.readDirSync(p.dir)].map((e) => e.name).sort(), ["_home"]);

  const unknown = await p.dltx(["init", "--openapi", SPEC_FILE, "--endpoints", "order"]);
  equal(unknown.code, 1);
  match(
    unknown.stderr,
    /the spec has no GET endpoint "order" .*; did you mean orders \(GET \/customers\/\{customer_id\}\/orders\)/,
  );
  const post = await p.dltx(["init", "--openapi", SPEC_FILE, "--endpoints", "createCustomer"]);
  equal(post.code, 1);
  match(post.stderr, /no GET endpoint "createCustomer"/);
  const both = await p.dltx(["init", "--openapi", SPEC_FILE, "--endpoints", "me", "--all"]);
  equal(both.code, 1);
  match(both.stderr, /Pass --endpoints or --all, not both/);
  const skippedOnly = await p.dltx(["init", "--openapi", SPEC_FILE, "--endpoints", "ping"]);
  equal(skippedOnly.code, 1);
  match(
    skippedOnly.stderr,
    /None of the chosen endpoints answers JSON records: GET \/ping: it answers 204 No Content/,
  );
  const format = await p.dltx(["init", "--openapi", SPEC_FILE, "--all", "--format", "json"]);
  equal(format.code, 1);
  match(format.stderr, /--format must be yaml or ts/);
  deepEqual([...Deno.readDirSync(p.dir)].map((e) => e.name).sort(), ["_home"]);
});

Deno.test("init --openapi refuses an invalid spec with its first problem, and overwrites nothing without --force", async () => {
  await using p = await tempProject();
  const broken = (await Deno.readTextFile(SPEC_FILE)).replace("in: query", "in: body-ish");
  await Deno.writeTextFile(p.path("broken.yaml"), broken);
  const bad = await p.dltx(["init", "--openapi", "broken.yaml", "--all"]);
  equal(bad.code, 1);
  match(
    bad.stderr,
    /^error: The OpenAPI spec broken\.yaml is invalid: paths\["\/customers"\]\.get\.parameters\[0\]\.in must be equal to one of the allowed values/,
  );
  equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);

  const first = await p.dltx([
    "init",
    "--openapi",
    SPEC_FILE,
    "--endpoints",
    "me",
    "--name",
    "shop",
  ]);
  equal(first.code, 0, first.stderr);
  await Deno.writeTextFile(p.path("shop.yaml"), "# my edits\n");
  const second = await p.dltx([
    "init",
    "--openapi",
    SPEC_FILE,
    "--endpoints",
    "events",
    "--name",
    "shop",
  ]);
  equal(second.code, 1);
  match(
    second.stderr,
    /dltx init would overwrite what is there: shop\.yaml, shop-docs\.yaml, shop_pipeline\.ts, \.dlt\/config\.toml, \.dlt\/secrets\.toml exist\. Nothing was written/,
  );
  equal(await Deno.readTextFile(p.path("shop.yaml")), "# my edits\n");
  const forced = await p.dltx([
    "init",
    "--openapi",
    SPEC_FILE,
    "--endpoints",
    "events",
    "--name",
    "shop",
    "--force",
  ]);
  equal(forced.code, 0, forced.stderr);
  match(forced.stdout, /shop\.yaml +resources events \(overwritten\)/);
  match(await Deno.readTextFile(p.path("shop.yaml")), /- name: events/);
});

Deno.test("init --openapi refuses plain http to another host and takes only a destination", async () => {
  await using p = await tempProject();
  const http = await p.dltx(["init", "--openapi", "http://api.example.com/openapi.json", "--all"]);
  equal(http.code, 1);
  match(
    http.stderr,
    /only https:\/\/ URLs are fetched \(http:\/\/ only for 127\.0\.0\.1 and localhost\)/,
  );
  const two = await p.dltx(["init", "--openapi", SPEC_FILE, "duckdb", "filesystem", "--all"]);
  equal(two.code, 1);
  match(two.stderr, /takes one argument, the destination/);
  const files = await p.dltx([
    "init",
    "--openapi",
    SPEC_FILE,
    "filesystem",
    "--endpoints",
    "me",
    "--name",
    "shop",
  ]);
  equal(files.code, 0, files.stderr);
  match(await Deno.readTextFile(p.path(".dlt/config.toml")), /\[destination\.filesystem\]/);
});
