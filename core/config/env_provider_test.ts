import { deepStrictEqual, equal } from "node:assert/strict";
import { EnvironmentProvider, envKey } from "./env_provider.ts";

Deno.test("envKey() upper-cases sections and joins them with __", () => {
  equal(envKey(["sources", "demo", "api_key"]), "SOURCES__DEMO__API_KEY");
  equal(envKey(["my-pipeline", "runtime", "log_level"]), "MY-PIPELINE__RUNTIME__LOG_LEVEL");
  equal(envKey(["api_key"]), "API_KEY");
});

Deno.test("EnvironmentProvider.get() returns set variables, empty ones included", () => {
  const provider = new EnvironmentProvider({ SOURCES__DEMO__API_KEY: "k", EMPTY: "" });
  deepStrictEqual(provider.get(["sources", "demo", "api_key"]), { value: "k" });
  deepStrictEqual(provider.get(["empty"]), { value: "" });
  equal(provider.get(["sources", "demo", "missing"]), undefined);
  equal(provider.get(["constructor"]), undefined);
  equal(provider.keyOf(["sources", "demo", "api_key"]), "SOURCES__DEMO__API_KEY");
  equal(provider.name, "Environment Variables");
  equal(provider.isEmpty, false);
});
