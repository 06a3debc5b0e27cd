import { equal, throws } from "node:assert/strict";
import { DataError } from "../../errors.ts";
import { getRequest, jsonResponse } from "./_testing.ts";
import { JsonLinkPaginator } from "./json_link.ts";

Deno.test("JsonLinkPaginator follows the next URL at next_url_path", () => {
  const paginator = new JsonLinkPaginator({ type: "json_link", next_url_path: "paging.next" });
  const request = getRequest("https://api.test/items?limit=10");
  paginator.initRequest(request);
  equal(request.url.href, "https://api.test/items?limit=10");
  paginator.updateState(jsonResponse({ paging: { next: "https://api.test/items?cursor=2" } }), [1]);
  equal(paginator.hasNextPage, true);
  paginator.updateRequest(request);
  equal(request.url.href, "https://api.test/items?cursor=2");
});

Deno.test("JsonLinkPaginator reads `next` by default and joins relative links", () => {
  const paginator = new JsonLinkPaginator();
  const request = getRequest();
  paginator.initRequest(request);
  paginator.updateState(
    jsonResponse({ next: "/v1/items?page=2" }, { url: "https://api.test/v1/items" }),
    [1],
  );
  paginator.updateRequest(request);
  equal(request.url.href, "https://api.test/v1/items?page=2");
  paginator.updateState(
    jsonResponse({ next: "items?page=3" }, { url: "https://api.test/v1/items?page=2" }),
    [1],
  );
  paginator.updateRequest(request);
  equal(request.url.href, "https://api.test/v1/items?page=3");
});

Deno.test("JsonLinkPaginator stops when the link is missing, null or empty", () => {
  for (const body of [{}, { next: null }, { next: "" }, [1, 2]]) {
    const paginator = new JsonLinkPaginator();
    paginator.initRequest(getRequest());
    paginator.updateState(jsonResponse(body), [1]);
    equal(paginator.hasNextPage, false, JSON.stringify(body));
  }
});

Deno.test("JsonLinkPaginator refuses to request the same URL twice", () => {
  const paginator = new JsonLinkPaginator();
  paginator.initRequest(getRequest());
  paginator.updateState(jsonResponse({ next: "https://api.test/items?page=2" }), [1]);
  throws(
    () =>
      paginator.updateState(
        jsonResponse({ next: "https://api.test/items?page=2&api_key=s3" }, {
          url: "https://api.test/items?page=2&api_key=s3",
        }),
        [1],
      ),
    {
      name: "DataError",
      message:
        "Paginator json_link would loop: next page URL https://api.test/items?page=2&api_key=*** was already requested",
    },
  );
});

Deno.test("JsonLinkPaginator detects a link back to the first page", () => {
  const paginator = new JsonLinkPaginator();
  paginator.initRequest(getRequest());
  throws(() => paginator.updateState(jsonResponse({ next: "/items" }), [1]), DataError);
});

Deno.test("JsonLinkPaginator rejects a non-URL value", () => {
  const paginator = new JsonLinkPaginator();
  throws(() => paginator.updateState(jsonResponse({ next: 5 }), [1]), {
    name: "DataError",
    message: 'Paginator json_link: next_url_path "next" holds 5, not a URL',
  });
});

Deno.test("JsonLinkPaginator.clone() starts fresh", () => {
  const paginator = new JsonLinkPaginator();
  paginator.updateState(jsonResponse({}), []);
  const copy = paginator.clone();
  equal(copy.hasNextPage, true);
  copy.updateState(jsonResponse({ next: "/items?page=2" }), [1]);
  equal(copy.hasNextPage, true);
});
