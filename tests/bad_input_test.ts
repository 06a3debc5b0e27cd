/**
 * Each bad input gets one clear error, a non-zero exit, and the DuckDB file exactly as it was
 * before the run.
 */
import { equal, match } from "node:assert/strict";
import { fileHash, json, serve, tempProject } from "./_helpers.ts";

type Mode = "good" | "malformed" | "html" | "wrong_shape";

interface Case {
  mode: Mode;
  connector?: (base: string) => Record<string, unknown>;
  env?: Record<string, string>;
  expect: RegExp;
}

function connectorFor(base: string, patch: Record<string, unknown> = {}) {
  return {
    name: "shop",
    config: { api_key: { secret: true } },
    client: {
      base_url: base,
      paginator: "single_page",
      auth: { type: "api_key", name: "X-Key", api_key: "{api_key}" },
    },
    resources: [{ name: "orders", endpoint: { path: "orders", data_selector: "data" } }],
    ...patch,
  };
}

async function expectCleanFailure(c: Case) {
  let mode: Mode = "good";
  await using server = serve(() => {
    switch (mode) {
      case "good":
        return json({ data: [{ id: 1, total: 9.5 }, { id: 2, total: 3 }] });
      case "malformed":
        return new Response('{"data": [{"id": 1,', {
          headers: { "content-type": "application/json" },
        });
      case "html":
        return new Response("<!doctype html><html><body>Login</body></html>", {
          headers: { "content-type": "text/html" },
        });
      case "wrong_shape":
        return json({ results: [{ id: 1 }] });
    }
  });
  await using p = await tempProject();
  const env = { SOURCES__SHOP__API_KEY: "key-abcdef-123" };
  const good = await p.writeConnector(connectorFor(server.url), "good.json");
  const first = await p.dltx(["run", good], env);
  equal(first.code, 0, first.stderr);
  const db = p.path("shop_pipeline.duckdb");
  const before = await fileHash(db);

  mode = c.mode;
  const bad = await p.writeConnector(
    c.connector ? c.connector(server.url) : connectorFor(server.url),
    "bad.json",
  );
  const res = await p.dltx(["run", bad], c.env ?? env);
  equal(res.code, 1, `expected exit 1, got ${res.code}: ${res.stderr}`);
  match(res.stderr, c.expect);
  equal(res.stderr.includes("key-abcdef-123"), false, "secret leaked into the error");
  equal(res.stdout, "", "nothing but the error is printed");
  equal(await fileHash(db), before, "the DuckDB file changed");
  const [row] = await p.query(db, "SELECT count(*) AS n FROM shop_pipeline_dataset.orders");
  equal(Number(row.n), 2);
}

Deno.test("malformed JSON body", () =>
  expectCleanFailure({ mode: "malformed", expect: /not valid JSON/ }));

Deno.test("HTML instead of JSON", () =>
  expectCleanFailure({ mode: "html", expect: /HTML, not JSON/ }));

Deno.test("a data_selector that matches nothing", () =>
  expectCleanFailure({ mode: "wrong_shape", expect: /data_selector "data" matched nothing/ }));

Deno.test("a missing secret fails before any request, listing the keys tried", () =>
  expectCleanFailure({
    mode: "good",
    env: {},
    expect: /Missing 1 field\(s\)[\s\S]*SOURCES__SHOP__API_KEY[\s\S]*secrets\.toml/,
  }));

Deno.test("an unknown paginator type", () =>
  expectCleanFailure({
    mode: "good",
    connector: (base) =>
      connectorFor(base, {
        client: { base_url: base, paginator: { type: "pages" } },
      }),
    expect: /paginator[\s\S]*"pages"/,
  }));

Deno.test("an unreachable host", () =>
  expectCleanFailure({
    mode: "good",
    // Port 9 (discard) on loopback: nothing listens there, the connection is refused.
    connector: (_base) => connectorFor("http://127.0.0.1:9"),
    env: { SOURCES__SHOP__API_KEY: "key-abcdef-123", RUNTIME__REQUEST_MAX_ATTEMPTS: "2" },
    expect: /127\.0\.0\.1:9/,
  }));

Deno.test("an unknown command-line option is a usage error", async () => {
  await using p = await tempProject();
  const res = await p.dltx(["run", "demo", "--frobnicate"]);
  equal(res.code, 2);
  match(res.stderr, /unknown option '--frobnicate'/);
});
