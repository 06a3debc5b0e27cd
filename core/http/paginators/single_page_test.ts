import { equal } from "node:assert/strict";
import { getRequest, jsonResponse } from "./_testing.ts";
import { SinglePagePaginator } from "./single_page.ts";

Deno.test("SinglePagePaginator stops after the first response and leaves the request alone", () => {
  const paginator = new SinglePagePaginator();
  const request = getRequest("https://api.test/items?a=1");
  paginator.initRequest(request);
  equal(paginator.hasNextPage, true);
  paginator.updateState(jsonResponse({ next: "/x" }), [1]);
  paginator.updateRequest(request);
  equal(paginator.hasNextPage, false);
  equal(request.url.href, "https://api.test/items?a=1");
  equal(paginator.clone().hasNextPage, true);
});
