import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { HeaderRangePaginator } from "./header_range.ts";
import { getRequest, jsonResponse } from "./_testing.ts";

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }));
const page = (contentRange: string | undefined) =>
  jsonResponse([], {
    headers: contentRange === undefined ? {} : { "content-range": contentRange },
  });

Deno.test("HeaderRangePaginator asks for the first range with Range-Unit and Range", () => {
  const paginator = new HeaderRangePaginator({ type: "header_range", limit: 100 });
  const request = getRequest();
  paginator.initRequest(request);
  equal(request.headers.get("range-unit"), "items");
  equal(request.headers.get("range"), "0-99");
  equal(request.url.search, "");
});

Deno.test("HeaderRangePaginator starts after the last row received, until the total", () => {
  const paginator = new HeaderRangePaginator({ type: "header_range", limit: 100, offset: 10 });
  const request = getRequest();
  paginator.initRequest(request);
  equal(request.headers.get("range"), "10-109");
  paginator.updateState(page("10-109/250"), rows(100));
  equal(paginator.hasNextPage, true);
  paginator.updateRequest(request);
  equal(request.headers.get("range"), "110-209");
  // The total reached: no request for an empty range.
  paginator.updateState(page("110-249/250"), rows(140));
  equal(paginator.hasNextPage, false);
});

Deno.test("HeaderRangePaginator follows a server that sends fewer rows than asked", () => {
  // PostgREST's db-max-rows caps each page; a short page is not the end.
  const paginator = new HeaderRangePaginator({ type: "header_range", limit: 1000 });
  const request = getRequest();
  paginator.initRequest(request);
  paginator.updateState(page("0-99/*"), rows(100));
  equal(paginator.hasNextPage, true);
  paginator.updateRequest(request);
  equal(request.headers.get("range"), "100-1099");
  paginator.updateState(page("*/*"), []);
  equal(paginator.hasNextPage, false);
});

Deno.test("HeaderRangePaginator reads RFC 7233 units and stops on an empty table", () => {
  const paginator = new HeaderRangePaginator({ type: "header_range", limit: 10 });
  paginator.initRequest(getRequest());
  paginator.updateState(page("items 0-9/20"), rows(10));
  equal(paginator.hasNextPage, true);
  paginator.updateState(page("*/0"), []);
  equal(paginator.hasNextPage, false);
});

Deno.test("HeaderRangePaginator stops when the server ignores Range (no Content-Range)", () => {
  const paginator = new HeaderRangePaginator({ type: "header_range", limit: 10 });
  paginator.initRequest(getRequest());
  paginator.updateState(page(undefined), rows(25));
  equal(paginator.hasNextPage, false);
});

Deno.test("HeaderRangePaginator stops at maximum_offset and asks no further", () => {
  const paginator = new HeaderRangePaginator({
    type: "header_range",
    limit: 10,
    maximum_offset: 15,
  });
  const request = getRequest();
  paginator.initRequest(request);
  paginator.updateState(page("0-9/*"), rows(10));
  paginator.updateRequest(request);
  equal(request.headers.get("range"), "10-14");
  paginator.updateState(page("10-14/*"), rows(5));
  equal(paginator.hasNextPage, false);
});

Deno.test("HeaderRangePaginator fails on a malformed or repeated Content-Range", () => {
  const paginator = new HeaderRangePaginator({ type: "header_range", limit: 10 });
  paginator.initRequest(getRequest());
  throws(() => paginator.updateState(page("rows 0 to 9"), rows(10)), {
    name: "DataError",
    message:
      'Paginator header_range: cannot read Content-Range "rows 0 to 9"; expected <first>-<last>/<total> or */<total>, where <total> may be *',
  });
  const looping = new HeaderRangePaginator({ type: "header_range", limit: 10 });
  looping.initRequest(getRequest());
  looping.updateState(page("0-9/*"), rows(10));
  throws(() => looping.updateState(page("0-9/*"), rows(10)), {
    name: "DataError",
    message:
      'Paginator header_range would loop: asked for rows from 10, got Content-Range "0-9/*"; does the API honour the Range header?',
  });
});

Deno.test("HeaderRangePaginator checks limit and maximum_offset", () => {
  throws(
    () => new HeaderRangePaginator({ type: "header_range" } as never),
    { name: "ConfigError", message: /needs "limit".*got none/ },
  );
  throws(
    () =>
      new HeaderRangePaginator({ type: "header_range", limit: 5, offset: 10, maximum_offset: 10 }),
    { name: "ConfigError", message: /"maximum_offset" \(10\) must be above "offset" \(10\)/ },
  );
});

Deno.test("HeaderRangePaginator clone() starts over", () => {
  const paginator = new HeaderRangePaginator({ type: "header_range", limit: 10 });
  paginator.initRequest(getRequest());
  paginator.updateState(page("0-9/*"), rows(10));
  const request = getRequest();
  paginator.clone().initRequest(request);
  equal(request.headers.get("range"), "0-9");
});

Deno.test("HeaderRangePaginator can send the range as offset/limit query params", () => {
  const paginator = new HeaderRangePaginator({
    type: "header_range",
    limit: 100,
    offset_param: "offset",
  });
  const request = { ...getRequest("https://api.test/rpc/fn"), method: "POST" as const };
  paginator.initRequest(request);
  equal(request.url.search, "?offset=0&limit=100");
  equal(request.headers.has("range"), false);
  // Capped by the server: the next page starts after the last row of Content-Range.
  paginator.updateState(page("0-49/*"), rows(50));
  paginator.updateRequest(request);
  equal(request.url.search, "?offset=50&limit=100");
  // Without Content-Range, the rows received say where the next page starts.
  paginator.updateState(page(undefined), rows(30));
  equal(paginator.hasNextPage, true);
  paginator.updateRequest(request);
  equal(request.url.search, "?offset=80&limit=100");
  paginator.updateState(page(undefined), []);
  equal(paginator.hasNextPage, false);
});

Deno.test("HeaderRangePaginator knows the ranges ahead below the Content-Range total, at the size served", () => {
  const paginator = new HeaderRangePaginator({ type: "header_range", limit: 10 });
  paginator.initRequest(getRequest());
  const ahead = (n: number) => {
    const request = getRequest();
    return paginator.pageAhead(request, n) ? request.headers.get("range") : undefined;
  };
  // The server capped the first page at 4 rows of 15.
  paginator.updateState(
    jsonResponse([], { headers: { "content-range": "0-3/15" } }),
    [1, 2, 3, 4],
  );
  deepStrictEqual([1, 2, 3].map(ahead), ["8-17", "12-21", undefined]);
  const unknown = new HeaderRangePaginator({ type: "header_range", limit: 10 });
  unknown.initRequest(getRequest());
  unknown.updateState(jsonResponse([], { headers: { "content-range": "0-9/*" } }), [1]);
  equal(unknown.pageAhead(getRequest(), 1), false);
});
