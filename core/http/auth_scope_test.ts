import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { AuthScope, parseAuthHost } from "./auth_scope.ts";

Deno.test("AuthScope allows the base_url's origin only, default ports normalised", () => {
  const scope = new AuthScope("https://API.example.com/v1/");
  equal(scope.allows(new URL("https://api.example.com:443/v2/x?page=2")), true);
  equal(scope.allows(new URL("http://api.example.com/v1/x")), false, "scheme");
  equal(scope.allows(new URL("https://api.example.com:8443/v1/x")), false, "port");
  equal(scope.allows(new URL("https://evil.example.com/v1/x")), false, "host");
  equal(scope.allows(new URL("https://api.example.com.evil.test/")), false, "suffix");
  const local = new AuthScope("http://127.0.0.1:8080");
  equal(local.allows(new URL("http://127.0.0.1:8080/a")), true);
  equal(local.allows(new URL("http://127.0.0.1:8081/a")), false);
  equal(local.allows(new URL("http://localhost:8080/a")), false);
});

Deno.test("AuthScope adds client.auth_hosts: origins and bare host[:port]", () => {
  const scope = new AuthScope("https://api.example.com/", {
    authHosts: [
      "https://files.example.com/",
      "cdn.example.com",
      "http://127.0.0.1:9000",
      "uploads.example.com:8443",
    ],
  });
  deepStrictEqual(scope.origins, [
    "https://api.example.com",
    "https://files.example.com",
    "https://cdn.example.com",
    "http://127.0.0.1:9000",
    "https://uploads.example.com:8443",
  ]);
  equal(scope.allows(new URL("https://cdn.example.com:443/x")), true);
  equal(scope.allows(new URL("http://cdn.example.com/x")), false, "a bare host takes https");
  equal(scope.allows(new URL("https://uploads.example.com/x")), false, "another port");
});

Deno.test("parseAuthHost() gives a bare host the base_url's scheme and reads IPv6", () => {
  equal(parseAuthHost("api.test:8080", "http:"), "http://api.test:8080");
  equal(parseAuthHost("[::1]:8080", "http:"), "http://[::1]:8080");
  equal(parseAuthHost("HTTPS://Api.Test:443"), "https://api.test");
});

Deno.test("parseAuthHost() rejects paths, credentials, wildcards and other schemes", () => {
  const cases: [string, RegExp][] = [
    ["https://api.test/v1", /has a path, query or fragment/],
    ["api.test/v1", /has a path, query or fragment/],
    ["api.test?x=1", /has a path, query or fragment/],
    ["https://user:pw@api.test", /must not hold credentials/],
    ["*.example.com", /wildcard/],
    ["ftp://api.test", /scheme ftp/],
    ["", /is empty/],
    ["api test", /is not a valid origin/],
  ];
  for (const [entry, reason] of cases) {
    throws(() => parseAuthHost(entry), (error: Error) => {
      equal(error.name, "ConfigError");
      equal(error.message.startsWith(`client.auth_hosts entry ${JSON.stringify(entry)} `), true);
      equal(reason.test(error.message), true, error.message);
      equal(error.message.includes("https://api2.example.com"), true);
      return true;
    });
  }
});

Deno.test("AuthScope.permits() reports each refused origin once", () => {
  const withheld: [string, string | undefined][] = [];
  const scope = new AuthScope("https://api.test/", {
    onWithheld: (origin, resource) => withheld.push([origin, resource]),
  });
  equal(scope.permits(new URL("https://api.test/a"), "items"), true);
  equal(scope.permits(new URL("https://other.test:444/a"), "items"), false);
  equal(scope.permits(new URL("https://other.test:444/b?page=2"), "users"), false);
  equal(scope.permits(new URL("http://api.test/a")), false);
  deepStrictEqual(withheld, [["https://other.test:444", "items"], ["http://api.test", undefined]]);
});
