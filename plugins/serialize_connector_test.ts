import { deepEqual, equal, match, throws } from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { InternalError } from "../core/errors.ts";
import type { Connector } from "../core/source/types.ts";
import { validateConnector } from "../core/source/validate.ts";
import { scanImports } from "../core/sandbox/mod.ts";
import { serializeConnector } from "./serialize_connector.ts";

const steps = {
  method(record: Record<string, unknown>) {
    // A multi-line method: written as a function expression.
    const copy = { ...record };
    copy.seen = true;
    return copy;
  },
};

const CONNECTOR: Connector = {
  name: "shop",
  version: "1.0.0",
  description: 'Quotes " and \\ and unicode é survive',
  config: { token: { secret: true, doc: "API token" }, base: { default: "https://x.test/" } },
  client: {
    base_url: "{base}",
    auth: { type: "bearer", token: "{token}" },
    headers: { "X-Client": "dltx", Accept: "application/json" },
  },
  resource_defaults: { primary_key: ["id"], write_disposition: "merge" },
  resources: [
    "plain",
    {
      name: "items",
      endpoint: { path: "items", params: { per_page: 100, active: true, since: null } },
      processing_steps: [
        { filter: (r) => r.id !== 2 },
        { map: steps.method },
        {
          map: function named(r) {
            return { ...r, tag: "x" };
          },
        },
      ],
    },
  ],
};

async function importSource(source: string): Promise<Connector> {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "shop.ts");
    await Deno.writeTextFile(path, source);
    return (await import(pathToFileURL(path).href)).default;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("serializeConnector() writes a module that loads back to the same connector", async () => {
  const source = serializeConnector(CONNECTOR, { header: ["copied by a test"] });
  match(source, /^\/\/ copied by a test\nexport default \{\n {2}name: "shop",\n/);
  deepEqual(scanImports(source), []);
  const loaded = validateConnector(await importSource(source), "shop.ts");
  const { resources: _, ...data } = loaded;
  const { resources: __, ...expected } = CONNECTOR;
  deepEqual(data, expected);
  equal(loaded.resources[0], "plain");
  const items = loaded.resources[1] as Exclude<Connector["resources"][number], string>;
  deepEqual(items.endpoint, {
    path: "items",
    params: { per_page: 100, active: true, since: null },
  });
  // The functions still work.
  let records: Record<string, unknown>[] = [{ id: 1 }, { id: 2 }];
  for (const step of items.processing_steps ?? []) {
    records = "filter" in step ? records.filter(step.filter) : records.map(step.map);
  }
  deepEqual(records, [{ id: 1, seen: true, tag: "x" }]);
});

Deno.test("serializeConnector() keeps short values on one line and wraps long ones", () => {
  const source = serializeConnector({
    name: "wide",
    client: { base_url: "https://api.example.com/" },
    resources: Array.from({ length: 12 }, (_, i) => `resource_number_${i}`),
  });
  match(source, /^ {2}client: \{ base_url: "https:\/\/api\.example\.com\/" \},$/m);
  match(source, /^ {2}resources: \[\n {4}"resource_number_0",\n/m);
  for (const line of source.split("\n")) equal(line.length <= 100, true, line);
});

Deno.test("serializeConnector() refuses a function without source", () => {
  const bound = ((r: Record<string, unknown>) => r).bind(null);
  throws(
    () =>
      serializeConnector({
        name: "x",
        client: { base_url: "https://x.test/" },
        resources: [{ name: "r", processing_steps: [{ map: bound }] }],
      }),
    (e: Error) =>
      e instanceof InternalError && /resources\[0\]\.processing_steps\[0\]\.map/.test(e.message),
  );
});

Deno.test("serializeConnector() types the definition with a type-only import when asked", () => {
  const source = serializeConnector(CONNECTOR, { header: ["copied"], typesFrom: "dltx" });
  match(source, /^\/\/ copied\nimport type \{ Connector \} from "dltx";\n\nexport default \{\n/);
  match(source, /\n\} satisfies Connector;\n$/);
});
