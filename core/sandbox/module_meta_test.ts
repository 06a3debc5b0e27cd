import { deepEqual } from "node:assert/strict";
import { readModuleMeta } from "./module_meta.ts";

Deno.test("readModuleMeta() reads name and version of the forms connectors are written in", () => {
  const forms = [
    `export default { name: "shop", version: "1.0.0", resources: [{ name: "x" }] };`,
    `export default defineConnector({\n  name: 'shop',\n  version: \`1.0.0\`,\n});`,
    `import type { Connector } from "dltx";\nexport default {\n  "name": "shop", version: "1.0.0",\n} satisfies Connector;`,
    `const c: Connector = { version: "1.0.0", name: "shop" };\nexport default c;`,
    `const c = { name: "shop", version: "1.0.0" };\nexport { c as default };`,
  ];
  for (const source of forms) {
    deepEqual(readModuleMeta(source), {
      hasDefault: true,
      exports: [],
      name: "shop",
      version: "1.0.0",
    }, source);
  }
});

Deno.test("readModuleMeta() ignores nested and computed names and lists other exports", () => {
  deepEqual(
    readModuleMeta(
      `export const PAGE = 5;\nexport function f() {}\nexport default { resources: [{ name: "x" }], name: prefix + "y" };`,
    ),
    { hasDefault: true, exports: ["PAGE", "f"] },
  );
  deepEqual(readModuleMeta(`export const shop = {};\n// export default {}`), {
    hasDefault: false,
    exports: ["shop"],
  });
});
