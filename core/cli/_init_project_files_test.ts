import { deepEqual, equal, throws } from "node:assert/strict";
import {
  GITIGNORE_ENTRIES,
  mergeDenoJson,
  mergeGitignore,
  projectImportMap,
  projectSettings,
} from "./_init_project_files.ts";

const NPM = { yaml: "npm:yaml@2.9.1" };

Deno.test("projectImportMap() maps dltx to a tree with scoped npm imports, or to a JSR package", () => {
  deepEqual(projectImportMap({ kind: "tree", base: "file:///src/dltx/" }, "demo", NPM), {
    imports: {
      dltx: "file:///src/dltx/mod.ts",
      "dltx/connectors/demo": "file:///src/dltx/connectors/demo.ts",
    },
    scopes: { "file:///src/dltx/": NPM },
  });
  deepEqual(projectImportMap({ kind: "jsr", specifier: "jsr:@dltx/dltx@^1.2.0" }, undefined, NPM), {
    imports: { dltx: "jsr:@dltx/dltx@^1.2.0" },
  });
});

Deno.test("mergeDenoJson() adds missing entries, keeps the rest, and reports differing ones", () => {
  const wanted = projectImportMap({ kind: "tree", base: "../dltx/" }, undefined, NPM);
  const fresh = mergeDenoJson(undefined, wanted, { file: "deno.json", force: false });
  deepEqual(JSON.parse(fresh.text!), wanted);

  const existing = JSON.stringify({
    tasks: { a: "b" },
    imports: { dltx: "../dltx/mod.ts", x: "y" },
  });
  const merged = mergeDenoJson(existing, wanted, { file: "deno.json", force: false });
  deepEqual(merged.conflicts, []);
  deepEqual(JSON.parse(merged.text!), {
    tasks: { a: "b" },
    imports: { dltx: "../dltx/mod.ts", x: "y" },
    scopes: { "../dltx/": NPM },
  });
  equal(mergeDenoJson(merged.text, wanted, { file: "deno.json", force: false }).text, undefined);

  const other = JSON.stringify({
    imports: { dltx: "jsr:@x/y" },
    scopes: { "../dltx/": { yaml: "npm:yaml@1" } },
  });
  const kept = mergeDenoJson(other, wanted, { file: "deno.json", force: false });
  deepEqual(kept.conflicts, [
    '"imports"."dltx" is "jsr:@x/y", dltx init wants "../dltx/mod.ts"',
    '"scopes"."../dltx/"."yaml" is "npm:yaml@1", dltx init wants "npm:yaml@2.9.1"',
  ]);
  equal(kept.text, undefined);
  const forced = mergeDenoJson(other, wanted, { file: "deno.json", force: true });
  deepEqual(JSON.parse(forced.text!), wanted);
});

Deno.test("mergeDenoJson() adds the project settings only where the file has none", () => {
  const wanted = projectImportMap(
    { kind: "jsr", specifier: "jsr:@dltx/dltx@^1.2.0" },
    undefined,
    NPM,
  );
  const settings = projectSettings({ kind: "jsr", specifier: "jsr:@dltx/dltx@^1.2.0" });
  deepEqual(settings, { nodeModulesDir: "auto", vendor: true });
  deepEqual(projectSettings({ kind: "tree", base: "../dltx/" }), { nodeModulesDir: "auto" });
  const fresh = mergeDenoJson(undefined, wanted, { file: "deno.json", force: false, settings });
  deepEqual(JSON.parse(fresh.text!), { ...settings, ...wanted });
  // The user's choice stays, and is no conflict (not even with --force).
  const own = JSON.stringify({ nodeModulesDir: "manual", ...wanted });
  for (const force of [false, true]) {
    const merged = mergeDenoJson(own, wanted, { file: "deno.json", force, settings });
    deepEqual(merged.conflicts, []);
    deepEqual(JSON.parse(merged.text!), { nodeModulesDir: "manual", ...wanted, vendor: true });
  }
});

Deno.test("mergeDenoJson() names a file it cannot merge", () => {
  const wanted = { imports: { dltx: "jsr:@dltx/dltx" } };
  throws(
    () => mergeDenoJson("{ // comment\n}", wanted, { file: "deno.jsonc", force: false }),
    /Cannot add dltx's imports to deno\.jsonc: it is not plain JSON .* Add these entries yourself/,
  );
  throws(
    () => mergeDenoJson("[]", wanted, { file: "deno.json", force: false }),
    /deno\.json must hold a JSON object/,
  );
  throws(
    () => mergeDenoJson('{"imports": "x"}', wanted, { file: "deno.json", force: false }),
    /deno\.json: "imports" must be an object/,
  );
});

Deno.test("mergeGitignore() appends only the missing entries under a comment", () => {
  const all = mergeGitignore(undefined)!;
  deepEqual(all.split("\n").filter((l) => l && !l.startsWith("#")), GITIGNORE_ENTRIES);
  equal(
    mergeGitignore("node_modules/\n/*.duckdb\nsecrets.toml"),
    "node_modules/\n/*.duckdb\nsecrets.toml\n\n# dltx: secrets, local databases, pipeline working " +
      "folders, npm packages\n*.duckdb.wal\n.dltx/pipelines/\n",
  );
  equal(mergeGitignore(all), undefined);
});
