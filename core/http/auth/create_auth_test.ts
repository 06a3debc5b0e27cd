import { equal, ok, throws } from "node:assert/strict";
import type { AuthConfig, HttpRequest } from "../types.ts";
import { ApiKeyAuth } from "./api_key.ts";
import { BearerAuth } from "./bearer.ts";
import { createAuth } from "./create_auth.ts";
import { HttpBasicAuth } from "./http_basic.ts";
import { OAuth2ClientCredentialsAuth } from "./oauth2_client_credentials.ts";

Deno.test("createAuth() treats a config without type as bearer", async () => {
  const auth = createAuth({ token: "abc" });
  ok(auth instanceof BearerAuth);
  const request: HttpRequest = {
    method: "GET",
    url: new URL("https://x.test/"),
    headers: new Headers(),
  };
  await auth.apply(request);
  equal(request.headers.get("authorization"), "Bearer abc");
});

Deno.test("createAuth() picks each kind by type", () => {
  ok(createAuth({ type: "bearer", token: "t" }) instanceof BearerAuth);
  ok(createAuth({ type: "api_key", api_key: "k" }) instanceof ApiKeyAuth);
  ok(createAuth({ type: "http_basic", username: "u", password: "p" }) instanceof HttpBasicAuth);
  ok(
    createAuth({
      type: "oauth2_client_credentials",
      access_token_url: "https://auth.test/token",
      client_id: "i",
      client_secret: "s",
    }) instanceof OAuth2ClientCredentialsAuth,
  );
});

Deno.test("createAuth() lists the valid kinds for an unknown type", () => {
  throws(() => createAuth({ type: "digest", token: "t" } as unknown as AuthConfig), {
    name: "ConfigError",
    message:
      'Unknown auth type "digest"; expected one of bearer, api_key, http_basic, oauth2_client_credentials',
  });
});
