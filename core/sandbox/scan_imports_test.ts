import { deepEqual } from "node:assert/strict";
import { type ImportRef, scanImports } from "./scan_imports.ts";

function specs(source: string): [string | undefined, ImportRef["kind"], boolean, number][] {
  return scanImports(source).map((r) => [r.specifier, r.kind, r.typeOnly, r.line]);
}

Deno.test("scanImports() finds every static import form with its line", () => {
  const source = [
    `import a from "./a.ts";`,
    `import * as b from "./b.ts";`,
    `import { c, d as e } from "./c.ts";`,
    `import f, { g } from "./f.ts";`,
    `import "./side_effect.ts";`,
    `import data from "./data.json" with { type: "json" };`,
    `import {`,
    `  h,`,
    `  i,`,
    `} from "./multi_line.ts";`,
  ].join("\n");
  deepEqual(specs(source), [
    ["./a.ts", "static", false, 1],
    ["./b.ts", "static", false, 2],
    ["./c.ts", "static", false, 3],
    ["./f.ts", "static", false, 4],
    ["./side_effect.ts", "static", false, 5],
    ["./data.json", "static", false, 6],
    ["./multi_line.ts", "static", false, 10],
  ]);
});

Deno.test("scanImports() marks `import type` and `export type ... from` as type-only", () => {
  const source = [
    `import type { Connector } from "jsr:@dltx/dltx";`,
    `import type Default from "npm:x";`,
    `import type * as ns from "https://example.com/types.ts";`,
    `export type { A } from "npm:a";`,
    `export type * from "npm:b";`,
    `export type Local = { a: string };`,
  ].join("\n");
  deepEqual(specs(source), [
    ["jsr:@dltx/dltx", "static", true, 1],
    ["npm:x", "static", true, 2],
    ["https://example.com/types.ts", "static", true, 3],
    ["npm:a", "reexport", true, 4],
    ["npm:b", "reexport", true, 5],
  ]);
});

Deno.test("scanImports() treats `import { type X }` as a runtime import, as Deno does", () => {
  // Deno keeps it as `import {} from "npm:x"`, which loads the module.
  deepEqual(specs(`import { type X, type Y } from "npm:x";`), [["npm:x", "static", false, 1]]);
});

Deno.test("scanImports() reads a default import named `type` as a runtime import", () => {
  deepEqual(specs(`import type from "./t.ts";\nimport type, { u } from "./u.ts";`), [
    ["./t.ts", "static", false, 1],
    ["./u.ts", "static", false, 2],
  ]);
});

Deno.test("scanImports() finds re-exports, dynamic imports and import-equals", () => {
  const source = [
    `export * from "./all.ts";`,
    `export * as ns from "./ns.ts";`,
    `export { a, b as c } from "./named.ts";`,
    `export { local };`,
    `export default { name: "x" };`,
    `const m = await import("./lazy.ts");`,
    "const n = await import(`./tpl.ts`);",
    `const o = await import(name);`,
    "const p = await import(`./${name}.ts`);",
    `import fs = require("node:fs");`,
    `import Alias = Some.Namespace;`,
  ].join("\n");
  deepEqual(specs(source), [
    ["./all.ts", "reexport", false, 1],
    ["./ns.ts", "reexport", false, 2],
    ["./named.ts", "reexport", false, 3],
    ["./lazy.ts", "dynamic", false, 6],
    ["./tpl.ts", "dynamic", false, 7],
    [undefined, "dynamic", false, 8],
    [undefined, "dynamic", false, 9],
    ["node:fs", "static", false, 10],
  ]);
});

Deno.test("scanImports() skips imports inside comments, strings, templates and regexes", () => {
  const source = [
    `#!/usr/bin/env -S deno run`,
    `// import x from "npm:commented";`,
    `/* import y from "npm:block";`,
    `   export * from "npm:block2"; */`,
    `const s = 'import z from "npm:in_string"';`,
    `const d = "export * from 'npm:in_double'";`,
    'const t = `import w from "npm:in_template" ${\'}\'} import v from "npm:after"`;',
    `const r = /import u from "npm:in_regex"/g;`,
    `const q = a / b / c; import real from "./real.ts";`,
    `const meta = import.meta.url;`,
    `obj.import("npm:method"); obj.export;`,
  ].join("\n");
  deepEqual(specs(source), [["./real.ts", "static", false, 9]]);
});

Deno.test("scanImports() resumes after `${...}` and keeps counting lines in templates", () => {
  const source = [
    "const t = `line one",
    "${ { a: 1 }.a } line two",
    "`;",
    `import after from "./after.ts";`,
  ].join("\n");
  deepEqual(specs(source), [["./after.ts", "static", false, 4]]);
});

Deno.test("scanImports() keeps going after a `/` that only looked like a regex", () => {
  // `}` then `/` reads as a regex start; it hits the line end, so it is a division.
  const source = `const x = {a: 1}.a\n  / 2;\nimport z from "npm:z";`;
  deepEqual(specs(source), [["npm:z", "static", false, 3]]);
});

Deno.test("scanImports() ignores `from` in code and handles regex classes with slashes", () => {
  const source = [
    `const from = 1; const r = /[/]from "x"/;`,
    `export const a = from;`,
    `export { from } from "./f.ts";`,
  ].join("\n");
  deepEqual(specs(source), [["./f.ts", "reexport", false, 3]]);
});
