import { deepEqual, equal, match } from "node:assert/strict";
import { parse } from "smol-toml";
import type { Connector } from "../source/types.ts";
import {
  renderConfigToml,
  renderPipeline,
  renderSecretsToml,
  tomlKey,
  tomlValue,
  wrap,
} from "./_init_templates.ts";

const SHOP: Connector = {
  name: "shop",
  config: {
    token: { secret: true, doc: "Admin token" },
    region: { doc: "Region of the shop\n\nsee the admin page" },
    page_size: { default: 100 },
    filters: { default: { status: "open", tags: ["a", "b"], "odd key": true } },
  },
  client: { base_url: "https://{region}.shop.example/" },
  resources: ["orders", { name: "customers" }],
};

Deno.test("tomlValue() writes inline TOML that parses back to the value", () => {
  const value = {
    s: 'quote " and \\ and \n newline, ünïcode',
    n: 1.5,
    i: -3,
    b: false,
    list: [1, "x", [true]],
    nested: { "a b": { c: 1 } },
    skipped: null,
  };
  const { v } = parse(`v = ${tomlValue(value)}`) as { v: Record<string, unknown> };
  const { skipped: _, ...expected } = value;
  deepEqual(v, expected);
  equal(tomlValue(Number.POSITIVE_INFINITY), "inf");
  equal(tomlValue(Number.NaN), "nan");
  equal(tomlValue(null), '""');
});

Deno.test("tomlKey() quotes keys that are not bare", () => {
  equal(tomlKey("api_key-2"), "api_key-2");
  equal(tomlKey("odd key"), '"odd key"');
  equal(tomlKey("a.b"), '"a.b"');
});

Deno.test("wrap() breaks at spaces within the width and keeps long words whole", () => {
  deepEqual(wrap("aa bb cc dd", 5), ["aa bb", "cc dd"]);
  deepEqual(wrap("  x   https://a-very-long.example/url y ", 8), [
    "x",
    "https://a-very-long.example/url",
    "y",
  ]);
  deepEqual(wrap("", 10), []);
});

Deno.test("renderConfigToml() writes defaults, and required fields commented out under their doc", () => {
  const text = renderConfigToml(SHOP, "duckdb");
  deepEqual(parse(text), {
    sources: {
      shop: { page_size: 100, filters: { status: "open", tags: ["a", "b"], "odd key": true } },
    },
  });
  match(
    text,
    /# Region of the shop\n# see the admin page\n# Required: uncomment the next line and set it \(or set SOURCES__SHOP__REGION\)\.\n# region = "<region>"\n/,
  );
  equal(text.includes("token"), false);
  equal(text.includes("[destination"), false);
  deepEqual(parse(renderConfigToml(SHOP, "filesystem")).destination, {
    filesystem: { bucket_url: "data", loader_file_format: "parquet" },
  });
});

Deno.test("renderSecretsToml() writes the secret fields only, or says there are none", () => {
  const text = renderSecretsToml(SHOP);
  match(text, /\[sources\.shop\]\n# Admin token\n# Required: .*\n# token = "<token>"\n$/);
  equal(text.includes("page_size"), false);
  // `default: null` is optional (GitHub's token): said so, not "Required".
  const optional = renderSecretsToml({
    ...SHOP,
    config: { token: { secret: true, default: null, doc: "Admin token" } },
  });
  match(
    optional,
    /# Admin token\n# Optional: uncomment the next line to set it \(or set SOURCES__SHOP__TOKEN\)\.\n# token = "<token>"\n$/,
  );
  equal(optional.includes("Required"), false);
  const none = renderSecretsToml({ ...SHOP, config: {} });
  match(none, /# The shop connector needs no secrets\./);
  deepEqual(parse(none), { sources: { shop: {} } });
});

Deno.test("renderPipeline() imports the connector as the project has it", () => {
  const builtin = renderPipeline({
    connector: SHOP,
    destination: "duckdb",
    connectorImport: { kind: "builtin" },
  });
  match(builtin, /^import definition from "dltx\/connectors\/shop";$/m);
  match(builtin, /^const connector: Connector = definition;$/m);
  match(builtin, /Resources: orders, customers\./);

  const module = renderPipeline({
    connector: SHOP,
    destination: "filesystem",
    connectorImport: { kind: "module", path: "./shop.ts" },
  });
  match(module, /^import definition from "\.\/shop\.ts";$/m);
  match(module, /^const connector = definition as Connector;$/m);
  match(module, /filesystem\(String\(files\.bucket_url\)/);
  equal(module.includes("duckdb("), false);

  const file = renderPipeline({
    connector: SHOP,
    destination: "duckdb",
    connectorImport: { kind: "file", path: "./.dltx/connectors/s/shop.yaml", name: "s" },
  });
  match(file, /^import \{ fileURLToPath \} from "node:url";$/m);
  match(file, /^ {2}loadConnectorFile,$/m);
  match(
    file,
    /const connector: Connector = \{\n {2}\.\.\.await loadConnectorFile\(\n {4}fileURLToPath\(\n {6}new URL\("\.\/\.dltx\/connectors\/s\/shop\.yaml", import\.meta\.url\),\n {4}\),\n {2}\),\n {2}name: "s",\n\};/,
  );
});
