import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { memoryLogger } from "../log.ts";
import { EnvironmentProvider } from "./env_provider.ts";
import { ConfigResolver } from "./resolver.ts";
import { SecretMasker } from "./secret_masker.ts";
import { TomlProvider } from "./toml_provider.ts";

const SECRETS = "/p/.dlt/secrets.toml";
const CONFIG = "/p/.dlt/config.toml";

function resolver(
  env: Record<string, string>,
  secrets: Record<string, unknown> = {},
  config: Record<string, unknown> = {},
): ConfigResolver {
  return new ConfigResolver([
    new EnvironmentProvider(env),
    new TomlProvider("secrets.toml", [{ path: SECRETS, data: secrets }]),
    new TomlProvider("config.toml", [{ path: CONFIG, data: config }], { supportsSecrets: false }),
  ]);
}

Deno.test("ConfigResolver.lookup() prefers env over secrets.toml over config.toml", () => {
  const secrets = { sources: { demo: { base_url: "from-secrets" } } };
  const config = { sources: { demo: { base_url: "from-config" } } };
  const both = resolver({ SOURCES__DEMO__BASE_URL: "from-env" }, secrets, config);
  deepStrictEqual(both.lookup(["sources", "demo"], "base_url"), {
    value: "from-env",
    provider: "Environment Variables",
    key: "SOURCES__DEMO__BASE_URL",
  });
  deepStrictEqual(resolver({}, secrets, config).lookup(["sources", "demo"], "base_url"), {
    value: "from-secrets",
    provider: "secrets.toml",
    key: "sources.demo.base_url",
    location: SECRETS,
  });
  deepStrictEqual(resolver({}, {}, config).lookup(["sources", "demo"], "base_url"), {
    value: "from-config",
    provider: "config.toml",
    key: "sources.demo.base_url",
    location: CONFIG,
  });
});

Deno.test("ConfigResolver.lookup() walks up sections within a provider before the next one", () => {
  // A less specific env key loses to nothing: env is asked for every key before secrets.toml.
  const config = resolver({ API_KEY: "top-env" }, {
    sources: { demo: { issues: { api_key: "resource-secret" } } },
  });
  equal(config.lookup(["sources", "demo", "issues"], "api_key")?.value, "top-env");
  const walk = resolver({ SOURCES__API_KEY: "sources-level" });
  deepStrictEqual(walk.lookup(["sources", "demo", "issues"], "api_key")?.key, "SOURCES__API_KEY");
  const specific = resolver({ SOURCES__DEMO__ISSUES__API_KEY: "r", SOURCES__DEMO__API_KEY: "s" });
  equal(specific.lookup(["sources", "demo", "issues"], "api_key")?.value, "r");
  equal(specific.lookup(["sources", "demo", "pulls"], "api_key")?.value, "s");
});

Deno.test("ConfigResolver.lookup() tries pipeline-prefixed keys first, in every provider", () => {
  const config = resolver(
    { SOURCES__DEMO__API_KEY: "plain-env" },
    { demo_pipeline: { sources: { api_key: "pipeline-secret" } } },
  );
  deepStrictEqual(
    config.lookup(["sources", "demo"], "api_key", { pipelineName: "demo_pipeline" }),
    {
      value: "pipeline-secret",
      provider: "secrets.toml",
      key: "demo_pipeline.sources.api_key",
      location: SECRETS,
    },
  );
  equal(config.lookup(["sources", "demo"], "api_key")?.value, "plain-env");
  equal(
    config.lookup(["sources", "demo"], "api_key", { pipelineName: "other" })?.value,
    "plain-env",
  );
});

Deno.test("ConfigResolver.get() reads an exact path from the first provider that has it", () => {
  const config = resolver(
    { DESTINATION__DUCKDB__CREDENTIALS: "env.duckdb" },
    {},
    { destination: { duckdb: { credentials: "cfg.duckdb" } }, runtime: { log_level: "INFO" } },
  );
  equal(config.get("destination.duckdb.credentials")?.value, "env.duckdb");
  equal(config.get(["runtime", "log_level"])?.provider, "config.toml");
  equal(config.get("log_level"), undefined);
});

Deno.test("ConfigResolver.get() coerces env strings to the expected type", () => {
  const config = resolver({ RUNTIME__REQUEST_TIMEOUT: "30", RUNTIME__FLAG: "yes" });
  equal(config.get("runtime.request_timeout", { expect: "number" })?.value, 30);
  equal(config.get("runtime.request_timeout")?.value, "30");
  equal(config.get("runtime.flag", { expect: "boolean" })?.value, true);
  throws(() => config.get("runtime.flag", { expect: "number" }), (e: unknown) => {
    ok(e instanceof ConfigError);
    equal(
      e.message,
      "Configured value for field `flag` at (Environment Variables, RUNTIME__FLAG) cannot be " +
        'coerced into number: got "yes"',
    );
    return true;
  });
});

Deno.test("ConfigResolver.resolveFields() uses defaults and reports where each value came from", () => {
  const config = resolver({ SOURCES__DEMO__PAGE_SIZE: "50", SOURCES__DEMO__OPTS: '{"a":1}' }, {
    sources: { demo: { api_key: "k-secret" } },
  });
  const masker = new SecretMasker();
  const result = config.resolveFields(["sources", "demo"], [
    { name: "api_key", secret: true },
    { name: "page_size", default: 100 },
    { name: "opts", default: {} },
    { name: "verbose", default: false },
    { name: "limit", type: "number", default: 5 },
  ], { masker });
  deepStrictEqual(result.values, {
    api_key: "k-secret",
    page_size: 50,
    opts: { a: 1 },
    verbose: false,
    limit: 5,
  });
  deepStrictEqual(result.origins, {
    api_key: { provider: "secrets.toml", key: "sources.demo.api_key", location: SECRETS },
    page_size: { provider: "Environment Variables", key: "SOURCES__DEMO__PAGE_SIZE" },
    opts: { provider: "Environment Variables", key: "SOURCES__DEMO__OPTS" },
    verbose: "default",
    limit: "default",
  });
  equal(masker.mask("key k-secret"), "key ***");
});

Deno.test("ConfigResolver.resolveFields() lists every missing field and every key tried, in order", () => {
  const config = resolver({}, { other: 1 }, { other: 1 });
  throws(
    () =>
      config.resolveFields(["sources", "demo"], [
        { name: "api_key", secret: true },
        { name: "base_url" },
        { name: "page_size", default: 10 },
      ], { pipelineName: "demo_pipeline" }),
    (e: unknown) => {
      ok(e instanceof ConfigError);
      equal(
        e.message,
        [
          "Missing 2 field(s) in configuration: `api_key`, `base_url`",
          "for field `api_key` the following (config provider, key) were tried in order:",
          "\t(Environment Variables, DEMO_PIPELINE__SOURCES__DEMO__API_KEY)",
          "\t(Environment Variables, DEMO_PIPELINE__SOURCES__API_KEY)",
          "\t(Environment Variables, DEMO_PIPELINE__API_KEY)",
          "\t(secrets.toml, demo_pipeline.sources.demo.api_key)",
          "\t(secrets.toml, demo_pipeline.sources.api_key)",
          "\t(secrets.toml, demo_pipeline.api_key)",
          "\t(Environment Variables, SOURCES__DEMO__API_KEY)",
          "\t(Environment Variables, SOURCES__API_KEY)",
          "\t(Environment Variables, API_KEY)",
          "\t(secrets.toml, sources.demo.api_key)",
          "\t(secrets.toml, sources.api_key)",
          "\t(secrets.toml, api_key)",
          "for field `base_url` the following (config provider, key) were tried in order:",
          "\t(Environment Variables, DEMO_PIPELINE__SOURCES__DEMO__BASE_URL)",
          "\t(Environment Variables, DEMO_PIPELINE__SOURCES__BASE_URL)",
          "\t(Environment Variables, DEMO_PIPELINE__BASE_URL)",
          "\t(secrets.toml, demo_pipeline.sources.demo.base_url)",
          "\t(secrets.toml, demo_pipeline.sources.base_url)",
          "\t(secrets.toml, demo_pipeline.base_url)",
          "\t(config.toml, demo_pipeline.sources.demo.base_url)",
          "\t(config.toml, demo_pipeline.sources.base_url)",
          "\t(config.toml, demo_pipeline.base_url)",
          "\t(Environment Variables, SOURCES__DEMO__BASE_URL)",
          "\t(Environment Variables, SOURCES__BASE_URL)",
          "\t(Environment Variables, BASE_URL)",
          "\t(secrets.toml, sources.demo.base_url)",
          "\t(secrets.toml, sources.base_url)",
          "\t(secrets.toml, base_url)",
          "\t(config.toml, sources.demo.base_url)",
          "\t(config.toml, sources.base_url)",
          "\t(config.toml, base_url)",
          "Provider `secrets.toml` loaded values from locations:",
          `\t- ${SECRETS}`,
          "Provider `config.toml` loaded values from locations:",
          `\t- ${CONFIG}`,
          "Set `api_key` as env var SOURCES__DEMO__API_KEY or in .dlt/secrets.toml under [sources.demo]",
          "Set `base_url` as env var SOURCES__DEMO__BASE_URL or in .dlt/config.toml under [sources.demo]",
        ].join("\n"),
      );
      return true;
    },
  );
});

Deno.test("ConfigResolver.resolveFields() names the config and skips empty providers", () => {
  const config = resolver({});
  throws(
    () => config.resolveFields([], [{ name: "token", secret: true }], { configName: "demo" }),
    (e: unknown) => {
      ok(e instanceof ConfigError);
      equal(
        e.message,
        [
          "Missing 1 field(s) in configuration `demo`: `token`",
          "for field `token` the following (config provider, key) were tried in order:",
          "\t(Environment Variables, TOKEN)",
          "Provider `secrets.toml` loaded values from locations:",
          `\t- ${SECRETS}`,
          "WARNING: provider `secrets.toml` is empty. Locations (i.e., files) are missing or empty.",
          "Provider `config.toml` loaded values from locations:",
          `\t- ${CONFIG}`,
          "WARNING: provider `config.toml` is empty. Locations (i.e., files) are missing or empty.",
          "Set it as env var TOKEN or in .dlt/secrets.toml as a top-level key",
        ].join("\n"),
      );
      return true;
    },
  );
});

Deno.test("ConfigResolver refuses a secret found in config.toml without showing it", () => {
  const config = resolver({}, {}, { sources: { demo: { api_key: "sk-live-999" } } });
  throws(
    () => config.resolveFields(["sources", "demo"], [{ name: "api_key", secret: true }]),
    (e: unknown) => {
      ok(e instanceof ConfigError);
      ok(e.message.includes("`config.toml` cannot hold secret values"), e.message);
      ok(e.message.includes("sources.demo.api_key"), e.message);
      ok(e.message.includes(CONFIG), e.message);
      ok(!e.message.includes("sk-live-999"), e.message);
      return true;
    },
  );
  // A non-secret field of the same name is fine there.
  equal(config.lookup(["sources", "demo"], "api_key")?.value, "sk-live-999");
});

Deno.test("ConfigResolver never quotes a secret value that cannot be coerced", () => {
  const config = resolver({ SOURCES__DEMO__PIN: "sk-not-a-number" });
  throws(
    () =>
      config.resolveFields(["sources", "demo"], [{ name: "pin", secret: true, type: "number" }]),
    (e: unknown) => {
      ok(e instanceof ConfigError);
      ok(e.message.includes("`pin` at (Environment Variables, SOURCES__DEMO__PIN)"), e.message);
      ok(!e.message.includes("sk-not-a-number"), e.message);
      return true;
    },
  );
});

Deno.test("ConfigResolver logs where fields came from, never their values", () => {
  const logger = memoryLogger();
  const config = new ConfigResolver([new EnvironmentProvider({ SOURCES__DEMO__API_KEY: "sk-1" })], {
    logger,
  });
  config.resolveFields(["sources", "demo"], [{ name: "api_key", secret: true }, {
    name: "n",
    default: 1,
  }]);
  deepStrictEqual(logger.lines, [
    "debug: config: `api_key` from (Environment Variables, SOURCES__DEMO__API_KEY)",
    "debug: config: `n` from its default",
  ]);
});
