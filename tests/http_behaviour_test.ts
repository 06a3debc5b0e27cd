import { equal, match } from "node:assert/strict";
import { json, serve, tempProject } from "./_helpers.ts";

async function runAgainst(handler: (req: Request) => Response, resources: unknown[] = ["items"]) {
  await using server = serve(handler);
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "flaky",
    client: { base_url: server.url, paginator: "single_page" },
    resources,
  });
  const res = await p.dltx(["run", connector]);
  const rows = res.code === 0
    ? await p.query(
      "flaky_pipeline.duckdb",
      "SELECT count(*) AS n FROM flaky_pipeline_dataset.items",
    )
    : [{ n: 0 }];
  return { res, rows: Number(rows[0].n), requests: server.requests.length };
}

Deno.test("a 429 with Retry-After is retried after the given wait", async () => {
  let calls = 0;
  const started = Date.now();
  const { res, rows, requests } = await runAgainst(() =>
    ++calls === 1
      ? json({ message: "slow down" }, { status: 429, headers: { "retry-after": "1" } })
      : json([{ id: 1 }, { id: 2 }])
  );
  equal(res.code, 0, res.stderr);
  equal(rows, 2);
  equal(requests, 2);
  equal(Date.now() - started >= 1000, true, "did not wait for Retry-After");
  match(res.stderr, /429/);
});

Deno.test("a 500 that recovers is retried", async () => {
  let calls = 0;
  const { res, rows, requests } = await runAgainst(() =>
    ++calls <= 1 ? json({ error: "boom" }, { status: 500 }) : json({ items: [{ id: 1 }] })
  );
  equal(res.code, 0, res.stderr);
  equal(rows, 1);
  equal(requests, 2);
});

Deno.test("response_actions ignore a 404 of one resource", async () => {
  const { res, rows } = await runAgainst(
    (req) =>
      new URL(req.url).pathname === "/gone"
        ? json({ message: "Not Found" }, { status: 404 })
        : json([{ id: 1 }]),
    [
      "items",
      {
        name: "gone",
        endpoint: { path: "gone", response_actions: [{ status_code: 404, action: "ignore" }] },
      },
    ],
  );
  equal(res.code, 0, res.stderr);
  equal(rows, 1);
});

Deno.test("a 401 fails with dlt's client error wording", async () => {
  const { res } = await runAgainst(() => json({ message: "Bad credentials" }, { status: 401 }));
  equal(res.code, 1);
  match(res.stderr, /401 Client Error: Unauthorized for url: http:\/\/127\.0\.0\.1:\d+\/items/);
});
