import { deepEqual, throws } from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { declaredHosts } from "./_declared_hosts.ts";
import type { Connector } from "./types.ts";

Deno.test("declaredHosts() takes base_url, OAuth token URLs and allowed_hosts, config filled in", () => {
  const connector: Connector = {
    name: "shop",
    config: { base_url: {}, mirror: {} },
    client: {
      base_url: "{base_url}",
      auth: {
        type: "oauth2_client_credentials",
        access_token_url: "https://auth.example.com/token",
        client_id: "id",
        client_secret: "secret",
      },
    },
    resources: [{
      name: "a",
      endpoint: {
        path: "a",
        auth: {
          type: "oauth2_client_credentials",
          access_token_url: "http://127.0.0.1:9000/token",
          client_id: "id",
          client_secret: "secret",
        },
      },
    }],
    allowed_hosts: ["{mirror}", "cdn.example.com", "https://api.example.com/v2"],
  };
  deepEqual(
    declaredHosts(connector, {
      base_url: "https://api.example.com/v1/",
      mirror: "m.example.com:81",
    }),
    [
      "127.0.0.1:9000",
      "api.example.com:443",
      "auth.example.com:443",
      "cdn.example.com",
      "m.example.com:81",
    ],
  );
  throws(
    () => declaredHosts(connector, { base_url: "https://api.example.com/", mirror: "a b" }),
    (e: unknown) =>
      e instanceof ConfigError && /allowed_hosts\[0\] "a b" is not a host/.test(e.message),
  );
});
