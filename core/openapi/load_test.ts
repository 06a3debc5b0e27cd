import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { loadOpenApi, pointerToPath } from "./load.ts";
import type { SpecObject } from "./types.ts";

async function withFiles<T>(files: Record<string, string>, fn: (dir: string) => Promise<T>) {
  const dir = await Deno.makeTempDir({ prefix: "dltx_openapi_" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.mkdir(join(dir, name, ".."), { recursive: true });
      await Deno.writeTextFile(join(dir, name), text);
    }
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A fetch that must not be called: file specs work offline. */
const noNetwork: typeof fetch = () => {
  throw new Error("the network was used");
};

const ITEMS_30 = `openapi: 3.0.3
info: { title: Items, version: "1" }
paths:
  /items:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Items" }
components:
  schemas:
    Items: { type: array, items: { $ref: "#/components/schemas/Item" } }
    Item:
      type: object
      properties:
        id: { type: integer }
        note: { type: string, nullable: true }
`;

function itemsSchema(doc: SpecObject): SpecObject {
  // deno-lint-ignore no-explicit-any
  return (doc as any).paths["/items"].get.responses["200"].content["application/json"].schema;
}

Deno.test("loadOpenApi() reads an OpenAPI 3.0 YAML file offline, upgraded to 3.1 with $refs resolved", async () => {
  await withFiles({ "spec.yaml": ITEMS_30 }, async (dir) => {
    const spec = await loadOpenApi("spec.yaml", { cwd: dir, fetch: noNetwork });
    equal(spec.version, "3.0.3");
    equal(spec.title, "Items");
    deepEqual(spec.source, { kind: "file", path: join(dir, "spec.yaml") });
    match(String(spec.document.openapi), /^3\.1\./);
    const schema = itemsSchema(spec.document);
    equal(schema.type, "array");
    // `nullable: true` became 3.1's type list.
    // deno-lint-ignore no-explicit-any
    deepEqual((schema.items as any).properties.note.type, ["string", "null"]);
  });
});

Deno.test("loadOpenApi() reads Swagger 2.0 JSON: host, basePath and schemes become servers", async () => {
  const swagger = {
    swagger: "2.0",
    info: { title: "Old", version: "1" },
    host: "api.example.com",
    basePath: "/v2",
    schemes: ["https"],
    securityDefinitions: { key: { type: "apiKey", in: "query", name: "key" } },
    paths: {
      "/things": {
        get: {
          produces: ["application/json"],
          responses: {
            "200": { description: "ok", schema: { type: "array", items: { type: "object" } } },
          },
        },
      },
    },
  };
  await withFiles({ "old.json": JSON.stringify(swagger) }, async (dir) => {
    const spec = await loadOpenApi(join(dir, "old.json"), { cwd: "/", fetch: noNetwork });
    equal(spec.version, "2.0");
    deepEqual(spec.document.servers, [{ url: "https://api.example.com/v2" }]);
    // deno-lint-ignore no-explicit-any
    const doc = spec.document as any;
    equal(doc.components.securitySchemes.key.in, "query");
    equal(
      doc.paths["/things"].get.responses["200"].content["application/json"].schema.type,
      "array",
    );
  });
});

Deno.test("loadOpenApi() reads $refs to other local files of a file spec", async () => {
  const main = ITEMS_30.replace('"#/components/schemas/Items"', '"./schemas/items.yaml#/Items"');
  const items =
    "Items: { type: array, items: { type: object, properties: { sku: { type: string } } } }\n";
  await withFiles({ "main.yaml": main, "schemas/items.yaml": items }, async (dir) => {
    const spec = await loadOpenApi("main.yaml", { cwd: dir, fetch: noNetwork });
    // deno-lint-ignore no-explicit-any
    equal((itemsSchema(spec.document).items as any).properties.sku.type, "string");
  });
});

Deno.test("loadOpenApi() refuses a remote $ref of a file spec, without touching the network", async () => {
  const main = ITEMS_30.replace(
    '"#/components/schemas/Items"',
    '"https://schemas.example.com/items.json#/Items"',
  );
  await withFiles({ "main.yaml": main }, async (dir) => {
    await rejects(
      loadOpenApi("main.yaml", { cwd: dir, fetch: noNetwork }),
      (err: Error) =>
        err instanceof ConfigError &&
        /has a \$ref to https:\/\/schemas\.example\.com\/items\.json; dltx does not fetch remote \$refs of a spec given as a file/
          .test(err.message),
    );
  });
});

Deno.test("loadOpenApi() fetches a URL spec and its relative $refs, and never a local file for it", async () => {
  const served: string[] = [];
  const files: Record<string, string> = {
    "/api/spec.yaml": ITEMS_30.replace('"#/components/schemas/Items"', '"./items.yaml#/Items"'),
    "/api/items.yaml": "Items: { type: array, items: { type: object } }\n",
  };
  const fakeFetch: typeof fetch = (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    served.push(url.pathname);
    const text = files[url.pathname];
    return Promise.resolve(
      text === undefined ? new Response("nope", { status: 404 }) : new Response(text),
    );
  };
  const spec = await loadOpenApi("https://api.example.com/api/spec.yaml", {
    cwd: "/",
    fetch: fakeFetch,
  });
  deepEqual(served, ["/api/spec.yaml", "/api/items.yaml"]);
  deepEqual(spec.source, { kind: "url", url: "https://api.example.com/api/spec.yaml" });
  equal(itemsSchema(spec.document).type, "array");

  files["/api/spec.yaml"] = ITEMS_30.replace(
    '"#/components/schemas/Items"',
    '"file:///etc/passwd"',
  );
  await rejects(
    loadOpenApi("https://api.example.com/api/spec.yaml", { cwd: "/", fetch: fakeFetch }),
    /only https:\/\/ URLs are fetched/,
  );
});

Deno.test("loadOpenApi() fetches https and loopback http only", async () => {
  await rejects(
    loadOpenApi("http://api.example.com/spec.json", { cwd: "/", fetch: noNetwork }),
    (err: Error) =>
      err instanceof ConfigError &&
      /only https:\/\/ URLs are fetched \(http:\/\/ only for 127\.0\.0\.1 and localhost\); use https:\/\/api\.example\.com\/spec\.json/
        .test(err.message),
  );
  await rejects(
    loadOpenApi("ftp://example.com/spec.json", { cwd: "/", fetch: noNetwork }),
    /only https:\/\/ URLs are fetched/,
  );
  const local: typeof fetch = () => Promise.resolve(new Response("nope", { status: 404 }));
  await rejects(
    loadOpenApi("http://127.0.0.1:9/spec.json", { cwd: "/", fetch: local }),
    /GET http:\/\/127\.0\.0\.1:9\/spec\.json returned 404/,
  );
});

Deno.test("loadOpenApi() names the first problem of an invalid spec, where it is", async () => {
  const bad = ITEMS_30.replace(
    "responses:",
    "parameters: [{ name: x, in: nowhere }]\n      responses:",
  );
  await withFiles({ "bad.yaml": bad }, async (dir) => {
    await rejects(
      loadOpenApi("bad.yaml", { cwd: dir, fetch: noNetwork }),
      (err: Error) =>
        err instanceof ConfigError &&
        err.message.startsWith(
          'The OpenAPI spec bad.yaml is invalid: paths["/items"].get.parameters[0]',
        ) &&
        !err.message.includes("\n"),
    );
  });
  const dangling = ITEMS_30.replace('"#/components/schemas/Items"', '"#/components/schemas/Nope"');
  await withFiles({ "dangling.yaml": dangling }, async (dir) => {
    await rejects(
      loadOpenApi("dangling.yaml", { cwd: dir, fetch: noNetwork }),
      /invalid: .*#\/components\/schemas\/Nope/,
    );
  });
});

Deno.test("loadOpenApi() says what is wrong with a file that is no OpenAPI spec", async () => {
  const cases: [string, string, RegExp][] = [
    ["list.json", "[1, 2]", /is not an OpenAPI document: it holds a list/],
    ["plain.yaml", "name: shop\n", /has neither "openapi: 3.x" nor "swagger: 2.0"/],
    ["old.yaml", "swagger: '1.2'\n", /says swagger: "1.2"; dltx reads Swagger "2.0"/],
    ["new.yaml", "openapi: 4.0.0\n", /is OpenAPI 4.0.0; dltx reads OpenAPI 3.0 and 3.1/],
    ["broken.yaml", "openapi: 3.1.0\npaths: [\n", /is not valid YAML/],
    ["broken.json", '{"openapi": "3.1.0",', /is not valid JSON/],
  ];
  await withFiles(Object.fromEntries(cases.map(([n, t]) => [n, t])), async (dir) => {
    for (const [name, , pattern] of cases) {
      await rejects(loadOpenApi(name, { cwd: dir, fetch: noNetwork }), pattern, name);
    }
    await rejects(loadOpenApi("missing.yaml", { cwd: dir }), /missing\.yaml: no such file/);
  });
});

Deno.test("pointerToPath() reads a JSON pointer as a path into the spec", () => {
  equal(
    pointerToPath("/paths/~1items~1{id}/get/parameters/0"),
    'paths["/items/{id}"].get.parameters[0]',
  );
  equal(pointerToPath("#/components/schemas/a~0b"), 'components.schemas["a~b"]');
  equal(pointerToPath(""), "(top level)");
  ok(pointerToPath("/info").length > 0);
});
