import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { CursorPaginator } from "./cursor.ts";
import { getRequest, jsonResponse } from "./_testing.ts";

Deno.test("CursorPaginator sends cursors.next as the cursor param by default", () => {
  const paginator = new CursorPaginator();
  const request = getRequest("https://api.test/items?limit=5");
  paginator.initRequest(request);
  equal(request.url.search, "?limit=5");
  paginator.updateState(jsonResponse({ cursors: { next: "abc" } }), [1]);
  paginator.updateRequest(request);
  equal(request.url.search, "?limit=5&cursor=abc");
  paginator.updateState(jsonResponse({ cursors: { next: "def" } }), [1]);
  paginator.updateRequest(request);
  equal(request.url.search, "?limit=5&cursor=def");
});

Deno.test("CursorPaginator uses cursor_path and cursor_param", () => {
  const paginator = new CursorPaginator({
    type: "cursor",
    cursor_path: "$.meta.next_cursor",
    cursor_param: "after",
  });
  const request = getRequest();
  paginator.updateState(jsonResponse({ meta: { next_cursor: 42 } }), [1]);
  paginator.updateRequest(request);
  equal(request.url.search, "?after=42");
});

Deno.test("CursorPaginator stops when the cursor is missing, null or empty", () => {
  for (const body of [{}, { cursors: { next: null } }, { cursors: { next: "" } }]) {
    const paginator = new CursorPaginator();
    paginator.initRequest(getRequest());
    paginator.updateState(jsonResponse(body), [1]);
    equal(paginator.hasNextPage, false);
  }
});

Deno.test("CursorPaginator can place the cursor in the JSON body", () => {
  const paginator = new CursorPaginator({
    type: "cursor",
    cursor_path: "nextPageToken",
    cursor_body_path: "pagination.cursor",
  });
  const json = { query: "x" };
  const request = { ...getRequest(), method: "POST" as const, json };
  paginator.initRequest(request);
  paginator.updateState(jsonResponse({ nextPageToken: "tok" }), [1]);
  paginator.updateRequest(request);
  deepStrictEqual(request.json, { query: "x", pagination: { cursor: "tok" } });
  deepStrictEqual(json, { query: "x" });
  equal(request.url.search, "");
});

Deno.test("CursorPaginator stops when has_more_path is false", () => {
  const paginator = new CursorPaginator({
    type: "cursor",
    cursor_path: "next",
    has_more_path: "has_more",
  });
  paginator.updateState(jsonResponse({ next: "c1", has_more: true }), [1]);
  equal(paginator.hasNextPage, true);
  paginator.updateState(jsonResponse({ next: "c2", has_more: false }), [1]);
  equal(paginator.hasNextPage, false);
});

Deno.test("CursorPaginator refuses a cursor it already used", () => {
  const paginator = new CursorPaginator({ type: "cursor", cursor_path: "next" });
  paginator.initRequest(getRequest());
  paginator.updateState(jsonResponse({ next: "c1" }), [1]);
  paginator.updateState(jsonResponse({ next: "c2" }), [1]);
  throws(() => paginator.updateState(jsonResponse({ next: "c1" }), [1]), {
    name: "DataError",
    message: 'Paginator cursor would loop: cursor "c1" was already used',
  });
});

Deno.test("CursorPaginator takes a query param or a body path, not both", () => {
  throws(
    () => new CursorPaginator({ type: "cursor", cursor_param: "c", cursor_body_path: "c" }),
    {
      name: "ConfigError",
      message: 'Paginator cursor takes either "cursor_param" or "cursor_body_path", not both',
    },
  );
});
