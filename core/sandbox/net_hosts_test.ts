import { equal } from "node:assert/strict";
import { netHost } from "./net_hosts.ts";

Deno.test("netHost() turns URLs and hosts into Deno net permission entries", () => {
  equal(netHost("https://api.example.com/v1/"), "api.example.com:443");
  equal(netHost("http://127.0.0.1:8080"), "127.0.0.1:8080");
  equal(netHost("http://[::1]:8080/x"), "[::1]:8080");
  equal(netHost("API.example.com"), "api.example.com");
  equal(netHost("cdn.example.com:8443"), "cdn.example.com:8443");
  for (const bad of ["", "ftp://x.test/", "a b", "host:99999", "https://", "/path"]) {
    equal(netHost(bad), undefined, bad);
  }
});
