import { deepEqual, equal, match } from "node:assert/strict";
import { jsonResponses, listOf, operation, query } from "./_testing.ts";
import { detectPaging } from "./paginator.ts";
import { responseShape } from "./response.ts";
import type { Parameter, Schema } from "./types.ts";

const rows = listOf({ id: { type: "integer" } }, ["id"]);

function paging(parameters: Parameter[], body: Schema, headers: string[] = []) {
  const op = operation("/items", { parameters, responses: jsonResponses(body, headers) });
  return detectPaging(op, responseShape(op));
}

function wrapper(extra: Record<string, Schema>): Schema {
  return { type: "object", properties: { data: rows, ...extra } };
}

Deno.test("detectPaging() reads PostgREST's Range header param as header_range", () => {
  const p = paging([
    { name: "Range", in: "header", required: false },
    { name: "Range-Unit", in: "header", required: false, schema: { default: "items" } },
    query("offset"),
    query("limit"),
  ], rows);
  deepEqual(p.paginator, { type: "header_range", limit: 1000 });
  deepEqual(p.params, {});
});

Deno.test("detectPaging() prefers a documented Link header, asking for the largest page", () => {
  const p = paging(
    [
      query("page", { type: "integer" }),
      query("per_page", { type: "integer" }, { description: "Results per page (max 100)." }),
    ],
    rows,
    ["Link"],
  );
  deepEqual(p.paginator, { type: "header_link" });
  deepEqual(p.params, { per_page: 100 });
  match(p.reason, /Link header/);
});

Deno.test("detectPaging() follows a next-page URL in the body (json_link)", () => {
  const p = paging(
    [],
    wrapper({ links: { type: "object", properties: { next: { type: "string", format: "uri" } } } }),
  );
  deepEqual(p.paginator, { type: "json_link", next_url_path: "links.next" });
  const href = paging(
    [],
    wrapper({
      _links: {
        type: "object",
        properties: { next: { type: "object", properties: { href: { type: "string" } } } },
      },
    }),
  );
  deepEqual(href.paginator, { type: "json_link", next_url_path: "_links.next.href" });
});

Deno.test("detectPaging() pairs a cursor field of the body with a cursor param", () => {
  const p = paging(
    [query("cursor"), query("limit", { type: "integer", maximum: 50 })],
    wrapper({ next_cursor: { type: ["string", "null"] }, has_more: { type: "boolean" } }),
  );
  deepEqual(p.paginator, {
    type: "cursor",
    cursor_path: "next_cursor",
    cursor_param: "cursor",
    has_more_path: "has_more",
  });
  deepEqual(p.params, { limit: 50 });
  // A bare `next` that is no URL is a cursor, not a link.
  const next = paging(
    [query("page_token")],
    wrapper({ meta: { type: "object", properties: { next_page_token: { type: "string" } } } }),
  );
  deepEqual(next.paginator, {
    type: "cursor",
    cursor_path: "meta.next_page_token",
    cursor_param: "page_token",
  });
});

Deno.test("detectPaging() reads a cursor from a response header (header_cursor)", () => {
  const p = paging([query("cursor")], rows, ["X-Next-Cursor"]);
  deepEqual(p.paginator, {
    type: "header_cursor",
    cursor_key: "x-next-cursor",
    cursor_param: "cursor",
  });
});

Deno.test("detectPaging() makes offset/limit an offset paginator, with the total when documented", () => {
  const p = paging(
    [query("offset", { type: "integer" }), query("limit", { type: "integer", maximum: 5000 })],
    wrapper({ meta: { type: "object", properties: { total_count: { type: "integer" } } } }),
  );
  deepEqual(p.paginator, {
    type: "offset",
    limit: 1000,
    offset_param: "offset",
    limit_param: "limit",
    total_path: "meta.total_count",
  });
  // No maximum and no total: 100 per page, until an empty page; the reason says to check.
  const plain = paging([query("skip"), query("top")], rows);
  deepEqual(plain.paginator, {
    type: "offset",
    limit: 100,
    offset_param: "skip",
    limit_param: "top",
    total_path: null,
  });
  match(plain.reason, /no maximum page size, so 100 is asked for/);
});

Deno.test("detectPaging() makes a page param page_number, from its minimum, with the page count", () => {
  const p = paging(
    [
      query("page", { type: "integer", minimum: 0 }),
      query("page_size", { type: "integer", maximum: 200 }),
    ],
    wrapper({ total_pages: { type: "integer" } }),
  );
  deepEqual(p.paginator, {
    type: "page_number",
    page_param: "page",
    base_page: 0,
    total_path: "total_pages",
  });
  deepEqual(p.params, { page_size: 200 });
  const noCount = paging([query("page")], rows);
  deepEqual(noCount.paginator, {
    type: "page_number",
    page_param: "page",
    base_page: 1,
    total_path: null,
  });
});

Deno.test("detectPaging() leaves the paginator to run-time detection when nothing is documented", () => {
  const p = paging([query("q")], rows);
  equal(p.paginator, undefined);
  match(p.reason, /documents no paging/);
  const half = paging([query("cursor")], rows);
  equal(half.paginator, undefined);
  match(half.reason, /cannot pair up/);
});

Deno.test("detectPaging() gives one object a single page", () => {
  const op = operation("/me", {
    responses: jsonResponses({ type: "object", properties: { id: { type: "integer" } } }),
  });
  deepEqual(detectPaging(op, responseShape(op)).paginator, { type: "single_page" });
});
