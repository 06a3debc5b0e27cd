/**
 * Micro benchmark of the normalizer over GitHub-issue-like records: a nested user object, a
 * list of label objects, timestamps and nullable fields. Run with
 * `deno bench core/normalize/normalizer_bench.ts`; records/s = 20,000 / the reported time. The
 * second case checks a schema contract on every new column and variant (the first run creates
 * the table, so nothing is discarded; it measures the cost of the checked path). The third has
 * two keys that become one column in every record (the collision path of every row).
 *
 * @module
 */

import { newSchema } from "../schema/mod.ts";
import type { ResourceInfo } from "../source/mod.ts";
import { Normalizer } from "./normalizer.ts";

const RECORDS = 20_000;

function user(i: number): Record<string, unknown> {
  return {
    login: `user${i % 500}`,
    id: 1000 + (i % 500),
    node_id: `MDQ6VXNlcj${i % 500}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${i % 500}?v=4`,
    gravatar_id: "",
    url: `https://api.github.com/users/user${i % 500}`,
    html_url: `https://github.com/user${i % 500}`,
    type: "User",
    site_admin: false,
  };
}

/** A GitHub issue as the REST API returns it (the fields that matter for normalizing). */
function issue(i: number): Record<string, unknown> {
  const closed = i % 3 === 0;
  return {
    url: `https://api.github.com/repos/o/r/issues/${i}`,
    id: 100000 + i,
    node_id: `I_kwDOA${i}`,
    number: i,
    title: `Issue number ${i}: something is broken`,
    user: user(i),
    labels: Array.from({ length: i % 4 }, (_, j) => ({
      id: 200 + j,
      name: ["bug", "enhancement", "question"][j % 3],
      color: "d73a4a",
      default: j === 0,
      description: j === 1 ? null : "Something isn't working",
    })),
    state: closed ? "closed" : "open",
    locked: false,
    assignee: i % 5 === 0 ? user(i + 1) : null,
    milestone: null,
    comments: i % 17,
    created_at: "2024-01-02T03:04:05Z",
    updated_at: "2024-02-03T04:05:06Z",
    closed_at: closed ? "2024-03-04T05:06:07Z" : null,
    author_association: "CONTRIBUTOR",
    body: i % 7 === 0 ? null : `Steps to reproduce ${i}\n\n1. run it\n2. see it fail`,
    reactions: { total_count: i % 3, "+1": i % 2, "-1": 0, laugh: 0, heart: 1 },
    state_reason: closed ? "completed" : null,
  };
}

// Parse once from JSON text, as records arrive from an API.
const records: unknown[] = JSON.parse(
  JSON.stringify(Array.from({ length: RECORDS }, (_, i) => issue(i))),
);
const resource: ResourceInfo = {
  name: "issues",
  tableName: "issues",
  writeDisposition: "merge",
  primaryKey: ["id"],
  mergeKey: [],
  selected: true,
};

function normalizeAll(info: ResourceInfo): void {
  const normalizer = new Normalizer(newSchema("github"), { loadId: "1700000000.123" });
  let rows = 0;
  const sink = () => {
    rows++;
  };
  for (const record of records) normalizer.normalize(record, info, sink);
  if (rows < RECORDS) throw new Error(`only ${rows} rows`);
}

Deno.bench(`normalize ${RECORDS} GitHub issues`, () => normalizeAll(resource));

const contracted: ResourceInfo = {
  ...resource,
  schemaContract: { tables: "freeze", columns: "discard_value", data_type: "freeze" },
};

Deno.bench(`normalize ${RECORDS} GitHub issues with a schema contract`, () => {
  normalizeAll(contracted);
});

// Every record holds a plain key that collides with a nested one (`user__login` and
// `user.login`): the worst case, every row takes the collision path.
const colliding: unknown[] = JSON.parse(
  JSON.stringify(Array.from({ length: RECORDS }, (_, i) => ({ ...issue(i), user__login: "x" }))),
);

Deno.bench(`normalize ${RECORDS} GitHub issues with colliding keys in every record`, () => {
  const normalizer = new Normalizer(newSchema("github"), { loadId: "1700000000.123" });
  for (const record of colliding) normalizer.normalize(record, resource, () => {});
  if (normalizer.collisions.length !== 1) throw new Error("expected one collision");
});
