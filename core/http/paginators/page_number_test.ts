import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { getRequest, jsonResponse } from "./_testing.ts";
import { PageNumberPaginator } from "./page_number.ts";

const records = (page: number) => [{ page }];

Deno.test("PageNumberPaginator starts at base_page and counts up", () => {
  const paginator = new PageNumberPaginator({
    type: "page_number",
    base_page: 1,
    total_path: null,
  });
  const request = getRequest();
  paginator.initRequest(request);
  equal(request.url.search, "?page=1");
  paginator.updateState(jsonResponse({}), records(1));
  paginator.updateRequest(request);
  equal(request.url.search, "?page=2");
});

Deno.test("PageNumberPaginator total_path is the number of pages (base 1)", () => {
  const paginator = new PageNumberPaginator({
    type: "page_number",
    base_page: 1,
    page_param: "p",
    total_path: "total_pages",
  });
  const request = getRequest();
  paginator.initRequest(request);
  const seen = [];
  while (paginator.hasNextPage) {
    seen.push(request.url.searchParams.get("p"));
    paginator.updateState(jsonResponse({ total_pages: 3 }), records(seen.length));
    paginator.updateRequest(request);
  }
  deepStrictEqual(seen, ["1", "2", "3"]);
});

Deno.test("PageNumberPaginator total_path with base 0 requests pages 0..total-1", () => {
  const paginator = new PageNumberPaginator({ type: "page_number" });
  paginator.initRequest(getRequest());
  paginator.updateState(jsonResponse({ total: 2 }), records(0));
  equal(paginator.hasNextPage, true);
  paginator.updateState(jsonResponse({ total: 2 }), records(1));
  equal(paginator.hasNextPage, false);
});

Deno.test("PageNumberPaginator starts at page and stops at maximum_page", () => {
  const paginator = new PageNumberPaginator({
    type: "page_number",
    base_page: 1,
    page: 3,
    maximum_page: 4,
    total_path: null,
  });
  const request = getRequest();
  paginator.initRequest(request);
  equal(request.url.search, "?page=3");
  paginator.updateState(jsonResponse({}), records(3));
  equal(paginator.hasNextPage, false);
});

Deno.test("PageNumberPaginator stops on an empty page or has_more false", () => {
  const empty = new PageNumberPaginator({ type: "page_number", total_path: null });
  empty.initRequest(getRequest());
  empty.updateState(jsonResponse({}), []);
  equal(empty.hasNextPage, false);
  const flagged = new PageNumberPaginator({
    type: "page_number",
    total_path: null,
    has_more_path: "meta.more",
  });
  flagged.initRequest(getRequest());
  flagged.updateState(jsonResponse({ meta: { more: "yes" } }), records(0));
  equal(flagged.hasNextPage, true);
  flagged.updateState(jsonResponse({ meta: { more: "no" } }), records(1));
  equal(flagged.hasNextPage, false);
  throws(() => flagged.updateState(jsonResponse({}), records(2)), {
    name: "DataError",
    message: 'Paginator page_number: has_more_path "meta.more" is not in the response',
  });
});

Deno.test("PageNumberPaginator can write the page into the JSON body", () => {
  const paginator = new PageNumberPaginator({
    type: "page_number",
    base_page: 1,
    page_body_path: "paging.page",
    total_path: null,
  });
  const request = { ...getRequest(), method: "POST" as const, json: { q: 1 } };
  paginator.initRequest(request);
  deepStrictEqual(request.json, { q: 1, paging: { page: 1 } });
});

Deno.test("PageNumberPaginator explains a 1-based API answering page 0 like page 1", () => {
  const paginator = new PageNumberPaginator({ type: "page_number", total_path: null });
  paginator.initRequest(getRequest());
  paginator.updateState(jsonResponse({}), records(1));
  throws(() => paginator.updateState(jsonResponse({}), records(1)), {
    name: "DataError",
    message:
      'Paginator page_number would loop: page 1 returned the same records as page 0; does the API support the "page" parameter?; if pages start at 1, set base_page: 1',
  });
});

Deno.test("PageNumberPaginator rejects configs that could never stop", () => {
  throws(
    () =>
      new PageNumberPaginator({
        type: "page_number",
        total_path: null,
        stop_after_empty_page: false,
      }),
    /would never stop/,
  );
  throws(
    () => new PageNumberPaginator({ type: "page_number", base_page: 1.5 }),
    {
      name: "ConfigError",
      message: 'Paginator page_number "base_page" must be an integer; got 1.5',
    },
  );
});

Deno.test("PageNumberPaginator knows the pages ahead below the total, none without one", () => {
  const ahead = (paginator: PageNumberPaginator, n: number) => {
    const request = getRequest();
    return paginator.pageAhead(request, n) ? request.url.search : undefined;
  };
  const counted = new PageNumberPaginator({
    type: "page_number",
    base_page: 1,
    total_path: "total_pages",
  });
  counted.initRequest(getRequest());
  equal(ahead(counted, 1), undefined, "no total before the first answer");
  counted.updateState(jsonResponse({ total_pages: 4 }), records(1));
  // The next page is 2; ahead of it are 3 and 4, then nothing.
  deepStrictEqual([1, 2, 3].map((n) => ahead(counted, n)), ["?page=3", "?page=4", undefined]);
  const capped = new PageNumberPaginator({
    type: "page_number",
    total_path: null,
    maximum_page: 3,
  });
  capped.initRequest(getRequest());
  capped.updateState(jsonResponse({}), records(0));
  deepStrictEqual([1, 2].map((n) => ahead(capped, n)), ["?page=2", undefined]);
  const open = new PageNumberPaginator({ type: "page_number", total_path: null });
  open.initRequest(getRequest());
  open.updateState(jsonResponse({}), records(0));
  equal(ahead(open, 1), undefined, "only an empty page ends it: nothing is known ahead");
});
