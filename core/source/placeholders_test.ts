import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { ConfigError, DataError } from "../errors.ts";
import {
  compileTemplate,
  compileValue,
  findPlaceholders,
  type PlaceholderScope,
  renderTemplate,
  toText,
} from "./placeholders.ts";
import { parseJson } from "../json/mod.ts";

const config = { owner: "dlt-hub", repo: "dlt", page_size: 50, token: "s3cret" };

function scope(extra: Partial<PlaceholderScope> = {}): PlaceholderScope {
  return { resource: "comments", config, ...extra };
}

Deno.test("compileTemplate() fills config fields as strings", () => {
  const t = compileTemplate("repos/{owner}/{repo}/issues?per_page={page_size}", scope(), "path");
  equal(renderTemplate(t), "repos/dlt-hub/dlt/issues?per_page=50");
});

Deno.test("compileTemplate() keeps {{ and }} as literal braces", () => {
  equal(renderTemplate(compileTemplate("a/{{b}}/{owner}", scope(), "path")), "a/{b}/dlt-hub");
  equal(renderTemplate(compileTemplate("{{{owner}}}", scope(), "path")), "{dlt-hub}");
  // braces that open no placeholder stay as written
  equal(renderTemplate(compileTemplate('{ "a": 1 }', scope(), "path")), '{ "a": 1 }');
});

Deno.test("compileTemplate() fills parent fields, nested ones included, per record", () => {
  const t = compileTemplate(
    "issues/{resources.issues.number}/by/{resources.issues.user.login}",
    scope({ parent: "issues" }),
    "endpoint.path",
  );
  equal(renderTemplate(t, { number: 7, user: { login: "ann" } }), "issues/7/by/ann");
  equal(renderTemplate(t, { number: 8, user: { login: "bob" } }), "issues/8/by/bob");
  throws(
    () => renderTemplate(t, { id: 1 }),
    (e: unknown) =>
      e instanceof DataError &&
      e.message ===
        'Resource "comments" needs field "number" of its parent "issues" for ' +
          '{resources.issues.number}, but a record of "issues" lacks it; the record has: id',
  );
});

Deno.test("compileTemplate() fills legacy resolve params", () => {
  const s = scope({ parent: "issues", resolve: { issue_id: "id" }, used: new Set() });
  const t = compileTemplate("issues/{issue_id}/comments", s, "endpoint.path");
  equal(renderTemplate(t, { id: 3 }), "issues/3/comments");
  deepStrictEqual([...s.used!], ["issue_id"]);
});

Deno.test("compileTemplate() rejects unknown placeholders naming them and the resource", () => {
  throws(
    () => compileTemplate("repos/{ownr}/issues", scope(), "endpoint.path"),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Resource "comments": unknown placeholder {ownr} in endpoint.path "repos/{ownr}/issues"; ' +
          "placeholders are config fields (owner, repo, page_size, token) or " +
          "{resources.<parent>.<field>}; write {{ and }} for literal braces",
  );
  throws(
    () => compileTemplate("{resources.users.id}", scope({ parent: "issues" }), "endpoint.path"),
    /refers to resource "users", but its parent is "issues"/,
  );
  throws(
    () => compileTemplate("{resources.issues}", scope({ parent: "issues" }), "endpoint.path"),
    /must have the form \{resources\.<parent>\.<field>\}/,
  );
  throws(
    () => compileTemplate("{incremental.start_value}", scope(), "endpoint.params.since"),
    /placeholder \{incremental\.start_value\} in endpoint\.params\.since .* needs an incremental cursor/,
  );
  throws(
    () =>
      compileTemplate(
        "{incremental.start}",
        { ...scope(), incremental: { start_value: 1 } },
        "endpoint.path",
      ),
    /unknown placeholder \{incremental\.start\} .*; incremental placeholders are \{incremental\.start_value\}, /,
  );
});

Deno.test("compileValue() renders params, headers and json, keeping json value types", () => {
  const s = scope({ parent: "issues" });
  const params = compileValue({ id: "{resources.issues.id}", size: "{page_size}" }, s, "params");
  equal(params.dynamic, true);
  deepStrictEqual(params.render({ id: 5 }), { id: "5", size: "50" });

  const json = compileValue(
    { query: { issue: "{resources.issues.id}", label: "#{resources.issues.id}" }, n: 1 },
    s,
    "json",
    { preserveTypes: true },
  );
  deepStrictEqual(json.render({ id: 5 }), { query: { issue: 5, label: "#5" }, n: 1 });

  const headers = compileValue({ Authorization: "Bearer {token}" }, scope(), "headers");
  equal(headers.dynamic, false);
  deepStrictEqual(headers.render(), { Authorization: "Bearer s3cret" });
});

Deno.test("findPlaceholders() lists placeholders deeply, ignoring escaped braces", () => {
  deepStrictEqual(
    findPlaceholders(["a/{x}", { "{k}": ["{{no}}", "{resources.p.f}"] }, 3, null]),
    ["x", "k", "resources.p.f"],
  );
});

Deno.test("compileValue() renders an unset optional config field alone as null", () => {
  const optional = scope({ config: { ...config, api_key: null } });
  deepStrictEqual(
    compileValue({ apikey: "{api_key}", q: "{owner}" }, optional, "headers").render(),
    { apikey: null, q: "dlt-hub" },
  );
  deepStrictEqual(
    compileValue({ key: "{api_key}" }, optional, "json", { preserveTypes: true }).render(),
    { key: null },
  );
});

Deno.test("compileTemplate() rejects an unset optional config field inside other text", () => {
  throws(
    () => compileTemplate("Key {api_key}", scope({ config: { api_key: null } }), "headers.x"),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Resource "comments": placeholder {api_key} in headers.x "Key {api_key}" needs config ' +
          'field "api_key", which is not set; set it, or make {api_key} the whole value, so ' +
          "that an unset field leaves the param, header or auth out",
  );
});

Deno.test("toText() writes ids past 2^53 of a parent record with all their digits", () => {
  const parent = parseJson('{"id": 9007199254740993, "tags": [1234567890123456789]}');
  equal(toText((parent as { id: unknown }).id), "9007199254740993");
  equal(toText((parent as { tags: unknown }).tags), "[1234567890123456789]");
});
