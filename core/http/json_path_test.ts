import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { compilePath, getPath, parsePath, setPath } from "./json_path.ts";

const doc = {
  cursors: { next: "c2" },
  meta: { total: 42 },
  links: { next: { href: "/p2" } },
  items: [{ id: 1 }, { id: 2 }],
  "next-page": "x",
  "a b": { c: 1 },
};

Deno.test("getPath() reads dotted paths", () => {
  equal(getPath(doc, "cursors.next"), "c2");
  equal(getPath(doc, "meta.total"), 42);
  equal(getPath(doc, "links.next.href"), "/p2");
  equal(getPath(doc, "next-page"), "x");
});

Deno.test("getPath() accepts the $.a.b form, indexes and quoted keys", () => {
  equal(getPath(doc, "$.links.next.href"), "/p2");
  equal(getPath(doc, "$"), doc);
  equal(getPath(doc, "items[1].id"), 2);
  equal(getPath(doc, "$.items[0].id"), 1);
  equal(getPath(doc, "['a b'].c"), 1);
  equal(getPath(doc, `$["a b"].c`), 1);
});

Deno.test("getPath() returns undefined for missing paths and non-objects", () => {
  equal(getPath(doc, "meta.missing.deep"), undefined);
  equal(getPath(doc, "cursors.next.more"), undefined);
  equal(getPath(null, "a"), undefined);
  equal(getPath("text", "a.b"), undefined);
  equal(getPath({ a: null }, "a"), null);
});

Deno.test("getPath() falls back to JSONPath for wildcards and recursive descent", () => {
  equal(getPath(doc, "$..href"), "/p2");
  equal(getPath(doc, "items[*].id"), 1);
  equal(getPath(doc, "$..nothing"), undefined);
});

Deno.test("parsePath() splits simple paths and rejects JSONPath syntax", () => {
  deepStrictEqual(parsePath("a.b[2]['c.d']"), ["a", "b", 2, "c.d"]);
  deepStrictEqual(parsePath("$"), []);
  equal(parsePath("a..b"), undefined);
  equal(parsePath("a.*"), undefined);
  equal(parsePath("a[?(@.x)]"), undefined);
  equal(parsePath("a."), undefined);
});

Deno.test("compilePath() caches and rejects an empty path", () => {
  equal(compilePath("meta.total"), compilePath("meta.total"));
  throws(() => compilePath(""), ConfigError);
});

Deno.test("setPath() returns a copy with the value placed, creating objects", () => {
  const body = { query: "x", pagination: { size: 10 } };
  const updated = setPath(body, "pagination.cursor", "c1");
  deepStrictEqual(updated, { query: "x", pagination: { size: 10, cursor: "c1" } });
  deepStrictEqual(body, { query: "x", pagination: { size: 10 } });
  deepStrictEqual(setPath(undefined, "$.a.b", 1), { a: { b: 1 } });
  deepStrictEqual(setPath({ list: [1, 2] }, "list[1]", 9), { list: [1, 9] });
});

Deno.test("setPath() rejects paths it cannot write", () => {
  throws(() => setPath({}, "$", 1), /dotted path/);
  throws(() => setPath({}, "a[*]", 1), ConfigError);
});
