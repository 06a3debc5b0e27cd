/**
 * Credentials stay with their host, end to end: next page links (json_link, header_link) and a
 * plain redirect leading to another origin get no credentials of any auth kind, with one
 * warning per origin; `client.auth_hosts` lets them go there.
 */
import { deepEqual, equal, match } from "node:assert/strict";
import { json, serve, tempProject } from "./_helpers.ts";

const SECRET = "cr3d-SPECIAL secret!~(x)";
const ENV = { SOURCES__SPREAD__TOKEN: SECRET };

/** Each auth kind with the check the API's own origin makes, and the json_link/header_link use. */
const KINDS: Record<string, { auth: (api: string) => unknown; ok: (req: Request) => boolean }> = {
  bearer: {
    auth: () => ({ type: "bearer", token: "{token}" }),
    ok: (req) => req.headers.get("authorization") === `Bearer ${SECRET}`,
  },
  header: {
    auth: () => ({ type: "api_key", name: "X-API-Key", api_key: "{token}" }),
    ok: (req) => req.headers.get("x-api-key") === SECRET,
  },
  query: {
    auth: () => ({ type: "api_key", name: "api_key", api_key: "{token}", location: "query" }),
    ok: (req) => new URL(req.url).searchParams.get("api_key") === SECRET,
  },
  cookie: {
    auth: () => ({ type: "api_key", name: "session", api_key: "{token}", location: "cookie" }),
    ok: (req) => (req.headers.get("cookie") ?? "").includes(`session=${SECRET}`),
  },
  basic: {
    auth: () => ({ type: "http_basic", username: "user", password: "{token}" }),
    ok: (req) => req.headers.get("authorization") === `Basic ${basic()}`,
  },
  oauth: {
    auth: (api) => ({
      type: "oauth2_client_credentials",
      access_token_url: `${api}/oauth/token`,
      client_id: "cid",
      client_secret: "{token}",
    }),
    ok: (req) => req.headers.get("authorization") === "Bearer tok-abc123",
  },
};

function basic(): string {
  const bytes = new TextEncoder().encode(`user:${SECRET}`);
  return btoa(String.fromCharCode(...bytes));
}

/** Everything a request carries that could hold a credential, as one text. */
function carried(req: { url: string; headers: Headers }): string {
  return [req.url, ...[...req.headers].map(([k, v]) => `${k}: ${v}`)].join("\n");
}

async function spread(authHosts: (other: string) => string[] | undefined) {
  // The other origin: another port of the same host. Answers anyone, with the last page.
  await using other = serve((req) => json({ data: [{ id: new URL(req.url).pathname }] }));
  await using api = serve(async (req) => {
    const url = new URL(req.url);
    const kind = url.pathname.slice(1);
    if (url.pathname === "/oauth/token") {
      const form = new URLSearchParams(await req.text());
      if (form.get("client_secret") !== SECRET) return json({ error: "bad" }, { status: 401 });
      return json({ access_token: "tok-abc123", expires_in: 3600 });
    }
    if (kind === "redirect") {
      if (!KINDS.header.ok(req)) return json({ message: "no key" }, { status: 401 });
      return new Response(null, { status: 302, headers: { location: `${other.url}/landed` } });
    }
    if (!KINDS[kind]?.ok(req)) {
      return json({ message: `no credentials for ${kind}` }, { status: 401 });
    }
    const next = `${other.url}/${kind}?page=2`;
    // bearer and basic page with Link headers (header_link), the others with json_link.
    if (kind === "bearer" || kind === "basic") {
      return json({ data: [{ id: 1 }] }, { headers: { link: `<${next}>; rel="next"` } });
    }
    return json({ data: [{ id: 1 }], next });
  });
  await using p = await tempProject();
  const resources = Object.entries(KINDS).map(([kind, { auth }]) => ({
    name: kind,
    endpoint: {
      path: kind,
      auth: auth(api.url),
      paginator: kind === "bearer" || kind === "basic" ? "header_link" : "json_link",
    },
  }));
  resources.push({
    name: "redirect",
    endpoint: { path: "redirect", auth: KINDS.header.auth(api.url), paginator: "single_page" },
  });
  const hosts = authHosts(other.url);
  const connector = await p.writeConnector({
    name: "spread",
    config: { token: { secret: true } },
    client: { base_url: api.url, ...(hosts ? { auth_hosts: hosts } : {}) },
    resources,
  });
  const res = await p.dltx(["run", connector, "--to", "jsonl"], ENV);
  equal(res.code, 0, res.stderr);
  equal((res.stdout + res.stderr).includes(SECRET), false, "secret printed");
  const paths = other.requests.map((r) => new URL(r.url).pathname).sort();
  deepEqual(paths, ["/basic", "/bearer", "/cookie", "/header", "/landed", "/oauth", "/query"]);
  return { res, at: (path: string) => other.requests.find((r) => r.url.includes(path))!, other };
}

Deno.test("next links and redirects to another origin get no credentials, with one warning", async () => {
  const { res, other } = await spread(() => undefined);
  for (const req of other.requests) {
    const text = carried(req);
    for (const name of ["authorization", "x-api-key", "cookie"]) {
      equal(req.headers.get(name), null, `${name} sent to ${req.url}`);
    }
    equal(new URL(req.url).searchParams.has("api_key"), false, req.url);
    for (const leak of [SECRET, encodeURIComponent(SECRET), "tok-abc123", basic()]) {
      equal(text.includes(leak), false, `${leak} sent to the other origin:\n${text}`);
    }
  }
  const warnings = res.stderr.split("\n").filter((l) => l.includes("not sending credentials"));
  equal(warnings.length, 1, res.stderr);
  match(
    warnings[0],
    new RegExp(
      `not sending credentials to ${other.url}: they go only to the origin of client\\.base_url ` +
        `\\(http://127\\.0\\.0\\.1:\\d+\\); add "${other.url}" to client\\.auth_hosts`,
    ),
  );
});

Deno.test("client.auth_hosts lets credentials follow next links and redirects there", async () => {
  const { res, at } = await spread((other) => [other]);
  equal(res.stderr.includes("not sending credentials"), false, res.stderr);
  for (const kind of Object.keys(KINDS)) {
    const seen = at(`/${kind}`);
    equal(KINDS[kind].ok(new Request(seen.url, { headers: seen.headers })), true, kind);
  }
  equal(at("/landed").headers.get("x-api-key"), SECRET);
});
