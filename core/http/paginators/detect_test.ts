import { deepStrictEqual, equal } from "node:assert/strict";
import type { HttpResponse } from "../types.ts";
import { detectPaginator } from "./detect.ts";
import { getRequest, jsonResponse } from "./_testing.ts";

/** Detects, reads the first response, and returns the next request's URL. */
function nextUrl(response: HttpResponse, records: unknown[] = [1, 2]): string | undefined {
  const { paginator } = detectPaginator(response, records);
  paginator.updateState(response, records);
  if (!paginator.hasNextPage) return undefined;
  const request = getRequest(response.url.href);
  paginator.updateRequest(request);
  return request.url.href;
}

Deno.test("detectPaginator() picks header_link for Link rel=next", () => {
  const response = jsonResponse([{ id: 1 }], {
    headers: { link: '<https://api.test/items?page=2>; rel="next"' },
    url: "https://api.test/items",
  });
  const detected = detectPaginator(response);
  equal(detected.paginator.type, "header_link");
  equal(detected.weak, false);
  equal(nextUrl(response), "https://api.test/items?page=2");
});

Deno.test("detectPaginator() picks json_link for a next key holding a URL", () => {
  const response = jsonResponse({ results: [1], next: "https://api.test/items?page=2" });
  const detected = detectPaginator(response);
  equal(detected.paginator.type, "json_link");
  equal(detected.weak, false);
  equal(detected.reason, 'the response key "next" holds the next page URL');
  equal(nextUrl(response), "https://api.test/items?page=2");
});

Deno.test("detectPaginator() finds nested next links and next.href objects", () => {
  const nested = jsonResponse({ data: [1], links: { next: { href: "/items?page=2" } } });
  equal(
    detectPaginator(nested).reason,
    'the response key "links.next.href" holds the next page URL',
  );
  equal(nextUrl(nested), "https://api.test/items?page=2");
  const prefixed = jsonResponse({ items: [], meta: { nextPageUrl: "/items?p=2" } });
  equal(detectPaginator(prefixed).paginator.type, "json_link");
  equal(nextUrl(prefixed), "https://api.test/items?p=2");
});

Deno.test("detectPaginator() picks page_number for a page count (weak)", () => {
  const response = jsonResponse({ items: [1], total_pages: 3 });
  const detected = detectPaginator(response);
  equal(detected.paginator.type, "page_number");
  equal(detected.weak, true);
  equal(nextUrl(response), "https://api.test/items?page=1");
});

Deno.test("detectPaginator() counts pages from 1 when the response says page 1", () => {
  const response = jsonResponse({ data: [1], meta: { current_page: 1, totalPages: "2" } });
  const detected = detectPaginator(response);
  equal(
    detected.reason,
    'the response key "meta.totalPages" looks like the number of pages (and "meta.current_page" = 1, so pages count from 1)',
  );
  const { paginator } = detected;
  paginator.updateState(response, [1]);
  const request = getRequest();
  paginator.updateRequest(request);
  equal(request.url.search, "?page=2");
  paginator.updateState(response, [2]);
  equal(paginator.hasNextPage, false);
});

Deno.test("detectPaginator() picks cursor for a next key with another value (weak)", () => {
  const response = jsonResponse({ items: [1], next_cursor: "eyJpZCI6Mn0" });
  const detected = detectPaginator(response);
  equal(detected.paginator.type, "cursor");
  equal(detected.weak, true);
  equal(nextUrl(response), "https://api.test/items?cursor=eyJpZCI6Mn0");
});

Deno.test("detectPaginator() falls back to single_page", () => {
  const list = detectPaginator(jsonResponse([1, 2, 3]), [1, 2, 3]);
  equal(list.paginator.type, "single_page");
  equal(list.weak, true);
  const one = detectPaginator(jsonResponse({ id: 1 }), [{ id: 1 }]);
  equal(one.weak, false);
  equal(nextUrl(jsonResponse({ data: [1], next: null })), undefined);
});

Deno.test("detectPaginator() follows dlt's order: json_link before page_number", () => {
  const response = jsonResponse({ pages: 4, next: "/items?page=2" });
  deepStrictEqual(
    [
      detectPaginator(response).paginator.type,
      detectPaginator(jsonResponse({ pages: 4, next: 2 })).paginator.type,
    ],
    ["json_link", "page_number"],
  );
});
