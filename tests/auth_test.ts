import { equal, match } from "node:assert/strict";
import { json, serve, tempProject } from "./_helpers.ts";

const SECRET = "s3cr3t-token-value";
const RECORDS = [{ id: 1, name: "a" }, { id: 2, name: "b" }];

/** Serves RECORDS to requests `authorized` accepts, 401 otherwise; loads them; checks output. */
async function loadWithAuth(
  auth: Record<string, unknown> | ((serverUrl: string) => Record<string, unknown>),
  authorized: (req: Request) => boolean,
  extra: { tokenEndpoint?: (req: Request) => Promise<Response> } = {},
) {
  let tokenRequests = 0;
  await using server = serve(async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/oauth/token" && extra.tokenEndpoint) {
      tokenRequests++;
      return await extra.tokenEndpoint(req);
    }
    if (!authorized(req)) return json({ message: "Bad credentials" }, { status: 401 });
    const page = Number(url.searchParams.get("page") ?? 1);
    const data = page <= 2 ? RECORDS.map((r) => ({ ...r, id: r.id + page * 10 })) : [];
    return json({ data, total_pages: 2 });
  });
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "secure",
    config: { token: { secret: true } },
    client: {
      base_url: `${server.url}/`,
      auth: typeof auth === "function" ? auth(server.url) : auth,
      paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
    },
    resources: ["things"],
  });
  const res = await p.dltx(["run", connector], { SOURCES__SECURE__TOKEN: SECRET });
  equal(res.code, 0, res.stderr);
  equal(res.stdout.includes(SECRET) || res.stderr.includes(SECRET), false, "secret leaked");
  const [row] = await p.query(
    "secure_pipeline.duckdb",
    "SELECT count(*) AS n FROM secure_pipeline_dataset.things",
  );
  equal(Number(row.n), 4);
  return { tokenRequests, requests: server.requests.length };
}

Deno.test("bearer auth sends Authorization: Bearer <token>", async () => {
  await loadWithAuth(
    { type: "bearer", token: "{token}" },
    (req) => req.headers.get("authorization") === `Bearer ${SECRET}`,
  );
});

Deno.test("auth without type is bearer", async () => {
  await loadWithAuth(
    { token: "{token}" },
    (req) => req.headers.get("authorization") === `Bearer ${SECRET}`,
  );
});

Deno.test("api_key auth in a custom header with a value prefix", async () => {
  await loadWithAuth(
    { type: "api_key", name: "Authorization", api_key: "Key {token}" },
    (req) => req.headers.get("authorization") === `Key ${SECRET}`,
  );
});

Deno.test("api_key auth in the query string", async () => {
  await loadWithAuth(
    { type: "api_key", name: "api_key", api_key: "{token}", location: "query" },
    (req) => new URL(req.url).searchParams.get("api_key") === SECRET,
  );
});

Deno.test("api_key auth in a cookie", async () => {
  await loadWithAuth(
    { type: "api_key", name: "session", api_key: "{token}", location: "cookie" },
    (req) => (req.headers.get("cookie") ?? "").includes(`session=${SECRET}`),
  );
});

Deno.test("http_basic auth", async () => {
  const expected = `Basic ${btoa(`user:${SECRET}`)}`;
  await loadWithAuth(
    { type: "http_basic", username: "user", password: "{token}" },
    (req) => req.headers.get("authorization") === expected,
  );
});

Deno.test("oauth2_client_credentials fetches a token and refreshes it when expired", async () => {
  let issued = 0;
  const { tokenRequests } = await loadWithAuth(
    (url) => ({
      type: "oauth2_client_credentials",
      access_token_url: `${url}/oauth/token`,
      client_id: "my-client",
      client_secret: "{token}",
    }),
    (req) => /^Bearer tok-\d+$/.test(req.headers.get("authorization") ?? ""),
    {
      async tokenEndpoint(req) {
        const body = await req.text();
        match(body, /grant_type=client_credentials/);
        issued++;
        // expires at once: every request needs a fresh token
        return json({ access_token: `tok-${issued}`, expires_in: 0 });
      },
    },
  );
  equal(tokenRequests >= 2, true, `token fetched ${tokenRequests} time(s)`);
});
