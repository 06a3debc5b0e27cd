/**
 * The paginator of an endpoint, from what the spec documents: a `Range` header param
 * (PostgREST), a `Link` response header, a next-page URL or a cursor in the body, offset/limit
 * or page/per_page query params, and the totals or `has_more` flags next to the records.
 * Nothing documented leaves the paginator out, so dltx detects it from the first response.
 *
 * @module
 */

import type { PaginatorConfig } from "../http/mod.ts";
import { isObjectSchema, objectShape, schemaTypes } from "./_schema.ts";
import type { ResponseShape } from "./response.ts";
import type { Operation, Parameter, Schema } from "./types.ts";

/** What paging an endpoint gets. */
export interface Paging {
  /** The paginator, or `undefined` to detect it at run time. */
  paginator?: PaginatorConfig;
  /** Page size params to send (`per_page: 100`), when the spec gives a maximum. */
  params: Record<string, number>;
  /** Why, in a few words, for comments and the docs file. */
  reason: string;
  /** Query params the paginator sets (not config fields, not in `params`). */
  owns: string[];
}

const PAGE_PARAMS = ["page", "page_number", "pageNumber", "page_no", "pageNo", "pageIndex"];
const SIZE_PARAMS = [
  "per_page",
  "perPage",
  "page_size",
  "pageSize",
  "limit",
  "size",
  "page_limit",
  "count",
  "max_results",
  "maxResults",
  "top",
  "$top",
];
const OFFSET_PARAMS = ["offset", "skip", "start", "startIndex", "start_index", "$skip"];
const CURSOR_PARAMS = [
  "cursor",
  "page_token",
  "pageToken",
  "next_token",
  "nextToken",
  "continuation_token",
  "continuationToken",
  "next_cursor",
  "starting_token",
  "marker",
  "after",
  "page_cursor",
];
/** A body field holding the next cursor. */
const CURSOR_FIELD =
  /^(next_?cursor|next_?page_?token|next_?token|cursor|end_?cursor|next_?marker|continuation(_?token)?|next_?page_?cursor|after)$/i;
/** A body field holding the next page's URL. */
const NEXT_URL_FIELD =
  /^(next|next_?url|next_?link|next_?href|next_?page_?url|next_?page|@odata\.nextLink|href)$/i;
const TOTAL_ITEMS_FIELD =
  /^(total|total_?count|total_?items|total_?results|total_?size|count|num_?results|total_?records|total_?entries|total_?hits)$/i;
const TOTAL_PAGES_FIELD = /^(total_?pages|pages|page_?count|last_?page|num_?pages)$/i;
const HAS_MORE_FIELD = /^(has_?more|has_?next(_?page)?|more|has_?more_?items)$/i;
/** Page sizes above this are not asked for, whatever the spec allows. */
const MAX_PAGE_SIZE = 1000;

/**
 * Detects an endpoint's paging.
 *
 * @example Usage
 * ```ts
 * import { detectPaging } from "./paginator.ts";
 * const paging = detectPaging(
 *   {
 *     path: "/items", name: "items", deprecated: false, responses: {},
 *     parameters: [
 *       { name: "offset", in: "query", required: false },
 *       { name: "limit", in: "query", required: false, schema: { maximum: 200 } },
 *     ],
 *   },
 *   { kind: "none", reason: "" },
 * );
 * paging.paginator; // { type: "offset", limit: 200, total_path: null, ... }
 * ```
 * @param operation the operation (its query and header params).
 * @param shape what it answers (its body fields and response headers).
 * @returns the paging.
 */
export function detectPaging(operation: Operation, shape: ResponseShape): Paging {
  if (shape.kind === "object") {
    return {
      paginator: { type: "single_page" },
      params: {},
      reason: "it answers one object",
      owns: [],
    };
  }
  const query = operation.parameters.filter((p) => p.in === "query");
  const headers = operation.parameters.filter((p) => p.in === "header");
  const body = shape.kind === "list" ? shape.body : undefined;
  const meta = body && shape.kind === "list" && shape.dataSelector ? fieldsOf(body) : [];
  const responseHeaders = shape.kind === "list" ? shape.headers : new Set<string>();

  const range = headers.find((p) => p.name.toLowerCase() === "range");
  if (range) {
    const unit = headers.find((p) => p.name.toLowerCase() === "range-unit");
    const unitDefault = unit?.schema?.default;
    return {
      paginator: {
        type: "header_range",
        limit: MAX_PAGE_SIZE,
        ...(typeof unitDefault === "string" && unitDefault !== "items"
          ? { range_unit: unitDefault }
          : {}),
      },
      params: {},
      reason: "the Range request header is documented (PostgREST-style paging); rows are " +
        "asked for 1000 at a time and capped pages are followed by Content-Range",
      owns: ["offset", "limit"],
    };
  }

  const size = findParam(query, SIZE_PARAMS);
  const sizeValue = size ? pageSize(size) : undefined;
  const sizeParams = size && sizeValue !== undefined ? { [size.name]: sizeValue } : {};

  if (responseHeaders.has("link")) {
    return {
      paginator: { type: "header_link" },
      params: sizeParams,
      reason: 'the responses document a Link header (rel="next")',
      owns: ["page", ...(size ? [size.name] : [])],
    };
  }

  const cursorParam = findParam(query, CURSOR_PARAMS);
  const nextUrl = meta.find((f) => NEXT_URL_FIELD.test(f.name) && isUrlField(f));
  if (nextUrl) {
    return {
      paginator: { type: "json_link", next_url_path: nextUrl.path },
      params: sizeParams,
      reason: `the response's "${nextUrl.path}" holds the next page's URL`,
      owns: [...(cursorParam ? [cursorParam.name] : []), ...(size ? [size.name] : [])],
    };
  }

  const nextHeader = [...responseHeaders].find((h) => /next.*(cursor|token)/i.test(h));
  if (cursorParam && nextHeader) {
    return {
      paginator: { type: "header_cursor", cursor_key: nextHeader, cursor_param: cursorParam.name },
      params: sizeParams,
      reason: `the "${nextHeader}" response header holds the cursor for the ` +
        `"${cursorParam.name}" param`,
      owns: [cursorParam.name, ...(size ? [size.name] : [])],
    };
  }

  const cursorField = meta.find((f) => CURSOR_FIELD.test(f.name) && !isObjectSchema(f.schema));
  const hasMore = meta.find((f) => HAS_MORE_FIELD.test(f.name) && isBoolean(f.schema));
  if (cursorParam && cursorField) {
    return {
      paginator: {
        type: "cursor",
        cursor_path: cursorField.path,
        cursor_param: cursorParam.name,
        ...(hasMore ? { has_more_path: hasMore.path } : {}),
      },
      params: sizeParams,
      reason: `the response's "${cursorField.path}" is sent back as the "${cursorParam.name}" ` +
        "param",
      owns: [cursorParam.name, ...(size ? [size.name] : [])],
    };
  }

  const offset = findParam(query, OFFSET_PARAMS);
  if (offset && size) {
    const total = meta.find((f) => TOTAL_ITEMS_FIELD.test(f.name) && isInteger(f.schema));
    const limit = sizeValue ?? 100;
    return {
      paginator: {
        type: "offset",
        limit,
        offset_param: offset.name,
        limit_param: size.name,
        total_path: total ? total.path : null,
        ...(hasMore ? { has_more_path: hasMore.path } : {}),
      },
      params: {},
      reason: `the "${offset.name}" and "${size.name}" query params` +
        (total ? `, with the total in "${total.path}"` : "; it stops at an empty page") +
        (sizeValue === undefined
          ? "; the spec gives no maximum page size, so 100 is asked for: check the API's"
          : ""),
      owns: [offset.name, size.name],
    };
  }

  const page = findParam(query, PAGE_PARAMS);
  if (page) {
    const pages = meta.find((f) => TOTAL_PAGES_FIELD.test(f.name) && isInteger(f.schema));
    const base = basePage(page);
    return {
      paginator: {
        type: "page_number",
        page_param: page.name,
        base_page: base,
        total_path: pages ? pages.path : null,
        ...(hasMore ? { has_more_path: hasMore.path } : {}),
      },
      params: sizeParams,
      reason: `the "${page.name}" query param (pages from ${base})` +
        (pages ? `, with the page count in "${pages.path}"` : "; it stops at an empty page"),
      owns: [page.name, ...(size ? [size.name] : [])],
    };
  }

  if (cursorParam || cursorField || offset) {
    const what = [cursorParam?.name, cursorField?.path, offset?.name].filter(Boolean).join(", ");
    return {
      params: sizeParams,
      reason: `the spec documents paging (${what}) that dltx cannot pair up; dltx detects ` +
        "the paginator from the first response",
      owns: [],
    };
  }
  return {
    params: {},
    reason: "the spec documents no paging; dltx detects it from the first response (and " +
      "warns when it guesses)",
    owns: [],
  };
}

function findParam(params: Parameter[], names: readonly string[]): Parameter | undefined {
  for (const name of names) {
    const hit = params.find((p) => p.name === name) ??
      params.find((p) => p.name.toLowerCase() === name.toLowerCase());
    if (hit) return hit;
  }
  return undefined;
}

/** The largest page size the spec allows (its `maximum`, or "max 100" in its description). */
function pageSize(param: Parameter): number | undefined {
  const max = param.schema?.maximum;
  if (typeof max === "number" && max >= 1) return Math.min(Math.floor(max), MAX_PAGE_SIZE);
  const text = `${param.description ?? ""} ${param.schema?.description ?? ""}`;
  const match = text.match(/\bmax(?:imum)?\b[^0-9.]{0,12}(\d{1,5})/i);
  if (match) return Math.min(Number(match[1]), MAX_PAGE_SIZE);
  return undefined;
}

/** Pages count from the param's minimum or default when it is 0 or 1; else from 1. */
function basePage(param: Parameter): number {
  for (const value of [param.schema?.minimum, param.schema?.default]) {
    if (value === 0 || value === 1) return value;
  }
  return 1;
}

interface Field {
  name: string;
  /** Dotted path from the body's root. */
  path: string;
  schema: Schema;
}

/** The fields of a wrapper body next to the records, two levels deep (`meta.total`). */
function fieldsOf(body: Schema): Field[] {
  const fields: Field[] = [];
  const walk = (schema: Schema, path: string[], depth: number) => {
    for (const [name, property] of Object.entries(objectShape(schema).properties)) {
      if (name.includes(".") && name !== "@odata.nextLink") continue;
      const here = [...path, name];
      fields.push({ name, path: here.join("."), schema: property });
      if (depth < 2 && isObjectSchema(property)) walk(property, here, depth + 1);
    }
  };
  walk(body, [], 0);
  // `links.next.href`: the `href` counts as the next URL only under a `next` object.
  return fields.filter((f) => f.name !== "href" || /(^|\.)next\.href$/i.test(f.path));
}

function isUrlField(field: Field): boolean {
  const { schema } = field;
  if (isObjectSchema(schema)) return false;
  if (!schemaTypes(schema).includes("string") && schemaTypes(schema).length > 0) return false;
  if (schema.format === "uri" || schema.format === "url" || schema.format === "uri-reference") {
    return true;
  }
  // A bare `next` may be a cursor; its name or description must say URL.
  if (/url|link|href/i.test(field.name)) return true;
  const description = typeof schema.description === "string" ? schema.description : "";
  return /\b(url|uri|link)\b/i.test(description);
}

function isInteger(schema: Schema): boolean {
  const types = schemaTypes(schema);
  return types.includes("integer") || types.includes("number");
}

function isBoolean(schema: Schema): boolean {
  return schemaTypes(schema).includes("boolean");
}
