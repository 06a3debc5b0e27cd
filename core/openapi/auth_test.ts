import { deepEqual, equal, match } from "node:assert/strict";
import { deriveAuth } from "./auth.ts";
import { operation } from "./_testing.ts";
import type { SpecObject } from "./types.ts";

function spec(schemes: SpecObject, security?: SpecObject[]): SpecObject {
  return {
    components: { securitySchemes: schemes },
    ...(security ? { security } : {}),
  };
}

const ops = [operation("/items")];

Deno.test("deriveAuth() maps http bearer and basic to secret config fields", () => {
  const bearer = deriveAuth(
    spec({ b: { type: "http", scheme: "bearer", bearerFormat: "JWT" } }, [{ b: [] }]),
    ops,
  );
  deepEqual(bearer.active?.auth, { type: "bearer", token: "{token}" });
  equal(bearer.active?.fields.token.secret, true);
  match(bearer.active!.fields.token.doc!, /Bearer token \(JWT\) \(the b scheme\)/);
  const basic = deriveAuth(spec({ u: { type: "http", scheme: "Basic" } }, [{ u: [] }]), ops);
  deepEqual(basic.active?.auth, {
    type: "http_basic",
    username: "{username}",
    password: "{password}",
  });
  deepEqual(Object.keys(basic.active!.fields), ["username", "password"]);
});

Deno.test("deriveAuth() maps an apiKey to api_key with its name and place", () => {
  for (const location of ["header", "query", "cookie"]) {
    const plan = deriveAuth(
      spec({ k: { type: "apiKey", in: location, name: "X-Key" } }, [{ k: [] }]),
      ops,
    );
    deepEqual(plan.active?.auth, {
      type: "api_key",
      name: "X-Key",
      location,
      api_key: "{api_key}",
    });
  }
});

Deno.test("deriveAuth() reads PostgREST's Authorization apiKey that wants 'Bearer ' as bearer", () => {
  const plan = deriveAuth(
    spec({
      JWT: {
        type: "apiKey",
        in: "header",
        name: "Authorization",
        description: 'Add the token prepending "Bearer " (without quotes) to it',
      },
    }, [{ JWT: [] }]),
    ops,
  );
  deepEqual(plan.active?.auth, { type: "bearer", token: "{token}" });
  match(plan.active!.note!, /so it is bearer auth/);
});

Deno.test("deriveAuth() runs OAuth2 client credentials with the token URL and the scopes used", () => {
  const oauth = {
    type: "oauth2",
    flows: { clientCredentials: { tokenUrl: "/oauth/token", scopes: { read: "", write: "" } } },
  };
  const plan = deriveAuth(
    spec({ o: oauth }),
    [
      operation("/a", { security: [{ o: ["read"] }] }),
      operation("/b", { security: [{ o: ["read", "audit"] }] }),
    ],
    "https://api.example.com/v1/",
  );
  deepEqual(plan.active?.auth, {
    type: "oauth2_client_credentials",
    access_token_url: "https://api.example.com/oauth/token",
    client_id: "{client_id}",
    client_secret: "{client_secret}",
    access_token_request_data: { scope: "read audit" },
  });
});

Deno.test("deriveAuth() takes a token for OAuth2 flows and OpenID Connect that need a person", () => {
  const code = deriveAuth(
    spec({
      o: {
        type: "oauth2",
        flows: { authorizationCode: { authorizationUrl: "x", tokenUrl: "y", scopes: {} } },
      },
    }, [{ o: [] }]),
    ops,
  );
  deepEqual(code.active?.auth, { type: "bearer", token: "{token}" });
  match(code.active!.note!, /authorizationCode, which need a browser/);
  const oidc = deriveAuth(
    spec({ i: { type: "openIdConnect", openIdConnectUrl: "x" } }, [{ i: [] }]),
    ops,
  );
  equal(oidc.active?.auth.type, "bearer");
});

Deno.test("deriveAuth() keeps the first scheme and offers the others as alternatives", () => {
  const plan = deriveAuth(
    spec({
      key: { type: "apiKey", in: "query", name: "api_key" },
      bearer: { type: "http", scheme: "bearer" },
      digest: { type: "http", scheme: "digest" },
    }, [{ bearer: [] }, { key: [] }, { digest: [] }]),
    ops,
  );
  equal(plan.active?.scheme, "bearer");
  deepEqual(plan.alternatives.map((a) => a.scheme), ["key"]);
  deepEqual(plan.notes.length, 1);
  match(plan.notes[0], /"digest" is HTTP digest auth, which dltx does not have/);
  equal(plan.schemes.length, 3);
});

Deno.test("deriveAuth() makes credentials optional where the spec allows anonymous calls", () => {
  const optional = deriveAuth(
    spec({ k: { type: "apiKey", in: "header", name: "K" } }, [{}, { k: [] }]),
    ops,
  );
  equal(optional.active?.fields.api_key.default, null);
  const required = deriveAuth(
    spec({ k: { type: "apiKey", in: "header", name: "K" } }, [{ k: [] }]),
    ops,
  );
  equal(required.active?.fields.api_key.default, undefined);
});

Deno.test("deriveAuth() needs none for public operations and none without schemes", () => {
  const open = deriveAuth(
    spec({ k: { type: "apiKey", in: "header", name: "K" } }, [{ k: [] }]),
    [operation("/ping", { security: [] })],
  );
  equal(open.active, undefined);
  equal(deriveAuth({}, ops).active, undefined);
});

Deno.test("deriveAuth() says when schemes must go together, and when the spec does not say where", () => {
  const both = deriveAuth(
    spec({
      k: { type: "apiKey", in: "header", name: "K" },
      app: { type: "apiKey", in: "header", name: "App" },
    }, [{ k: [], app: [] }]),
    ops,
  );
  match(both.notes[0], /needs k and app together; dltx sends one auth \(k\)/);
  // Schemes but no `security` anywhere: offered, optional.
  const unsaid = deriveAuth(spec({ k: { type: "apiKey", in: "header", name: "K" } }), ops);
  equal(unsaid.active?.scheme, "k");
  equal(unsaid.active?.fields.api_key.default, null);
});
