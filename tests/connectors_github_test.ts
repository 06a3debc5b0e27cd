/** The built-in `github` connector against a local stand-in of the GitHub REST API. */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { type RecordedRequest, type TempProject, tempProject } from "./_helpers.ts";
import { fixture, startGithubApi } from "./testdata/github/api.ts";

const TOKEN = "ghp_R3c0rdedF1xtureT0ken0000000000000000";
const DB = "github_pipeline.duckdb";
const DS = "github_pipeline_dataset";

type Row = Record<string, unknown>;

function env(baseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SOURCES__GITHUB__BASE_URL: baseUrl,
    SOURCES__GITHUB__OWNER: "dlt-hub",
    SOURCES__GITHUB__REPO: "dlt",
    ...extra,
  };
}

async function counts(p: TempProject, tables: string[]): Promise<Record<string, number>> {
  const rows = await p.query(
    DB,
    tables.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM ${DS}.${t}`).join(" UNION ALL "),
  );
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]).sort());
}

/** `path?query` of the requests to one route, in order. */
function requestsTo(requests: RecordedRequest[], suffix: string): URL[] {
  return requests.map((r) => new URL(r.url)).filter((u) => u.pathname.endsWith(suffix));
}

Deno.test("github loads issues without pull requests, comments, pull requests, releases and stargazers, then only what changed", async () => {
  await using api = await startGithubApi({ token: TOKEN });
  await using p = await tempProject();
  const first = await p.dltx(
    ["run", "github"],
    env(api.url, { SOURCES__GITHUB__ACCESS_TOKEN: TOKEN }),
  );
  equal(first.code, 0, first.stderr);
  equal(`${first.stdout}${first.stderr}`.includes(TOKEN), false, "token leaked");
  match(first.stdout, /Load package \d+\.\d+ is LOADED and contains no failed jobs/);

  deepEqual(
    await counts(p, [
      "issues",
      "issues__labels",
      "issues__assignees",
      "comments",
      "pull_requests",
      "releases",
      "releases__assets",
      "stargazers",
    ]),
    {
      comments: 6,
      issues: 4, // 6 in the list, 2 of them pull requests
      issues__assignees: 3,
      issues__labels: 4,
      pull_requests: 4,
      releases: 2,
      releases__assets: 2,
      stargazers: 3,
    },
  );
  for (const r of api.requests) equal(r.headers.get("authorization"), `Bearer ${TOKEN}`);
  const issueRequests = requestsTo(api.requests, "/issues");
  // Three pages of two, the next ones from GitHub's Link header (repository-id form).
  deepEqual(issueRequests.map((u) => [u.pathname, u.searchParams.get("page")]), [
    ["/repos/dlt-hub/dlt/issues", null],
    ["/repositories/452221115/issues", "2"],
    ["/repositories/452221115/issues", "3"],
  ]);
  const firstIssues = issueRequests[0].searchParams;
  deepEqual(
    ["state", "sort", "direction", "per_page", "since"].map((k) => firstIssues.get(k)),
    ["all", "updated", "asc", "100", null],
  );
  const accept = api.requests.find((r) => new URL(r.url).pathname.endsWith("/stargazers"));
  equal(accept?.headers.get("accept"), "application/vnd.github.star+json");
  equal(api.requests[0].headers.get("x-github-api-version"), "2022-11-28");

  const columns = await p.query(
    DB,
    `SELECT table_name || '.' || column_name || ' ' || data_type AS c
     FROM information_schema.columns WHERE table_schema = '${DS}' AND (
       column_name LIKE 'pull_request%' OR table_name || '.' || column_name IN (
         'comments._issues_number', 'issues.reactions__x1', 'issues.reactions___1',
         'issues.updated_at', 'stargazers.id', 'stargazers.login', 'stargazers.starred_at'))
     ORDER BY 1`,
  );
  // No pull_request column: the pull requests were filtered out of issues.
  deepEqual(columns.map((c) => c.c), [
    "comments._issues_number BIGINT",
    "issues.reactions___1 BIGINT", // "-1"
    "issues.reactions__x1 BIGINT", // "+1"
    "issues.updated_at TIMESTAMP WITH TIME ZONE",
    "stargazers.id BIGINT",
    "stargazers.login VARCHAR",
    "stargazers.starred_at TIMESTAMP WITH TIME ZONE",
  ]);
  deepEqual(
    (await p.query(
      DB,
      `SELECT _issues_number AS n, count(*) AS c FROM ${DS}.comments GROUP BY 1 ORDER BY 1`,
    ))
      .map((r) => [Number(r.n), Number(r.c)]),
    [[1278, 2], [1283, 1], [1294, 3]],
  );

  // Between runs: issue 1290 is edited and commented, 1301 is new, a pull request is opened
  // and a stargazer leaves.
  const issues = await fixture<Row[]>("issues.json");
  const edited = {
    ...api.data.issues.find((i) => i.number === 1290)!,
    title: "docs: since",
    comments: 1,
    updated_at: "2024-05-04T08:00:00Z",
  };
  api.data.issues = api.data.issues.map((i) => i.number === 1290 ? edited : i);
  api.data.issues.push({
    ...issues[1],
    id: 2280000001,
    number: 1301,
    title: "new",
    updated_at: "2024-05-04T09:00:00Z",
  });
  api.data.comments["1290"] = [{
    ...api.data.comments["1278"][0],
    id: 2095000001,
    updated_at: "2024-05-04T08:00:00Z",
  }];
  api.data.pulls.unshift({
    ...api.data.pulls[0],
    id: 1850000001,
    number: 1302,
    updated_at: "2024-05-04T10:00:00Z",
  });
  api.data.stargazers.pop();
  api.requests.length = 0;

  const second = await p.dltx(
    ["run", "github"],
    env(api.url, { SOURCES__GITHUB__ACCESS_TOKEN: TOKEN }),
  );
  equal(second.code, 0, second.stderr);
  const since = requestsTo(api.requests, "/issues").map((u) => u.searchParams.get("since"));
  // The newest updated_at of the issues loaded (pull requests left out) from the first run.
  deepEqual(since, ["2024-05-03T18:02:11Z", "2024-05-03T18:02:11Z"]);
  // Comments only of the issues that changed; 1294 came back (since is inclusive) but was
  // loaded already.
  deepEqual(
    requestsTo(api.requests, "/comments").map((u) => u.pathname),
    ["/repos/dlt-hub/dlt/issues/1290/comments", "/repos/dlt-hub/dlt/issues/1301/comments"],
  );
  // Pull requests newest first: the run stops at the first page holding an old one.
  deepEqual(requestsTo(api.requests, "/pulls").map((u) => u.searchParams.get("page")), [null, "2"]);
  deepEqual(await counts(p, ["issues", "comments", "pull_requests", "stargazers"]), {
    comments: 7,
    issues: 5,
    pull_requests: 5,
    stargazers: 2,
  });
  const [row] = await p.query(DB, `SELECT title FROM ${DS}.issues WHERE number = 1290`);
  equal(row.title, "docs: since");
});

Deno.test("github runs without a token against a GitHub Enterprise base_url", async () => {
  await using api = await startGithubApi({ token: TOKEN, prefix: "/api/v3" });
  await using p = await tempProject();
  const res = await p.dltx(
    ["run", "github", "--resources", "releases,stargazers"],
    env(`${api.url}/api/v3`),
  );
  equal(res.code, 0, res.stderr);
  ok(api.requests.every((r) => !r.headers.has("authorization")), "sent an Authorization header");
  deepEqual(
    api.requests.map((r) => new URL(r.url).pathname),
    [
      "/api/v3/repos/dlt-hub/dlt/releases",
      "/api/v3/repos/dlt-hub/dlt/stargazers",
      "/api/v3/repositories/452221115/stargazers",
    ],
  );
  deepEqual(await counts(p, ["releases", "stargazers"]), { releases: 2, stargazers: 3 });
});

Deno.test("github reports a bad token, an unknown repository, the rate limit and missing config clearly", async () => {
  await using api = await startGithubApi({ token: TOKEN });
  await using p = await tempProject();
  const only = ["run", "github", "--resources", "releases"];

  const badToken = await p.dltx(
    only,
    env(api.url, { SOURCES__GITHUB__ACCESS_TOKEN: "ghp_wrong0000" }),
  );
  equal(badToken.code, 1);
  match(
    badToken.stderr,
    /Resource "releases": 401 Client Error: Unauthorized for url: http:\/\/127\.0\.0\.1:\d+\/repos\/dlt-hub\/dlt\/releases\?per_page=100\b.*Bad credentials/s,
  );
  equal(badToken.stderr.includes("ghp_wrong0000"), false, "token leaked");

  const unknown = await p.dltx(only, env(api.url, { SOURCES__GITHUB__REPO: "no-such-repo" }));
  equal(unknown.code, 1);
  match(
    unknown.stderr,
    /404 Client Error: Not Found for url: .*\/repos\/dlt-hub\/no-such-repo\/releases/,
  );

  // Without a token GitHub allows few requests; the first answer says none are left until the
  // reset in an hour, more than the retry budget: the run fails at once, saying how to wait.
  await using limited = await startGithubApi({ token: TOKEN, anonymousLimit: 1 });
  const started = Date.now();
  const rateLimited = await p.dltx(
    ["run", "github", "--resources", "stargazers"],
    env(limited.url),
  );
  equal(rateLimited.code, 1);
  match(
    rateLimited.stderr,
    /is rate limited \(x-ratelimit-remaining: 0, x-ratelimit-reset in 3\d{3}(\.\d)?s\) for 3\d{3}s, longer than the retry budget of 300s \(runtime\.request_max_retry_delay\); set RUNTIME__REQUEST_MAX_RETRY_DELAY to at least 3\d{3} to wait for it/,
  );
  ok(Date.now() - started < 60_000, "it did not wait");
  // Past the limit, GitHub answers 403 with x-ratelimit-remaining: 0; a reset beyond the
  // budget fails that request with GitHub's own message and the wait it asked for.
  const answered = await p.dltx(
    ["run", "github", "--resources", "stargazers"],
    env(limited.url),
  );
  equal(answered.code, 1);
  match(
    answered.stderr,
    /403 Client Error: Forbidden for url: .*\/stargazers\?per_page=100 .*API rate limit exceeded.*the server asked to wait 3\d{3}(\.\d)?s \(x-ratelimit-reset\), more than the retry budget of 300s/s,
  );

  const missing = await p.dltx(only, { SOURCES__GITHUB__BASE_URL: api.url });
  equal(missing.code, 1);
  match(missing.stderr, /Missing 2 field\(s\) in configuration/);
  match(missing.stderr, /SOURCES__GITHUB__OWNER/);
  match(missing.stderr, /SOURCES__GITHUB__REPO/);
});

Deno.test("github waits out its rate limit: remaining 0 and its 403 pause every request until the reset", async () => {
  // Four requests a window of a second without a token; the whole load needs several windows,
  // and concurrent requests run into GitHub's 403 "API rate limit exceeded" on the way.
  await using api = await startGithubApi({ token: TOKEN, anonymousLimit: 4, windowSeconds: 1 });
  await using p = await tempProject();
  const run = await p.dltx(["run", "github"], env(api.url));
  equal(run.code, 0, run.stderr);
  match(
    run.stderr,
    /is rate limited \((403 Forbidden, )?x-ratelimit-remaining: 0, x-ratelimit-reset in \d+(\.\d+)?s\): pausing every request to it for/,
  );
  deepEqual(
    await counts(p, ["issues", "comments", "pull_requests", "releases", "stargazers"]),
    { comments: 6, issues: 4, pull_requests: 4, releases: 2, stargazers: 3 },
  );
});
