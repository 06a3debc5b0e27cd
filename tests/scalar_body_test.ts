/**
 * A response that is a single scalar (`"hello"`, `42`) is one `value` row in dlt. For a
 * resource with a primary key that is a wrong endpoint or a missing data_selector, so it fails
 * naming the resource, unless the resource's data_selector points at the scalar.
 */
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { json, serve, tempProject } from "./_helpers.ts";

function api() {
  return (req: Request) => {
    const path = new URL(req.url).pathname;
    if (path === "/hello") return json("hello");
    if (path === "/answer") return json(42);
    if (path === "/stats") return json({ count: 7 });
    return json([{ id: 1 }]);
  };
}

function connector(base: string, resource: Record<string, unknown>) {
  return {
    name: "scalars",
    client: { base_url: base, paginator: "single_page" },
    resources: [{ name: "things", ...resource }],
  };
}

Deno.test("a scalar body of a resource with a primary key fails naming the resource", async () => {
  await using server = serve(api());
  await using p = await tempProject();
  for (const [path, shown] of [["hello", '"hello"'], ["answer", "42"]]) {
    const file = await p.writeConnector(
      connector(server.url, { primary_key: "id", endpoint: { path } }),
    );
    const res = await p.dltx(["run", file]);
    equal(res.code, 1, res.stderr);
    const errors = res.stderr.split("\n").filter((l) => l.startsWith("error"));
    equal(errors.length, 1, res.stderr);
    match(
      errors[0],
      new RegExp(
        `^error: Resource "things" has the primary key id, but the response of GET ` +
          `${server.url}/${path} is a single \\w+ \\(${shown}\\), not records;`,
      ),
    );
    ok(!/internal error/.test(res.stderr), res.stderr);
    equal(await Deno.stat(p.path("scalars_pipeline.duckdb")).catch(() => undefined), undefined);
  }
});

Deno.test("a scalar body is a value row without a primary key or when data_selector points at it", async () => {
  await using server = serve(api());
  const cases: [Record<string, unknown>, unknown[]][] = [
    [{ endpoint: { path: "hello" } }, ["hello"]],
    [{ primary_key: "id", endpoint: { path: "answer", data_selector: "$" } }, [42]],
    [{ primary_key: "id", endpoint: { path: "stats", data_selector: "count" } }, [7]],
  ];
  for (const [resource, values] of cases) {
    await using p = await tempProject();
    const file = await p.writeConnector(connector(server.url, resource));
    const res = await p.dltx(["run", file]);
    equal(res.code, 0, `${JSON.stringify(resource)}: ${res.stderr}`);
    const rows = await p.query(
      "scalars_pipeline.duckdb",
      "SELECT value FROM scalars_pipeline_dataset.things",
    );
    deepStrictEqual(
      rows.map((r) => typeof r.value === "bigint" ? Number(r.value) : r.value),
      values,
    );
  }
});
