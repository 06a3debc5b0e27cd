import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { loadTomlProvider, TomlProvider } from "./toml_provider.ts";

async function withDirs(fn: (project: string, home: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "dltx_toml_" });
  try {
    const project = join(root, "project", ".dlt");
    const home = join(root, "home", ".dlt");
    await Deno.mkdir(project, { recursive: true });
    await Deno.mkdir(home, { recursive: true });
    await fn(project, home);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("loadTomlProvider() prefers the project file over the home file", async () => {
  await withDirs(async (project, home) => {
    await Deno.writeTextFile(
      join(project, "secrets.toml"),
      '[sources.demo]\napi_key = "project"\n',
    );
    await Deno.writeTextFile(
      join(home, "secrets.toml"),
      '[sources.demo]\napi_key = "home"\ntoken = "home-token"\n',
    );
    const provider = await loadTomlProvider("secrets.toml", [project, home]);
    deepStrictEqual(provider.get(["sources", "demo", "api_key"]), {
      value: "project",
      location: join(project, "secrets.toml"),
    });
    deepStrictEqual(provider.get(["sources", "demo", "token"]), {
      value: "home-token",
      location: join(home, "secrets.toml"),
    });
    deepStrictEqual(provider.loaded, [join(project, "secrets.toml"), join(home, "secrets.toml")]);
    equal(provider.isEmpty, false);
  });
});

Deno.test("loadTomlProvider() merges a table found in several files, project keys first", async () => {
  await withDirs(async (project, home) => {
    await Deno.writeTextFile(
      join(project, "secrets.toml"),
      '[destination.duckdb.credentials]\ndatabase = "p.duckdb"\n',
    );
    await Deno.writeTextFile(
      join(home, "secrets.toml"),
      '[destination.duckdb.credentials]\ndatabase = "h.duckdb"\nread_only = true\n',
    );
    const provider = await loadTomlProvider("secrets.toml", [project, home]);
    const found = provider.get(["destination", "duckdb", "credentials"]);
    deepStrictEqual({ ...(found?.value as object) }, { database: "p.duckdb", read_only: true });
    equal(found?.location, join(project, "secrets.toml"));
  });
});

Deno.test("loadTomlProvider() remembers missing files as probed", async () => {
  await withDirs(async (project, home) => {
    await Deno.writeTextFile(join(home, "config.toml"), '[runtime]\nlog_level = "INFO"\n');
    const provider = await loadTomlProvider("config.toml", [project, home, project]);
    deepStrictEqual(provider.probed, [join(project, "config.toml"), join(home, "config.toml")]);
    deepStrictEqual(provider.loaded, [join(home, "config.toml")]);
    equal(provider.get(["runtime", "log_level"])?.value, "INFO");
    equal(provider.get(["runtime", "log_level", "deeper"]), undefined);
  });
});

Deno.test("loadTomlProvider() with no files is empty", async () => {
  await withDirs(async (project, home) => {
    const provider = await loadTomlProvider("secrets.toml", [project, home]);
    equal(provider.isEmpty, true);
    deepStrictEqual(provider.loaded, []);
    equal(provider.probed.length, 2);
  });
});

Deno.test("loadTomlProvider() reports a TOML syntax error with file and line, not the line's text", async () => {
  await withDirs(async (project) => {
    const path = join(project, "secrets.toml");
    await Deno.writeTextFile(path, '[sources.demo]\nok = 1\napi_key = "sk-live-123\n');
    await rejects(
      loadTomlProvider("secrets.toml", [project]),
      (e: unknown) => {
        ok(e instanceof ConfigError);
        ok(e.message.includes(path), e.message);
        ok(e.message.includes("line 3"), e.message);
        ok(!e.message.includes("sk-live-123"), e.message);
        return true;
      },
    );
  });
});

Deno.test("TomlProvider.get() keeps a __proto__ key a plain key", () => {
  const data = JSON.parse('{"t": {"__proto__": {"polluted": 1}}}');
  const provider = new TomlProvider("secrets.toml", [{ path: "/a", data }, {
    path: "/b",
    data: { t: { other: 2 } },
  }]);
  const value = provider.get(["t"])?.value as Record<string, unknown>;
  equal(({} as Record<string, unknown>).polluted, undefined);
  equal(value.other, 2);
  deepStrictEqual(provider.get(["t", "__proto__", "polluted"])?.value, 1);
});

Deno.test("TomlProvider.keyOf() joins the path with dots", () => {
  const provider = new TomlProvider("config.toml", []);
  equal(provider.keyOf(["p", "sources", "demo", "page_size"]), "p.sources.demo.page_size");
  equal(provider.isEmpty, true);
});
