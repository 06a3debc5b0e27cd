import { deepStrictEqual, equal } from "node:assert/strict";
import type { HttpRequest } from "../types.ts";
import { HttpBasicAuth } from "./http_basic.ts";

function request(): HttpRequest {
  return { method: "GET", url: new URL("https://api.test/x"), headers: new Headers() };
}

Deno.test("HttpBasicAuth sends base64(username:password)", async () => {
  const auth = new HttpBasicAuth({ type: "http_basic", username: "user", password: "pass" });
  const req = request();
  await auth.apply(req);
  equal(req.headers.get("authorization"), `Basic ${btoa("user:pass")}`);
  deepStrictEqual(auth.secrets(), ["pass", btoa("user:pass")]);
});

Deno.test("HttpBasicAuth secrets include the unpadded and base64url spellings", () => {
  // "user:pa??>" encodes with "/" and padding: base64 "dXNlcjpwYT8/Pg==".
  const auth = new HttpBasicAuth({ type: "http_basic", username: "user", password: "pa??>" });
  deepStrictEqual(auth.secrets(), [
    "pa??>",
    "dXNlcjpwYT8/Pg==",
    "dXNlcjpwYT8/Pg",
    "dXNlcjpwYT8_Pg",
  ]);
});

Deno.test("HttpBasicAuth encodes UTF-8 and allows an empty password", async () => {
  const req = request();
  await new HttpBasicAuth({ type: "http_basic", username: "jörg", password: "" }).apply(req);
  equal(req.headers.get("authorization"), "Basic asO2cmc6");
});
