/** Connectors as TS modules (with processing steps) and as YAML files. */
import { deepEqual, equal, match } from "node:assert/strict";
import { json, serve, tempProject } from "./_helpers.ts";

const USERS = [
  { id: 1, name: "Ada", active: true },
  { id: 2, name: "Bob", active: false },
  { id: 3, name: "Cy", active: true },
];

Deno.test("a TS connector's processing_steps filter and map records in order", async () => {
  await using server = serve(() => json({ data: USERS }));
  await using p = await tempProject();
  await Deno.writeTextFile(
    p.path("people.ts"),
    `export default {
  name: "people",
  client: { base_url: ${JSON.stringify(server.url)}, paginator: "single_page" },
  resources: [{
    name: "users",
    endpoint: { path: "users", data_selector: "data" },
    processing_steps: [
      { filter: (u) => u.active },
      { map: (u) => ({ ...u, name: u.name.toUpperCase() }) },
    ],
  }],
};
`,
  );
  const res = await p.dltx(["run", "people.ts"]);
  equal(res.code, 0, res.stderr);
  const rows = await p.query(
    "people_pipeline.duckdb",
    "SELECT id, name FROM people_pipeline_dataset.users ORDER BY id",
  );
  deepEqual(rows.map((r) => [r.id, r.name]), [[1, "ADA"], [3, "CY"]]);
});

Deno.test("a YAML connector loads, and a YAML error names the file and line", async () => {
  await using server = serve(() => json({ data: USERS }));
  await using p = await tempProject();
  await Deno.writeTextFile(
    p.path("people.yaml"),
    `name: people
client:
  base_url: ${server.url}
  paginator: single_page
resources:
  - name: users
    table_name: people
    endpoint:
      path: users
      data_selector: $.data
`,
  );
  const res = await p.dltx(["run", "people.yaml"]);
  equal(res.code, 0, res.stderr);
  const [row] = await p.query(
    "people_pipeline.duckdb",
    "SELECT count(*) AS n FROM people_pipeline_dataset.people",
  );
  equal(Number(row.n), 3);

  await Deno.writeTextFile(p.path("broken.yaml"), "name: broken\nclient:\n  base_url: [oops\n");
  const bad = await p.dltx(["run", "broken.yaml"]);
  equal(bad.code, 1);
  match(bad.stderr, /broken\.yaml/);
  match(bad.stderr, /line \d+/);
});

Deno.test("an unknown key in a connector is named with a suggestion", async () => {
  await using p = await tempProject();
  await p.writeConnector({
    name: "typo",
    client: { base_url: "http://127.0.0.1:1" },
    resources: [{ name: "x", endpoint: { path: "x", data_selecter: "data" } }],
  }, "typo.json");
  const res = await p.dltx(["run", "typo.json"]);
  equal(res.code, 1);
  match(res.stderr, /resources\[0\]\.endpoint\.data_selecter/);
  match(res.stderr, /data_selector/);
});

Deno.test("a dlt RESTAPIConfig pasted as JSON runs as is: named after its file, paginator auto", async () => {
  // Two pages linked by `next`: only detection finds the second one.
  await using server = serve((req) => {
    const page = new URL(req.url).searchParams.get("page") ?? "1";
    const base = new URL(req.url).origin;
    return page === "1"
      ? json({ data: USERS.slice(0, 2), next: `${base}/users?page=2` })
      : json({ data: USERS.slice(2), next: null });
  });
  await using p = await tempProject();
  // dlt's RESTAPIConfig has no `name`; `paginator: "auto"` and `{type: "auto"}` mean detect.
  await p.writeConnector({
    client: { base_url: server.url, paginator: "auto" },
    resources: [{ name: "users", endpoint: { path: "users", paginator: { type: "auto" } } }],
  }, "git-hub.json");
  const res = await p.dltx(["run", "git-hub.json"]);
  equal(res.code, 0, res.stderr);
  match(res.stdout, /^Pipeline git_hub_pipeline load step completed/m);
  match(res.stderr, /detected paginator json_link/);
  const [row] = await p.query(
    "git_hub_pipeline.duckdb",
    "SELECT count(*) AS n FROM git_hub_pipeline_dataset.users",
  );
  equal(Number(row.n), 3);

  // `dltx add` takes the same name, and the vendored copy runs under it.
  const add = await p.dltx(["add", "connector", "./git-hub.json"]);
  equal(add.code, 0, add.stderr);
  match(add.stdout, /Added connector "git_hub"/);
  const again = await p.dltx(["run", "git_hub", "--pipeline", "vendored"]);
  equal(again.code, 0, again.stderr);
  const [vendored] = await p.query(
    "vendored.duckdb",
    "SELECT count(*) AS n FROM vendored_dataset.users",
  );
  equal(Number(vendored.n), 3);
});

Deno.test("the connector types check by path with no import map (no npm package behind them)", async () => {
  await using p = await tempProject();
  const types = new URL("../core/source/types.ts", import.meta.url).href;
  await Deno.writeTextFile(
    p.path("shop.ts"),
    `import type { Connector } from "${types}";\n` +
      `export default {\n  name: "shop",\n  client: { base_url: "https://x/" },\n` +
      `  resources: ["orders"],\n} satisfies Connector;\n`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--no-config", "--no-lock", "shop.ts"],
    cwd: p.dir,
    env: p.env,
    clearEnv: true,
    stderr: "piped",
  }).output();
  equal(out.code, 0, new TextDecoder().decode(out.stderr));
});
