import { deepStrictEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { parseJson } from "../core/json/mod.ts";
import {
  type BenchApiOptions,
  expectedBenchCounts,
  expectedBenchIds,
  FIRST_ISSUE_ID,
  issueId,
  startBenchApi,
  TEMPLATE_POOL_SIZE,
  writeBenchJsonl,
} from "./bench_api.ts";

type Issue = Record<string, unknown>;

/** Follows `Link: rel="next"` from page 1, as the header_link paginator does. */
async function fetchAll(url: string): Promise<{ records: Issue[]; pages: number }> {
  const records: Issue[] = [];
  let pages = 0;
  for (let next: string | undefined = `${url}/issues`; next; pages++) {
    const res: Response = await fetch(next);
    equal(res.status, 200);
    // Exact: the ids are past 2^53.
    const page = parseJson(await res.text()) as Issue[];
    records.push(...page);
    next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get("link") ?? "")?.[1];
  }
  return { records, pages };
}

Deno.test("startBenchApi() serves every record once over Link-paginated pages", async () => {
  // More rows than templates: ids must stay unique when templates repeat.
  const rows = TEMPLATE_POOL_SIZE + 2_500;
  const api = await startBenchApi({ rows, pageSize: 1000 });
  try {
    const { records, pages } = await fetchAll(api.url);
    equal(pages, 13);
    equal(records.length, rows);
    equal(new Set(records.map((r) => r.id)).size, rows);
    equal(records[0].id, 1234567891000000000n);
    equal(records[0].id, FIRST_ISSUE_ID.snowflake);
    equal(records[rows - 1].number, rows);
    // Template reuse keeps the content but not the identity.
    equal(records[TEMPLATE_POOL_SIZE].title, records[0].title);
    equal(records[TEMPLATE_POOL_SIZE].id, issueId(TEMPLATE_POOL_SIZE));
    const labels = records.reduce((sum, r) => sum + (r.labels as unknown[]).length, 0);
    deepStrictEqual(expectedBenchCounts(rows), { issues: rows, labels });
  } finally {
    await api.close();
  }
});

Deno.test("startBenchApi() records look like GitHub issues", async () => {
  const api = await startBenchApi({ rows: 500 });
  try {
    const { records, pages } = await fetchAll(api.url);
    equal(pages, 1);
    for (const issue of records) {
      deepStrictEqual(Object.keys(issue), [
        "id",
        "number",
        "title",
        "user",
        "labels",
        "state",
        "locked",
        "assignee",
        "comments",
        "created_at",
        "updated_at",
        "closed_at",
        "body",
        "reactions",
        "score",
      ]);
      const body = issue.body as string;
      ok(body.length >= 100 && body.length <= 800, `body length ${body.length}`);
      ok((issue.labels as unknown[]).length <= 4);
      deepStrictEqual(Object.keys(issue.user as Issue), ["login", "id", "type", "site_admin"]);
      equal(issue.closed_at === null, issue.state === "open");
      ok(typeof issue.score === "number" && !Number.isInteger(issue.score));
      ok(Object.values(issue.reactions as Issue).every(Number.isInteger));
    }
    ok(records.some((r) => r.assignee === null) && records.some((r) => r.assignee !== null));
  } finally {
    await api.close();
  }
});

Deno.test("startBenchApi() answers past the last page with [] and bad pages with 422", async () => {
  const api = await startBenchApi({ rows: 10, pageSize: 4 });
  try {
    const last = await fetch(`${api.url}/issues?page=3`);
    equal((await last.json()).length, 2);
    ok(!(last.headers.get("link") ?? "").includes('rel="next"'));
    const past = await fetch(`${api.url}/issues?page=9`);
    deepStrictEqual(await past.json(), []);
    const bad = await fetch(`${api.url}/issues?page=0`);
    equal(bad.status, 422);
    await bad.body?.cancel();
    const missing = await fetch(`${api.url}/pulls`);
    equal(missing.status, 404);
    await missing.body?.cancel();
  } finally {
    await api.close();
  }
  const empty = await startBenchApi({ rows: 0 });
  try {
    const { records, pages } = await fetchAll(empty.url);
    equal(pages, 1);
    equal(records.length, 0);
  } finally {
    await empty.close();
  }
});

Deno.test("writeBenchJsonl() writes exactly the records the API serves", async () => {
  const rows = 3_210;
  const dir = await Deno.makeTempDir();
  const api = await startBenchApi({ rows, pageSize: 1000 });
  try {
    const path = join(dir, "issues.jsonl");
    await writeBenchJsonl(path, rows);
    const text = await Deno.readTextFile(path);
    ok(text.endsWith("}\n"));
    const lines = text.slice(0, -1).split("\n");
    equal(lines.length, rows);
    const { records } = await fetchAll(api.url);
    deepStrictEqual(lines.map((line) => parseJson(line)), records);
    await writeBenchJsonl(path, 0);
    equal(await Deno.readTextFile(path), "");
  } finally {
    await api.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("expectedBenchIds() describes exactly the ids the API serves, of either kind", async () => {
  for (const ids of ["snowflake", "small"] as const satisfies BenchApiOptions["ids"][]) {
    const rows = 2_345;
    const api = await startBenchApi({ rows, pageSize: 1000, ids });
    try {
      const served = (await fetchAll(api.url)).records.map((r) => BigInt(r.id as bigint));
      const sum = served.reduce((a, b) => a + b, 0n);
      deepStrictEqual(expectedBenchIds(rows, ids), {
        min: String(served[0]),
        max: String(served[rows - 1]),
        distinct: new Set(served).size,
        sum: String(sum),
      });
    } finally {
      await api.close();
    }
  }
  equal(expectedBenchIds(1, "small").min, "1000000000");
  // Snowflake-style ids are past 2^53, where a plain JSON.parse rounds them.
  ok(BigInt(expectedBenchIds(1).min) > BigInt(Number.MAX_SAFE_INTEGER));
});

Deno.test("startBenchApi() and expectedBenchCounts() reject invalid counts", async () => {
  await rejects(startBenchApi({ rows: 10, pageSize: 0 }), UserError);
  await rejects(startBenchApi({ rows: -1 }), /"rows" must be an integer >= 0, got -1/);
  throws(() => expectedBenchCounts(1.5), UserError);
});
