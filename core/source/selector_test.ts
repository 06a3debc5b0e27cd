import { deepStrictEqual, equal, match, ok, throws } from "node:assert/strict";
import { DataError } from "../errors.ts";
import { memoryLogger } from "../log.ts";
import { findRecordsPath, RecordSelector } from "./selector.ts";

const origin = { method: "GET", url: "https://api.example.com/items" };

Deno.test("findRecordsPath() finds records as dlt does", () => {
  deepStrictEqual(findRecordsPath([1, 2]), []);
  deepStrictEqual(findRecordsPath({ id: 1 }), []);
  deepStrictEqual(findRecordsPath({ meta: { tags: [] }, data: [] }), ["data"]);
  deepStrictEqual(findRecordsPath({ tags: ["a"], other: [] }), ["tags"]);
  deepStrictEqual(findRecordsPath({ response: { body: { results: [] } } }), [
    "response",
    "body",
    "results",
  ]);
  // deeper than 3 levels is not searched
  deepStrictEqual(findRecordsPath({ a: { b: { c: { items: [] } } } }), []);
  // depth first, key order: the first record-like list wins even if nested
  deepStrictEqual(findRecordsPath({ page: { values: [1] }, items: [2] }), ["page", "values"]);
});

Deno.test("RecordSelector finds records without a selector and keeps the path", () => {
  const logger = memoryLogger();
  const selector = new RecordSelector(undefined, { resource: "r", logger });
  deepStrictEqual(selector.select({ data: { items: [{ a: 1 }] } }, origin, true), [{ a: 1 }]);
  equal(selector.path, "data.items");
  // the next page uses the same path, even when another list comes first
  deepStrictEqual(selector.select({ x: [9], data: { items: [{ a: 2 }] } }, origin, false), [
    { a: 2 },
  ]);
  deepStrictEqual(logger.lines, ['debug: Resource "r": records found at data.items']);
});

Deno.test("RecordSelector makes a single object one record and null none, with a warning", () => {
  const logger = memoryLogger();
  const single = new RecordSelector(undefined, { resource: "r", logger });
  deepStrictEqual(single.select({ id: 1, name: "x" }, origin, true), [{ id: 1, name: "x" }]);
  const nullable = new RecordSelector("data", { resource: "r", logger });
  deepStrictEqual(nullable.select({ data: null }, origin, true), []);
  deepStrictEqual(nullable.select({ data: null }, origin, false), []);
  equal(logger.lines.filter((l) => l.startsWith("warn:")).length, 1);
  equal(
    logger.lines.at(-1),
    'warn: Resource "r": data is null in the response of GET https://api.example.com/items; ' +
      "no records taken",
  );
});

Deno.test("RecordSelector reads dotted and JSONPath selectors", () => {
  const body = { data: { items: [{ a: 1, ok: true }, { a: 2, ok: false }] }, total: 2 };
  const select = (path: string) =>
    new RecordSelector(path, { resource: "r" }).select(body, origin, true);
  deepStrictEqual(select("data.items"), body.data.items);
  deepStrictEqual(select("$.data.items"), body.data.items);
  deepStrictEqual(select("$.data.items[*]"), body.data.items);
  deepStrictEqual(select("$"), [body]);
  deepStrictEqual(select("$..a"), [1, 2]);
  deepStrictEqual(select("$.data.items[?(@.ok)]"), [{ a: 1, ok: true }]);
  deepStrictEqual(select("total"), [2]);
  deepStrictEqual(
    new RecordSelector("$", { resource: "r" }).select([{ a: 1 }], origin, true),
    [{ a: 1 }],
  );
});

Deno.test("RecordSelector fails when a data_selector matches nothing on the first page", () => {
  const selector = new RecordSelector("data.items", { resource: "r" });
  throws(
    () => selector.select({ a: 1, b: [], c: {} }, origin, true),
    (error: unknown) =>
      error instanceof DataError &&
      error.message ===
        'data_selector "data.items" matched nothing in the response of GET ' +
          "https://api.example.com/items; top-level keys: a, b, c",
  );
  // later pages may just be empty
  deepStrictEqual(selector.select({ a: 1 }, origin, false), []);
  // an empty list under a [*] selector is a match
  deepStrictEqual(
    new RecordSelector("$.data[*]", { resource: "r" }).select({ data: [] }, origin, true),
    [],
  );
  throws(
    () => new RecordSelector("$.data[*]", { resource: "r" }).select([1], origin, true),
    /matched nothing in the response of GET .*; the response is a list/,
  );
});

Deno.test("RecordSelector rejects a scalar body of a resource with a primary key", () => {
  for (const body of ["hello", 42, true]) {
    const selector = new RecordSelector(undefined, { resource: "things", primaryKey: ["id"] });
    throws(() => selector.select(body, origin, true), (err: Error) => {
      ok(err instanceof DataError);
      match(err.message, /^Resource "things" has the primary key id, but the response of GET/);
      match(err.message, new RegExp(`is a single ${typeof body} \\(${JSON.stringify(body)}\\)`));
      match(err.message, /data_selector: "\$"/);
      return true;
    });
  }
  // Records, lists and null pass as before.
  const selector = new RecordSelector(undefined, { resource: "things", primaryKey: ["id"] });
  deepStrictEqual(selector.select([{ id: 1 }], origin, true), [{ id: 1 }]);
  deepStrictEqual(selector.select({ id: 2 }, origin, false), [{ id: 2 }]);
  deepStrictEqual(selector.select(null, origin, false), []);
  // Without a primary key (or with a data_selector, which _plan.ts then does not pass it),
  // a scalar is dlt's one `value` record.
  const plain = new RecordSelector("$", { resource: "things" });
  deepStrictEqual(plain.select("hello", origin, true), ["hello"]);
});
