/**
 * A local stand-in for the GitHub REST API over the recorded fixtures of this folder: routes
 * under `/repos/<owner>/<repo>/`, bearer tokens, `Link` header paging (next links in GitHub's
 * `/repositories/<id>/...` form), `since`/`state`/`sort`/`direction` filters, the star media
 * type, rate limit headers, and GitHub's 401/404/422 bodies.
 *
 * @module
 */

import { type FixtureServer, json, serve } from "../../_helpers.ts";

type Row = Record<string, unknown>;

const DIR = new URL("./", import.meta.url);
const REPO_ID = 452221115;

/** The data the API serves; tests change it between runs. */
export interface GithubData {
  issues: Row[];
  /** Comments by issue number. */
  comments: Record<string, Row[]>;
  pulls: Row[];
  releases: Row[];
  stargazers: Row[];
}

/** Options of {@linkcode startGithubApi}. */
export interface GithubApiOptions {
  owner?: string;
  repo?: string;
  /** The token accepted as `Bearer <token>`; requests without a token are allowed too. */
  token: string;
  /** Path prefix, e.g. `/api/v3` as on GitHub Enterprise Server. */
  prefix?: string;
  /**
   * Largest page the server sends. GitHub's is 100; the fixtures are few, so a smaller cap
   * makes them span pages while the connector still asks for `per_page=100`.
   * @default 2
   */
  maxPerPage?: number;
  /** Requests an hour without a token; past it, GitHub's 403 "API rate limit exceeded". @default 60 */
  anonymousLimit?: number;
  /**
   * Length of a rate-limit window in seconds: `x-ratelimit-reset` (epoch seconds) is the end of
   * the current one, after which the count starts afresh, as on GitHub. @default 3600
   */
  windowSeconds?: number;
}

/** The running API. */
export interface GithubApi extends FixtureServer {
  data: GithubData;
}

/** Reads a fixture file of this folder. */
export async function fixture<T>(name: string): Promise<T> {
  return JSON.parse(await Deno.readTextFile(new URL(name, DIR))) as T;
}

/** Starts the API on 127.0.0.1 with a fresh copy of the fixtures. */
export async function startGithubApi(options: GithubApiOptions): Promise<GithubApi> {
  const { owner = "dlt-hub", repo = "dlt", token, prefix = "", maxPerPage = 2 } = options;
  const anonymousLimit = options.anonymousLimit ?? 60;
  const data: GithubData = {
    issues: await fixture("issues.json"),
    comments: await fixture("comments.json"),
    pulls: await fixture("pulls.json"),
    releases: await fixture("releases.json"),
    stargazers: await fixture("stargazers.json"),
  };
  const windowSeconds = options.windowSeconds ?? 3600;
  let used = 0;
  let reset = Math.ceil(Date.now() / 1000) + windowSeconds;
  const rateHeaders = (limit: number, used: number) => rateLimitHeaders(limit, used, reset);
  const server = serve((req) => {
    const url = new URL(req.url);
    if (Date.now() >= reset * 1000) {
      used = 0;
      reset = Math.ceil(Date.now() / 1000) + windowSeconds;
    }
    const auth = req.headers.get("authorization");
    if (auth !== null && auth !== `Bearer ${token}`) {
      return json({
        message: "Bad credentials",
        documentation_url: "https://docs.github.com/rest",
        status: "401",
      }, { status: 401, headers: rateHeaders(5000, used) });
    }
    const limit = auth ? 5000 : anonymousLimit;
    if (used >= limit) {
      return json({
        message: "API rate limit exceeded for 203.0.113.7. (But here's the good news: " +
          "Authenticated requests get a higher rate limit. Check out the documentation for more details.)",
        documentation_url:
          "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
      }, { status: 403, headers: rateHeaders(limit, used) });
    }
    used++;
    const headers = rateHeaders(limit, used);
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : "";
    const route = path
      .replace(`/repositories/${REPO_ID}/`, `/repos/${owner}/${repo}/`)
      .match(new RegExp(`^/repos/${owner}/${repo}/(.+)$`))?.[1];
    const list = route === undefined ? undefined : select(route, url, req.headers, data);
    if (list === "invalid since") {
      return json({
        message: "Validation Failed",
        errors: [{ resource: "Issue", field: "since", code: "invalid" }],
        documentation_url: "https://docs.github.com/rest/issues/issues#list-repository-issues",
        status: "422",
      }, { status: 422, headers });
    }
    if (list === undefined) {
      return json({
        message: "Not Found",
        documentation_url: "https://docs.github.com/rest",
        status: "404",
      }, { status: 404, headers });
    }
    const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100, maxPerPage);
    const page = Number(url.searchParams.get("page") ?? 1);
    const last = Math.max(1, Math.ceil(list.length / perPage));
    const repoPath = `${prefix}/repositories/${REPO_ID}/`;
    const link = linkHeader(url, route!, { page, last, repoPath });
    if (link) headers.set("link", link);
    if (route === "stargazers" && isStarMediaType(req.headers)) {
      headers.set("x-github-media-type", "github.v3; param=star; format=json");
    }
    return json(list.slice((page - 1) * perPage, page * perPage), { headers });
  });
  return Object.assign(server, { data });
}

/** The records of a route, filtered and sorted as GitHub does; `undefined`: no such route. */
function select(
  route: string,
  url: URL,
  headers: Headers,
  data: GithubData,
): Row[] | "invalid since" | undefined {
  const params = url.searchParams;
  const comments = route.match(/^issues\/(\d+)\/comments$/);
  if (comments) {
    const number = Number(comments[1]);
    const found = data.issues.some((i) => i.number === number);
    return found ? data.comments[comments[1]] ?? [] : undefined;
  }
  switch (route) {
    case "issues": {
      const since = params.get("since");
      if (since !== null && Number.isNaN(Date.parse(since))) return "invalid since";
      // `since`: issues updated at or after the given time.
      const rows = data.issues.filter((i) =>
        byState(i, params.get("state") ?? "open") &&
        (since === null || Date.parse(String(i.updated_at)) >= Date.parse(since))
      );
      return sorted(rows, params.get("sort") ?? "created", params.get("direction") ?? "desc");
    }
    case "pulls": {
      const rows = data.pulls.filter((p) => byState(p, params.get("state") ?? "open"));
      return sorted(rows, params.get("sort") ?? "created", params.get("direction") ?? "desc");
    }
    case "releases":
      return data.releases;
    case "stargazers":
      // Without the star media type, GitHub sends the users only.
      return isStarMediaType(headers) ? data.stargazers : data.stargazers.map((s) => s.user as Row);
    default:
      return undefined;
  }
}

function byState(row: Row, state: string): boolean {
  return state === "all" || row.state === state;
}

function sorted(rows: Row[], sort: string, direction: string): Row[] {
  const key = sort === "updated" ? "updated_at" : "created_at";
  const sign = direction === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => sign * (Date.parse(String(a[key])) - Date.parse(String(b[key]))));
}

function isStarMediaType(headers: Headers): boolean {
  return (headers.get("accept") ?? "").includes("application/vnd.github.star+json");
}

/** GitHub's `Link`: next and last (and prev and first past page 1), in the repository-id form. */
function linkHeader(
  url: URL,
  route: string,
  { page, last, repoPath }: { page: number; last: number; repoPath: string },
): string {
  const at = (n: number) => {
    const link = new URL(`${repoPath}${route}`, url);
    link.search = url.search;
    link.searchParams.set("page", String(n));
    return link.href;
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${at(page - 1)}>; rel="prev"`);
  if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
  if (page > 1) links.push(`<${at(1)}>; rel="first"`);
  return links.join(", ");
}

function rateLimitHeaders(limit: number, used: number, reset: number): Headers {
  return new Headers({
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": String(Math.max(0, limit - used)),
    "x-ratelimit-reset": String(reset),
    "x-ratelimit-used": String(used),
    "x-ratelimit-resource": "core",
    "x-github-api-version-selected": "2022-11-28",
    "x-github-media-type": "github.v3; format=json",
    "content-type": "application/json; charset=utf-8",
  });
}
