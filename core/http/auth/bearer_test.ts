import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { ConfigError } from "../../errors.ts";
import type { HttpRequest } from "../types.ts";
import { BearerAuth } from "./bearer.ts";

function request(): HttpRequest {
  return { method: "GET", url: new URL("https://api.test/x"), headers: new Headers() };
}

Deno.test("BearerAuth sets Authorization: Bearer <token>", async () => {
  const auth = new BearerAuth({ token: "t0ken" });
  const req = request();
  await auth.apply(req);
  equal(req.headers.get("authorization"), "Bearer t0ken");
  deepStrictEqual(auth.secrets(), ["t0ken"]);
});

Deno.test("BearerAuth rejects a missing or empty token", () => {
  throws(() => new BearerAuth({} as { token: string }), {
    name: "ConfigError",
    message: 'Auth bearer needs "token" (a non-empty string); it is missing',
  });
  throws(() => new BearerAuth({ token: "" }), ConfigError);
});
