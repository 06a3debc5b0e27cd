import { deepStrictEqual, equal, throws } from "node:assert/strict";
import type { PaginatorConfig } from "../types.ts";
import { getRequest, jsonResponse } from "./_testing.ts";
import { OffsetPaginator } from "./offset.ts";

const records = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: from + i }));

Deno.test("OffsetPaginator sets offset and limit on the first and next requests", () => {
  const paginator = new OffsetPaginator({ type: "offset", limit: 2 });
  const request = getRequest("https://api.test/items?sort=id");
  paginator.initRequest(request);
  equal(request.url.search, "?sort=id&offset=0&limit=2");
  paginator.updateState(jsonResponse({ total: 5 }), records(2));
  paginator.updateRequest(request);
  equal(request.url.search, "?sort=id&offset=2&limit=2");
});

Deno.test("OffsetPaginator stops when the offset reaches total", () => {
  const paginator = new OffsetPaginator({ type: "offset", limit: 2, total_path: "meta.total" });
  paginator.initRequest(getRequest());
  paginator.updateState(jsonResponse({ meta: { total: "4" } }), records(2));
  equal(paginator.hasNextPage, true);
  paginator.updateState(jsonResponse({ meta: { total: "4" } }), records(2, 2));
  equal(paginator.hasNextPage, false);
});

Deno.test("OffsetPaginator stops on an empty page", () => {
  const paginator = new OffsetPaginator({ type: "offset", limit: 10, total_path: null });
  paginator.initRequest(getRequest());
  paginator.updateState(jsonResponse({}), records(10));
  equal(paginator.hasNextPage, true);
  paginator.updateState(jsonResponse({}), []);
  equal(paginator.hasNextPage, false);
});

Deno.test("OffsetPaginator stops at maximum_offset", () => {
  const paginator = new OffsetPaginator({
    type: "offset",
    limit: 10,
    total_path: null,
    maximum_offset: 20,
  });
  paginator.initRequest(getRequest());
  paginator.updateState(jsonResponse({}), records(10));
  equal(paginator.hasNextPage, true);
  paginator.updateState(jsonResponse({}), records(10, 10));
  equal(paginator.hasNextPage, false);
});

Deno.test("OffsetPaginator stops when has_more_path is false", () => {
  const paginator = new OffsetPaginator({
    type: "offset",
    limit: 1,
    total_path: null,
    has_more_path: "has_more",
    stop_after_empty_page: false,
  });
  paginator.initRequest(getRequest());
  paginator.updateState(jsonResponse({ has_more: "true" }), records(1));
  equal(paginator.hasNextPage, true);
  paginator.updateState(jsonResponse({ has_more: false }), records(1, 1));
  equal(paginator.hasNextPage, false);
});

Deno.test("OffsetPaginator names the missing total and the fix", () => {
  const paginator = new OffsetPaginator({ type: "offset", limit: 10 });
  paginator.initRequest(getRequest());
  throws(() => paginator.updateState(jsonResponse({ items: [] }), records(1)), {
    name: "DataError",
    message:
      'Paginator offset: total_path "total" is not in the response; set total_path to the key holding the total number of items, or total_path: null to stop at the first empty page',
  });
  throws(() => paginator.updateState(jsonResponse({ total: "many" }), records(1)), {
    name: "DataError",
    message: 'Paginator offset: total_path "total" is not an integer in the response; got "many"',
  });
});

Deno.test("OffsetPaginator can write offset and limit into the JSON body", () => {
  const paginator = new OffsetPaginator({
    type: "offset",
    limit: 50,
    offset_body_path: "page.offset",
    limit_body_path: "page.size",
    total_path: null,
  });
  const request = { ...getRequest(), method: "POST" as const, json: { query: "x" } };
  paginator.initRequest(request);
  deepStrictEqual(request.json, { query: "x", page: { offset: 0, size: 50 } });
  paginator.updateState(jsonResponse({}), records(50));
  paginator.updateRequest(request);
  deepStrictEqual(request.json, { query: "x", page: { offset: 50, size: 50 } });
  equal(request.url.search, "");
});

Deno.test("OffsetPaginator requires a positive integer limit", () => {
  throws(() => new OffsetPaginator({ type: "offset" } as PaginatorConfig & { type: "offset" }), {
    name: "ConfigError",
    message:
      'Paginator offset needs "limit" (the page size, a positive integer), e.g. { type: "offset", limit: 100 }; got none',
  });
  throws(() => new OffsetPaginator({ type: "offset", limit: 0 }), /got 0/);
});

Deno.test("OffsetPaginator rejects configs that could never stop", () => {
  throws(
    () =>
      new OffsetPaginator({
        type: "offset",
        limit: 10,
        total_path: null,
        stop_after_empty_page: false,
      }),
    {
      name: "ConfigError",
      message:
        "Paginator offset would never stop: set total_path, maximum_offset, has_more_path or stop_after_empty_page: true",
    },
  );
  throws(
    () =>
      new OffsetPaginator({ type: "offset", limit: 1, offset_param: "o", offset_body_path: "o" }),
    /either "offset_param" or "offset_body_path", not both/,
  );
});

Deno.test("OffsetPaginator stops an API that ignores the offset", () => {
  const paginator = new OffsetPaginator({ type: "offset", limit: 2, total_path: null });
  paginator.initRequest(getRequest());
  paginator.updateState(jsonResponse({}), records(2));
  throws(() => paginator.updateState(jsonResponse({}), records(2)), {
    name: "DataError",
    message:
      'Paginator offset would loop: offset 2 returned the same records as offset 0; does the API support the "offset" parameter?',
  });
});

Deno.test("OffsetPaginator.clone() restarts from the configured offset", () => {
  const paginator = new OffsetPaginator({ type: "offset", limit: 5, offset: 10, total_path: null });
  paginator.initRequest(getRequest());
  paginator.updateState(jsonResponse({}), records(5));
  const request = getRequest();
  paginator.clone().initRequest(request);
  equal(request.url.search, "?offset=10&limit=5");
});
