import { equal, throws } from "node:assert/strict";
import { getRequest, jsonResponse } from "./_testing.ts";
import { HeaderCursorPaginator } from "./header_cursor.ts";

Deno.test("HeaderCursorPaginator sends the cursor header back as a query param", () => {
  const paginator = new HeaderCursorPaginator({
    type: "header_cursor",
    cursor_key: "NextPageToken",
    cursor_param: "page_token",
  });
  const request = getRequest();
  paginator.initRequest(request);
  paginator.updateState(jsonResponse([1], { headers: { nextpagetoken: "n3xt" } }), [1]);
  equal(paginator.hasNextPage, true);
  paginator.updateRequest(request);
  equal(request.url.search, "?page_token=n3xt");
});

Deno.test("HeaderCursorPaginator defaults to header next and param cursor, and stops without it", () => {
  const paginator = new HeaderCursorPaginator();
  const request = getRequest();
  paginator.updateState(jsonResponse([], { headers: { next: "c1" } }), []);
  paginator.updateRequest(request);
  equal(request.url.search, "?cursor=c1");
  paginator.updateState(jsonResponse([]), []);
  equal(paginator.hasNextPage, false);
});

Deno.test("HeaderCursorPaginator refuses a repeated cursor", () => {
  const paginator = new HeaderCursorPaginator();
  paginator.updateState(jsonResponse([], { headers: { next: "c1" } }), []);
  throws(() => paginator.updateState(jsonResponse([], { headers: { next: "c1" } }), []), {
    name: "DataError",
    message: 'Paginator header_cursor would loop: cursor "c1" was already used',
  });
});
