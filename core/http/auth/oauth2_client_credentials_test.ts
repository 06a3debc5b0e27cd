import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import type { Deps } from "../../deps.ts";
import { HttpError } from "../../errors.ts";
import { HttpClient } from "../client.ts";
import type { HttpRequest } from "../types.ts";
import {
  OAuth2ClientCredentialsAuth,
  type OAuth2ClientCredentialsConfig,
} from "./oauth2_client_credentials.ts";

const CONFIG: OAuth2ClientCredentialsConfig = {
  type: "oauth2_client_credentials",
  access_token_url: "https://auth.test/oauth/token",
  client_id: "my-id",
  client_secret: "my-secret",
  access_token_request_data: { scope: "read" },
};

/** A token endpoint handing out token-1, token-2, ... and a movable clock. */
function tokenServer(answer?: (n: number) => Response) {
  const forms: { url: string; form: Record<string, string>; contentType: string | null }[] = [];
  let time = 1_000_000;
  const deps: Deps = {
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const form = Object.fromEntries(new URLSearchParams(await request.text()));
      forms.push({ url: request.url, form, contentType: request.headers.get("content-type") });
      const n = forms.length;
      return answer?.(n) ??
        Response.json({ access_token: `token-${n}`, token_type: "bearer", expires_in: 60 });
    },
    now: () => new Date(time),
    sleep: () => Promise.resolve(),
  };
  const advance = (ms: number) => {
    time += ms;
  };
  return { deps, forms, advance };
}

function request(): HttpRequest {
  return { method: "GET", url: new URL("https://api.test/x"), headers: new Headers() };
}

Deno.test("OAuth2ClientCredentialsAuth posts dlt's form and sends the bearer token", async () => {
  const { deps, forms } = tokenServer();
  const auth = new OAuth2ClientCredentialsAuth(CONFIG, { deps });
  const req = request();
  await auth.apply(req);
  equal(req.headers.get("authorization"), "Bearer token-1");
  equal(forms.length, 1);
  equal(forms[0].url, "https://auth.test/oauth/token");
  equal(forms[0].contentType, "application/x-www-form-urlencoded");
  deepStrictEqual(forms[0].form, {
    client_id: "my-id",
    client_secret: "my-secret",
    grant_type: "client_credentials",
    scope: "read",
  });
  deepStrictEqual(auth.secrets(), ["my-secret", "token-1"]);
});

Deno.test("OAuth2ClientCredentialsAuth reuses the token until it expires, then refreshes", async () => {
  const { deps, forms, advance } = tokenServer();
  const auth = new OAuth2ClientCredentialsAuth(CONFIG, { deps });
  await auth.apply(request());
  advance(59_000);
  const before = request();
  await auth.apply(before);
  equal(before.headers.get("authorization"), "Bearer token-1");
  equal(forms.length, 1);
  advance(1_000);
  const after = request();
  await auth.apply(after);
  equal(after.headers.get("authorization"), "Bearer token-2");
  equal(forms.length, 2);
});

Deno.test("OAuth2ClientCredentialsAuth uses default_token_expiration without expires_in", async () => {
  const { deps, forms, advance } = tokenServer((n) => Response.json({ access_token: `t${n}` }));
  const auth = new OAuth2ClientCredentialsAuth({ ...CONFIG, default_token_expiration: 10 }, {
    deps,
  });
  await auth.apply(request());
  advance(9_999);
  await auth.apply(request());
  equal(forms.length, 1);
  advance(1);
  await auth.apply(request());
  equal(forms.length, 2);
});

Deno.test("OAuth2ClientCredentialsAuth shares one token request between concurrent requests", async () => {
  const { deps, forms } = tokenServer();
  const auth = new OAuth2ClientCredentialsAuth(CONFIG, { deps });
  const requests = [request(), request(), request()];
  await Promise.all(requests.map((r) => auth.apply(r)));
  equal(forms.length, 1);
  ok(requests.every((r) => r.headers.get("authorization") === "Bearer token-1"));
});

Deno.test("OAuth2ClientCredentialsAuth names the token URL when the token request fails", async () => {
  const { deps } = tokenServer(() => Response.json({ error: "invalid_client" }, { status: 401 }));
  const auth = new OAuth2ClientCredentialsAuth(CONFIG, { client: new HttpClient({ deps }), deps });
  await rejects(auth.apply(request()), (error) => {
    ok(error instanceof HttpError);
    equal(error.status, 401);
    equal(
      error.message,
      'Cannot get an OAuth2 access token from https://auth.test/oauth/token: 401 Client Error: Unauthorized for url: https://auth.test/oauth/token — response: {"error":"invalid_client"}',
    );
    return true;
  });
});

Deno.test("OAuth2ClientCredentialsAuth masks the secret a token server echoes, form-encoded", async () => {
  const secret = "SPECIAL secret!~(x)";
  const forms: string[] = [];
  const deps: Deps = {
    fetch: async (input, init) => {
      const form = await new Request(input, init).text();
      forms.push(form);
      return Response.json({ error: "invalid_client", form, secret }, { status: 401 });
    },
    now: () => new Date(0),
    sleep: () => Promise.resolve(),
  };
  const config = { ...CONFIG, client_secret: secret };
  const auth = new OAuth2ClientCredentialsAuth(config, { client: new HttpClient({ deps }), deps });
  await rejects(auth.apply(request()), (error) => {
    ok(error instanceof HttpError);
    ok(forms[0].includes("client_secret=SPECIAL+secret%21%7E%28x%29"), forms[0]);
    ok(!/SPECIAL/.test(error.message), error.message);
    ok(error.message.includes('"secret":"***"'), error.message);
    ok(error.message.includes("client_secret=***"), error.message);
    return true;
  });
});

Deno.test("OAuth2ClientCredentialsAuth rejects a token response without access_token", async () => {
  const { deps } = tokenServer(() => Response.json({ token_type: "bearer" }));
  const auth = new OAuth2ClientCredentialsAuth(CONFIG, { deps });
  await rejects(auth.apply(request()), {
    name: "HttpError",
    message:
      'OAuth2 token response from https://auth.test/oauth/token has no "access_token" (got keys: token_type)',
  });
});

Deno.test("OAuth2ClientCredentialsAuth rejects a relative access_token_url", () => {
  let message = "";
  try {
    new OAuth2ClientCredentialsAuth({ ...CONFIG, access_token_url: "/token" });
  } catch (error) {
    message = (error as Error).message;
  }
  equal(
    message,
    'Auth oauth2_client_credentials needs an absolute "access_token_url"; got "/token"',
  );
});
