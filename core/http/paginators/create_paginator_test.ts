import { equal, ok, throws } from "node:assert/strict";
import type { PaginatorConfig } from "../types.ts";
import { createPaginator } from "./create_paginator.ts";
import { getRequest, jsonResponse } from "./_testing.ts";
import { JsonLinkPaginator } from "./json_link.ts";

Deno.test("createPaginator() builds every kind from its type", () => {
  const configs: PaginatorConfig[] = [
    { type: "json_link" },
    { type: "header_link" },
    { type: "offset", limit: 10 },
    { type: "page_number" },
    { type: "cursor" },
    { type: "header_cursor" },
    { type: "header_range", limit: 100 },
    { type: "single_page" },
  ];
  for (const config of configs) equal(createPaginator(config).type, config.type);
});

Deno.test("createPaginator() takes a bare type name with defaults", () => {
  equal(createPaginator("header_link").type, "header_link");
  const paginator = createPaginator("json_link");
  paginator.updateState(jsonResponse({ next: "/items?page=2" }), [1]);
  const request = getRequest();
  paginator.updateRequest(request);
  equal(request.url.search, "?page=2");
});

Deno.test("createPaginator() accepts dlt's deprecated json_response", () => {
  ok(createPaginator("json_response") instanceof JsonLinkPaginator);
});

Deno.test("createPaginator() lists the valid types for an unknown one", () => {
  throws(() => createPaginator("x"), {
    name: "ConfigError",
    message:
      'Unknown paginator type "x"; expected one of json_link, header_link, offset, page_number, cursor, header_cursor, header_range, single_page',
  });
});

Deno.test("createPaginator() requires limit for offset, also by name", () => {
  throws(() => createPaginator("offset"), { name: "ConfigError", message: /needs "limit"/ });
});
