import { deepStrictEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { loadConfig } from "./load_config.ts";

async function withProject(
  fn: (dirs: { root: string; project: string; home: string }) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "dltx_config_" });
  try {
    const project = join(root, "project");
    const home = join(root, "home");
    await Deno.mkdir(join(project, ".dlt"), { recursive: true });
    await Deno.mkdir(join(home, ".dlt"), { recursive: true });
    await fn({ root, project, home });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("loadConfig() chains env, secrets.toml and config.toml, project over home", async () => {
  await withProject(async ({ project, home }) => {
    await Deno.writeTextFile(
      join(project, ".dlt", "secrets.toml"),
      '[sources.demo]\napi_key = "project-key"\n',
    );
    await Deno.writeTextFile(
      join(home, ".dlt", "secrets.toml"),
      '[sources.demo]\napi_key = "home-key"\ntoken = "home-token"\n',
    );
    await Deno.writeTextFile(join(home, ".dlt", "config.toml"), "[sources.demo]\npage_size = 7\n");
    const config = await loadConfig({
      env: { SOURCES__DEMO__TOKEN: "env-token", HOME: home },
      projectDir: project,
    });
    deepStrictEqual(config.providers.map((p) => p.name), [
      "Environment Variables",
      "secrets.toml",
      "config.toml",
    ]);
    const { values, origins } = config.resolveFields(["sources", "demo"], [
      { name: "api_key", secret: true },
      { name: "token", secret: true },
      { name: "page_size", default: 100 },
    ]);
    deepStrictEqual(values, { api_key: "project-key", token: "env-token", page_size: 7 });
    deepStrictEqual(origins.api_key, {
      provider: "secrets.toml",
      key: "sources.demo.api_key",
      location: join(project, ".dlt", "secrets.toml"),
    });
    deepStrictEqual(origins.page_size, {
      provider: "config.toml",
      key: "sources.demo.page_size",
      location: join(home, ".dlt", "config.toml"),
    });
  });
});

Deno.test("loadConfig() missing-field error lists the files loaded and probed", async () => {
  await withProject(async ({ project, home }) => {
    await Deno.writeTextFile(join(home, ".dlt", "secrets.toml"), "[sources.other]\nx = 1\n");
    const config = await loadConfig({ env: {}, projectDir: project, homeDir: home });
    throws(
      () => config.resolveFields(["sources", "demo"], [{ name: "api_key", secret: true }]),
      (e: unknown) => {
        ok(e instanceof ConfigError);
        equal(
          e.message,
          [
            "Missing 1 field(s) in configuration: `api_key`",
            "for field `api_key` the following (config provider, key) were tried in order:",
            "\t(Environment Variables, SOURCES__DEMO__API_KEY)",
            "\t(Environment Variables, SOURCES__API_KEY)",
            "\t(Environment Variables, API_KEY)",
            "\t(secrets.toml, sources.demo.api_key)",
            "\t(secrets.toml, sources.api_key)",
            "\t(secrets.toml, api_key)",
            "Provider `secrets.toml` loaded values from locations:",
            `\t- ${join(home, ".dlt", "secrets.toml")}`,
            "Provider `secrets.toml` probed but not found:",
            `\t- ${join(project, ".dlt", "secrets.toml")}`,
            "Provider `config.toml` probed but not found:",
            `\t- ${join(project, ".dlt", "config.toml")}`,
            `\t- ${join(home, ".dlt", "config.toml")}`,
            "WARNING: provider `config.toml` is empty. Locations (i.e., files) are missing or empty.",
            "Set it as env var SOURCES__DEMO__API_KEY or in .dlt/secrets.toml under [sources.demo]",
          ].join("\n"),
        );
        return true;
      },
    );
  });
});

Deno.test("loadConfig() fails on a TOML syntax error naming the file and line", async () => {
  await withProject(async ({ project }) => {
    const path = join(project, ".dlt", "config.toml");
    await Deno.writeTextFile(path, "[runtime]\nlog_level = \n");
    await rejects(loadConfig({ env: {}, projectDir: project, homeDir: null }), (e: unknown) => {
      ok(e instanceof ConfigError);
      ok(e.message.startsWith(`Invalid TOML in ${path} at line 2`), e.message);
      return true;
    });
  });
});

Deno.test("loadConfig() takes the home dir from the env map and skips it when null", async () => {
  await withProject(async ({ project, home }) => {
    await Deno.writeTextFile(join(home, ".dlt", "config.toml"), '[runtime]\nlog_level = "INFO"\n');
    const withHome = await loadConfig({ env: { HOME: home }, projectDir: project });
    equal(withHome.get("runtime.log_level")?.value, "INFO");
    const withoutHome = await loadConfig({
      env: { HOME: home },
      projectDir: project,
      homeDir: null,
    });
    equal(withoutHome.get("runtime.log_level"), undefined);
    deepStrictEqual(withoutHome.providers[2].probed, [join(project, ".dlt", "config.toml")]);
  });
});
