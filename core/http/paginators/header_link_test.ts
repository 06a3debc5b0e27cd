import { equal, throws } from "node:assert/strict";
import { getRequest, jsonResponse } from "./_testing.ts";
import { HeaderLinkPaginator } from "./header_link.ts";

Deno.test("HeaderLinkPaginator follows Link rel=next", () => {
  const paginator = new HeaderLinkPaginator();
  const request = getRequest("https://api.github.com/repos/a/b/issues?state=open");
  paginator.initRequest(request);
  paginator.updateState(
    jsonResponse([1], {
      headers: {
        link:
          '<https://api.github.com/repositories/1/issues?state=open&page=2>; rel="next", <https://api.github.com/repositories/1/issues?state=open&page=5>; rel="last"',
      },
    }),
    [1],
  );
  paginator.updateRequest(request);
  equal(request.url.href, "https://api.github.com/repositories/1/issues?state=open&page=2");
});

Deno.test("HeaderLinkPaginator uses links_next_key and stops without it", () => {
  const paginator = new HeaderLinkPaginator({ type: "header_link", links_next_key: "forward" });
  paginator.updateState(jsonResponse([], { headers: { link: '</p2>; rel="forward"' } }), []);
  equal(paginator.hasNextPage, true);
  const request = getRequest();
  paginator.updateRequest(request);
  equal(request.url.href, "https://api.test/p2");
  paginator.updateState(jsonResponse([], { headers: { link: '</p1>; rel="prev"' } }), []);
  equal(paginator.hasNextPage, false);
  paginator.updateState(jsonResponse([]), []);
  equal(paginator.hasNextPage, false);
});

Deno.test("HeaderLinkPaginator refuses a link to the current page", () => {
  const paginator = new HeaderLinkPaginator();
  throws(
    () =>
      paginator.updateState(jsonResponse([], { headers: { link: '</items>; rel="next"' } }), []),
    {
      name: "DataError",
      message:
        "Paginator header_link would loop: next page URL https://api.test/items was already requested",
    },
  );
});
