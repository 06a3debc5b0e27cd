import { deepEqual, equal, match } from "node:assert/strict";
import { deriveServer } from "./servers.ts";

const file = { kind: "file" as const, path: "/specs/api.yaml" };

Deno.test("deriveServer() makes base_url a config field defaulting to the first server", () => {
  const plan = deriveServer({
    servers: [{ url: "https://api.example.com/v1" }, { url: "https://sandbox.example.com/v1" }],
  }, file);
  equal(plan.baseUrl, "{base_url}");
  equal(plan.fields.base_url.default, "https://api.example.com/v1/");
  match(
    plan.fields.base_url.doc!,
    /Other servers of the spec: https:\/\/sandbox\.example\.com\/v1/,
  );
  deepEqual(plan.servers, ["https://api.example.com/v1", "https://sandbox.example.com/v1"]);
});

Deno.test("deriveServer() turns server variables into config fields in a URL template", () => {
  const plan = deriveServer({
    servers: [{
      url: "https://{region}.api.example.com/{apiVersion}",
      variables: {
        region: { default: "eu", enum: ["eu", "us"], description: "Where your account lives." },
        apiVersion: { default: "v2" },
      },
    }],
  }, file);
  equal(plan.baseUrl, "https://{region}.api.example.com/{api_version}/");
  deepEqual(plan.fields.region, {
    default: "eu",
    doc: "Where your account lives. One of: eu, us.",
  });
  equal(plan.fields.api_version.default, "v2");
});

Deno.test("deriveServer() resolves a relative server against a spec URL, not a file", () => {
  const fromUrl = deriveServer(
    { servers: [{ url: "/api/v3" }] },
    { kind: "url", url: "http://127.0.0.1:8080/openapi.json" },
  );
  equal(fromUrl.fields.base_url.default, "http://127.0.0.1:8080/api/v3/");
  const fromFile = deriveServer({ servers: [{ url: "/api/v3" }] }, file);
  // Unknown: the field has no default, so a run asks for it.
  equal(fromFile.fields.base_url.default, undefined);
  match(fromFile.fields.base_url.doc!, /ending in \/api\/v3: the spec's server is relative/);
  const none = deriveServer({}, file);
  equal(none.fields.base_url.default, undefined);
  match(none.fields.base_url.doc!, /the spec names no server/);
});

Deno.test("deriveServer() replaces PostgREST's bind address 0.0.0.0 with where the spec came from", () => {
  const plan = deriveServer(
    { servers: [{ url: "http://0.0.0.0:3000/" }] },
    { kind: "url", url: "https://db.example.com/rest/" },
  );
  equal(plan.fields.base_url.default, "https://db.example.com/");
});
