import { deepEqual, equal } from "node:assert/strict";
import { json, serve, tempProject } from "./_helpers.ts";

const ISSUES = [1, 2, 3].map((n) => ({
  number: n,
  title: `Issue ${n}`,
  user: { login: `user${n}`, id: 100 + n },
  labels: Array.from({ length: n }, (_, i) => ({ name: `l${i}`, tags: [`t${i}`, `u${i}`] })),
}));

function api(req: Request): Response {
  const url = new URL(req.url);
  if (url.pathname === "/issues") return json(ISSUES);
  const m = url.pathname.match(/^\/issues\/(\d+)\/comments$/);
  if (m) {
    const n = Number(m[1]);
    return json(Array.from({ length: n }, (_, i) => ({ id: n * 10 + i, body: `c${i}` })));
  }
  return json({ message: "not found" }, { status: 404 });
}

Deno.test("child resource runs per parent item and includes parent fields", async () => {
  await using server = serve(api);
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "tracker",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [
      { name: "issues", endpoint: "issues", primary_key: "number" },
      {
        name: "comments",
        include_from_parent: ["number", "user.login"],
        endpoint: { path: "issues/{resources.issues.number}/comments" },
      },
    ],
  });
  const res = await p.dltx(["run", connector]);
  equal(res.code, 0, res.stderr);
  const rows = await p.query(
    "tracker_pipeline.duckdb",
    `SELECT id, _issues_number AS n, _issues_user__login AS login
     FROM tracker_pipeline_dataset.comments ORDER BY id`,
  );
  deepEqual(rows.map((r) => [Number(r.id), Number(r.n), r.login]), [
    [10, 1, "user1"],
    [20, 2, "user2"],
    [21, 2, "user2"],
    [30, 3, "user3"],
    [31, 3, "user3"],
    [32, 3, "user3"],
  ]);
});

Deno.test("legacy resolve params and an unselected parent", async () => {
  await using server = serve(api);
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "tracker",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [
      { name: "issues", endpoint: "issues", selected: false },
      {
        name: "comments",
        endpoint: {
          path: "issues/{issue}/comments",
          params: { issue: { type: "resolve", resource: "issues", field: "number" } },
        },
      },
    ],
  });
  const res = await p.dltx(["run", connector]);
  equal(res.code, 0, res.stderr);
  const tables = await p.query(
    "tracker_pipeline.duckdb",
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'tracker_pipeline_dataset' ORDER BY 1`,
  );
  const names = tables.map((t) => t.table_name);
  equal(names.includes("issues"), false, "unselected parent must not be loaded");
  equal(names.includes("comments"), true);
  const [row] = await p.query(
    "tracker_pipeline.duckdb",
    "SELECT count(*) AS n FROM tracker_pipeline_dataset.comments",
  );
  equal(Number(row.n), 6);
});

Deno.test("nested objects flatten and lists become child tables, two levels deep", async () => {
  await using server = serve(api);
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "tracker",
    client: { base_url: server.url, paginator: "single_page" },
    resources: ["issues"],
  });
  const res = await p.dltx(["run", connector]);
  equal(res.code, 0, res.stderr);
  const db = "tracker_pipeline.duckdb";
  const issues = await p.query(
    db,
    `SELECT number, user__login, user__id, _dlt_id, _dlt_load_id
     FROM tracker_pipeline_dataset.issues ORDER BY number`,
  );
  deepEqual(issues.map((r) => [Number(r.number), r.user__login, Number(r.user__id)]), [
    [1, "user1", 101],
    [2, "user2", 102],
    [3, "user3", 103],
  ]);
  const labels = await p.query(
    db,
    `SELECT i.number, l.name, l._dlt_list_idx AS idx
     FROM tracker_pipeline_dataset.issues__labels l
     JOIN tracker_pipeline_dataset.issues i ON l._dlt_parent_id = i._dlt_id
     ORDER BY i.number, idx`,
  );
  equal(labels.length, 1 + 2 + 3);
  deepEqual(labels.slice(0, 3).map((r) => [Number(r.number), r.name, Number(r.idx)]), [
    [1, "l0", 0],
    [2, "l0", 0],
    [2, "l1", 1],
  ]);
  const tags = await p.query(
    db,
    `SELECT t.value, t._dlt_list_idx AS idx FROM tracker_pipeline_dataset.issues__labels__tags t
     JOIN tracker_pipeline_dataset.issues__labels l ON t._dlt_parent_id = l._dlt_id
     WHERE l.name = 'l1' ORDER BY t.value`,
  );
  deepEqual(tags.map((r) => r.value), ["t1", "t1", "u1", "u1"]);
  const [loads] = await p.query(
    db,
    "SELECT count(*) AS n, min(status) AS status FROM tracker_pipeline_dataset._dlt_loads",
  );
  equal(Number(loads.n), 1);
  equal(Number(loads.status), 0);
});
