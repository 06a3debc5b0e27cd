import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import type { Deps } from "../deps.ts";
import { ConfigError } from "../errors.ts";
import type { IncrementalState } from "./incremental.ts";
import { restApiSource, type RestApiSourceOptions } from "./rest_source.ts";
import type { Connector, ResourceConfig, Source, SourceResourceStats } from "./types.ts";

/** Requests, pages and records per resource; the timing fields only checked for their kind. */
function counts(stats: Record<string, SourceResourceStats>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (
    const [name, { requests, pages, records, retries, wait_seconds, seconds }] of Object.entries(
      stats,
    )
  ) {
    equal(retries, 0);
    equal(wait_seconds, 0);
    ok(typeof seconds === "number" && seconds >= 0);
    out[name] = { requests, pages, records };
  }
  return out;
}

const BASE = "https://api.test/v1/";

interface Issue {
  id: number;
  updated_at: string;
  [key: string]: unknown;
}

/** A fake API over real Request/Response objects; records every request URL. */
function fakeApi(handler: (url: URL) => unknown) {
  const urls: string[] = [];
  const deps: Deps = {
    fetch: (input, init) => {
      const req = new Request(input, init);
      urls.push(req.url.replace(BASE, ""));
      const body = handler(new URL(req.url));
      if (body instanceof Response) return Promise.resolve(body);
      return Promise.resolve(
        new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } }),
      );
    },
    now: () => new Date("2024-01-01T00:00:00Z"),
    sleep: () => Promise.resolve(),
  };
  return { deps, urls };
}

function connector(resources: (string | ResourceConfig)[]): Connector {
  return { name: "tracker", client: { base_url: BASE, paginator: "single_page" }, resources };
}

async function extract(
  source: Source,
  resources?: string[],
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for await (const page of source.extract({ resources })) {
    (out[page.resource] ??= []).push(...page.records.map((r) => (r as Issue).id));
  }
  return out;
}

/** The saved state of one cursor after extraction. */
function saved(s: Source, resource: string, cursorPath: string): IncrementalState | undefined {
  const state = s.state!() as {
    resources?: Record<string, { incremental: Record<string, IncrementalState> }>;
  };
  return state.resources?.[resource]?.incremental[cursorPath];
}

function source(
  c: Connector,
  options: Partial<RestApiSourceOptions> & { deps: Deps },
): Source {
  return restApiSource(c, { config: {}, maxAttempts: 1, ...options });
}

/** Issues the API serves: `since` (if sent) is inclusive, as most APIs do. */
function issuesApi(rows: () => Issue[]) {
  return fakeApi((url) => {
    const since = url.searchParams.get("since");
    return rows().filter((r) => since === null || Date.parse(r.updated_at) >= Date.parse(since));
  });
}

const sinceParam: ResourceConfig = {
  name: "issues",
  primary_key: "id",
  endpoint: {
    path: "issues",
    params: {
      since: {
        type: "incremental",
        cursor_path: "updated_at",
        initial_value: "2024-01-01T00:00:00Z",
      },
    },
  },
};

Deno.test("extract() sends initial_value as the incremental param, then the saved last value", async () => {
  let rows: Issue[] = [
    { id: 1, updated_at: "2023-12-31T23:00:00Z" },
    { id: 2, updated_at: "2024-01-02T00:00:00Z" },
    { id: 3, updated_at: "2024-01-03T00:00:00Z" },
  ];
  const api = issuesApi(() => rows);
  const first = source(connector([sinceParam]), { deps: api.deps });
  deepStrictEqual(await extract(first), { issues: [2, 3] });
  deepStrictEqual(api.urls, ["issues?since=2024-01-01T00%3A00%3A00Z"]);
  const state = first.state!();
  deepStrictEqual(saved(first, "issues", "updated_at"), {
    initial_value: "2024-01-01T00:00:00Z",
    last_value: "2024-01-03T00:00:00Z",
    unique_hashes: ["Cn/dwi436vBbdERZ9hKf"], // dlt's digest128 of id 3
    start_value: "2024-01-01T00:00:00Z", // where this run started, as dlt records it
  });

  // Next run: id 3 comes again at the boundary and is dropped; id 4 has the same cursor value
  // (written with another offset) and is new; id 5 is newer.
  rows = [
    ...rows,
    { id: 4, updated_at: "2024-01-03T02:00:00+02:00" },
    { id: 5, updated_at: "2024-01-04T00:00:00Z" },
  ];
  const second = source(connector([sinceParam]), { deps: api.deps, state });
  deepStrictEqual(await extract(second), { issues: [4, 5] });
  equal(api.urls[1], "issues?since=2024-01-03T00%3A00%3A00Z");
  equal(saved(second, "issues", "updated_at")?.last_value, "2024-01-04T00:00:00Z");
  equal(saved(second, "issues", "updated_at")?.start_value, "2024-01-03T00:00:00Z");
});

Deno.test("restApiSource() works on a copy of the state and keeps what it does not touch", async () => {
  const api = issuesApi(() => [{ id: 7, updated_at: "2024-02-01T00:00:00Z" }]);
  const given = {
    other: { kept: true },
    resources: {
      issues: {
        incremental: {
          updated_at: { initial_value: "x", last_value: "2024-01-05T00:00:00Z", unique_hashes: [] },
        },
      },
      labels: { incremental: { name: { last_value: "b" } } },
    },
  };
  const before = structuredClone(given);
  const s = source(connector([sinceParam, "labels"]), { deps: api.deps, state: given });
  deepStrictEqual(s.state!(), before); // nothing ran yet
  await extract(s, ["issues"]);
  deepStrictEqual(given, before);
  const after = s.state!() as typeof given;
  deepStrictEqual(after.other, { kept: true });
  deepStrictEqual(after.resources.labels, before.resources.labels);
  equal(after.resources.issues.incremental.updated_at.last_value, "2024-02-01T00:00:00Z");
  equal(after.resources.issues.incremental.updated_at.initial_value, "x"); // the stored one
});

Deno.test("extract() with row_order stops paging at the first record out of range", async () => {
  // newest first, two per page; the cursor is a number
  const rows = [9, 8, 7, 6, 5, 4, 3, 2].map((n) => ({ id: n, seq: n }));
  const api = fakeApi((url) => {
    const page = Number(url.searchParams.get("page") ?? 0);
    return { data: rows.slice(page * 2, page * 2 + 2), next: `/v1/events?page=${page + 1}` };
  });
  const s = source(
    connector([{
      name: "events",
      endpoint: {
        path: "events",
        paginator: { type: "json_link", next_url_path: "next" },
        incremental: { cursor_path: "seq", initial_value: 6, row_order: "desc" },
      },
    }]),
    { deps: api.deps },
  );
  deepStrictEqual(await extract(s), { events: [9, 8, 7, 6] });
  // page 2 (5, 4) left the range: page 3 is never asked for
  deepStrictEqual(api.urls, ["events", "events?page=1", "events?page=2"]);
  deepStrictEqual(counts(s.stats!()), { events: { requests: 3, pages: 3, records: 4 } });
});

Deno.test("extract() backfills with start_param and end_param and leaves the state alone", async () => {
  const api = fakeApi(() => [
    { id: 1, ts: "2024-01-01T00:00:00Z" },
    { id: 2, ts: "2024-01-15T00:00:00Z" },
    { id: 3, ts: "2024-02-01T00:00:00Z" },
  ]);
  const state = {
    resources: { events: { incremental: { ts: { last_value: "2024-06-01T00:00:00Z" } } } },
  };
  const s = source(
    connector([{
      name: "events",
      endpoint: {
        path: "events",
        params: { per_page: 10 },
        incremental: {
          cursor_path: "ts",
          initial_value: "2024-01-01T00:00:00Z",
          end_value: "2024-02-01T00:00:00Z",
          start_param: "from",
          end_param: "to",
        },
      },
    }]),
    { deps: api.deps, state },
  );
  deepStrictEqual(await extract(s), { events: [1, 2] });
  deepStrictEqual(api.urls, [
    "events?per_page=10&from=2024-01-01T00%3A00%3A00Z&to=2024-02-01T00%3A00%3A00Z",
  ]);
  deepStrictEqual(s.state!(), state);
});

Deno.test("extract() fills {incremental.start_value} in a path and a param", async () => {
  const api = fakeApi(() => [{ id: 1, ts: 20 }, { id: 2, ts: 10 }]);
  const s = source(
    connector([{
      name: "events",
      endpoint: {
        path: "events/after/{incremental.start_value}",
        params: { q: "ts>={incremental.start_value}", until: "{incremental.end_value}" },
        incremental: { cursor_path: "ts", initial_value: 0 },
      },
    }]),
    {
      deps: api.deps,
      state: { resources: { events: { incremental: { ts: { last_value: 15 } } } } },
    },
  );
  deepStrictEqual(await extract(s), { events: [1] });
  // an unset end value leaves its param out, as requests drops None
  deepStrictEqual(api.urls, ["events/after/15?q=ts%3E%3D15"]);
});

Deno.test("extract() fills {incremental.*} in a json body, keeping the value's type", async () => {
  const bodies: unknown[] = [];
  const deps: Deps = {
    fetch: async (input, init) => {
      bodies.push(await new Request(input, init).json());
      return Response.json([{ id: 1, n: 8 }]);
    },
    now: () => new Date(),
    sleep: () => Promise.resolve(),
  };
  const s = source(
    connector([{
      name: "search",
      endpoint: {
        method: "POST",
        json: { filter: { gte: "{incremental.start_value}", lt: "{incremental.end_value}" } },
        incremental: { cursor_path: "n", initial_value: 5, end_value: 10 },
      },
    }]),
    { deps },
  );
  deepStrictEqual(await extract(s), { search: [1] });
  deepStrictEqual(bodies, [{ filter: { gte: 5, lt: 10 } }]);
});

Deno.test("extract() fetches children only for parents inside the incremental range", async () => {
  const api = fakeApi((url) => {
    if (url.pathname === "/v1/issues") {
      return [
        { id: 1, updated_at: "2024-01-01T00:00:00Z" },
        { id: 2, updated_at: "2024-03-01T00:00:00Z" },
        { id: 3, updated_at: "2024-04-01T00:00:00Z" },
      ];
    }
    const id = Number(url.pathname.split("/")[3]);
    return [{ id: id * 10 }, { id: id * 10 + 1 }];
  });
  const s = source(
    connector([
      {
        name: "issues",
        primary_key: "id",
        // a resource-level incremental only filters; nothing is sent
        incremental: { cursor_path: "updated_at" },
      },
      {
        name: "comments",
        endpoint: { path: "issues/{resources.issues.id}/comments", data_selector: "$" },
      },
    ]),
    {
      deps: api.deps,
      state: {
        resources: {
          issues: { incremental: { updated_at: { last_value: "2024-02-01T00:00:00Z" } } },
        },
      },
    },
  );
  deepStrictEqual(await extract(s), { issues: [2, 3], comments: [20, 21, 30, 31] });
  deepStrictEqual(api.urls, ["issues", "issues/2/comments", "issues/3/comments"]);
  deepStrictEqual(counts(s.stats!()), {
    issues: { requests: 1, pages: 1, records: 2 },
    comments: { requests: 2, pages: 2, records: 4 },
  });
});

Deno.test("extract() with an incremental child saves one cursor across all parents", async () => {
  const api = fakeApi((url) => {
    if (url.pathname === "/v1/issues") return [{ id: 1 }, { id: 2 }];
    const id = Number(url.pathname.split("/")[3]);
    return [{ id: id * 10, n: id * 10 }, { id: id * 10 + 1, n: id }];
  });
  const s = source(
    connector([
      "issues",
      {
        name: "comments",
        endpoint: {
          path: "issues/{resources.issues.id}/comments",
          data_selector: "$",
          params: { after: { type: "incremental", cursor_path: "n", initial_value: 2 } },
        },
      },
    ]),
    { deps: api.deps },
  );
  deepStrictEqual(await extract(s), { issues: [1, 2], comments: [10, 20, 21] });
  deepStrictEqual(api.urls, ["issues", "issues/1/comments?after=2", "issues/2/comments?after=2"]);
  equal(saved(s, "comments", "n")?.last_value, 20);
  equal(saved(s, "issues", "n"), undefined);
});

Deno.test("restApiSource() rejects a resource with two incrementals and a misused placeholder", () => {
  const api = fakeApi(() => []);
  throws(
    () =>
      source({
        ...connector([{ name: "issues", endpoint: { incremental: { cursor_path: "b" } } }]),
        resource_defaults: { incremental: { cursor_path: "a" } },
      }, { deps: api.deps }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Resource "issues" has more than one incremental (incremental, endpoint.incremental, ' +
          "counting resource_defaults); a resource tracks one cursor, keep one",
  );
  throws(
    () =>
      source(connector([{ name: "issues", endpoint: "issues/{incremental.start_value}" }]), {
        deps: api.deps,
      }),
    /Resource "issues": placeholder \{incremental\.start_value\} in endpoint\.path .* needs an incremental cursor/,
  );
  throws(
    () =>
      source(
        connector([{
          name: "issues",
          endpoint: { path: "i/{incremental.start_value}", incremental: { cursor_path: "t" } },
        }]),
        { deps: api.deps },
      ),
    /placeholder \{incremental\.start_value\} in endpoint\.path .* has no value on this run; set the incremental's initial_value/,
  );
});

Deno.test("restApiSource() fills the resource hints the loader needs", () => {
  const s = source(
    connector([
      {
        name: "a",
        write_disposition: "merge",
        primary_key: ["id", "org"],
        merge_key: "day",
        columns: {
          deleted: { hard_delete: true },
          ts: { dedup_sort: "desc", data_type: "timestamp" },
        },
        schema_contract: "freeze",
      },
      {
        name: "b",
        write_disposition: { disposition: "merge", strategy: "upsert" },
        schema_contract: { columns: "discard_value" },
      },
      "c",
    ]),
    { deps: fakeApi(() => []).deps },
  );
  const [a, b, c] = s.resources;
  deepStrictEqual(a, {
    name: "a",
    tableName: "a",
    writeDisposition: "merge",
    // No strategy named: none recorded, as in dlt (delete-insert applies).
    primaryKey: ["id", "org"],
    mergeKey: ["day"],
    columns: { deleted: { hard_delete: true }, ts: { dedup_sort: "desc", data_type: "timestamp" } },
    schemaContract: { tables: "freeze", columns: "freeze", data_type: "freeze" },
    selected: true,
  });
  equal(b.mergeStrategy, "upsert");
  deepStrictEqual(b.schemaContract, {
    tables: "evolve",
    columns: "discard_value",
    data_type: "evolve",
  });
  deepStrictEqual(c, {
    name: "c",
    tableName: "c",
    writeDisposition: "append",
    primaryKey: [],
    mergeKey: [],
    selected: true,
  });
});

Deno.test("extract() counts requests of ignored responses, and starts stats afresh", async () => {
  const api = fakeApi((url) =>
    url.pathname.endsWith("/2/comments")
      ? new Response("gone", { status: 404 })
      : [{ id: 1 }, { id: 2 }]
  );
  const s = source(
    connector([
      "issues",
      {
        name: "comments",
        endpoint: {
          path: "issues/{resources.issues.id}/comments",
          data_selector: "$",
          response_actions: [{ status_code: 404, action: "ignore" }],
        },
      },
    ]),
    { deps: api.deps },
  );
  deepStrictEqual(counts(s.stats!()), {});
  await extract(s);
  await extract(s);
  deepStrictEqual(counts(s.stats!()), {
    issues: { requests: 1, pages: 1, records: 2 },
    comments: { requests: 2, pages: 1, records: 2 },
  });
});

Deno.test("extract() of only a child keeps the parent's cursor: the parent rows were not loaded", async () => {
  const api = fakeApi((url) =>
    url.pathname === "/v1/issues"
      ? [{ id: 2, updated_at: "2024-03-01T00:00:00Z" }]
      : [{ id: 20, updated_at: "2024-03-02T00:00:00Z" }]
  );
  const committed = {
    resources: {
      issues: { incremental: { updated_at: { last_value: "2024-02-01T00:00:00Z" } } },
    },
  };
  const s = source(
    connector([
      { name: "issues", primary_key: "id", incremental: { cursor_path: "updated_at" } },
      {
        name: "comments",
        endpoint: { path: "issues/{resources.issues.id}/comments", data_selector: "$" },
      },
    ]),
    { deps: api.deps, state: committed },
  );
  deepStrictEqual(await extract(s, ["comments"]), { comments: [20] });
  equal(saved(s, "issues", "updated_at")?.last_value, "2024-02-01T00:00:00Z");
  // A full run moves it.
  await extract(s);
  equal(saved(s, "issues", "updated_at")?.last_value, "2024-03-01T00:00:00Z");
});
