/**
 * Paginator auto-detection from the first response, in dlt's order: `Link` rel=next ->
 * header_link; a `next...` key holding a URL -> json_link; a page count -> page_number; a
 * `next...` key holding anything else -> cursor; else single_page.
 *
 * @module
 */

import type { HttpResponse, Paginator } from "../types.ts";
import { CursorPaginator } from "./cursor.ts";
import { HeaderLinkPaginator } from "./header_link.ts";
import { findLink } from "./_link_header.ts";
import { JsonLinkPaginator } from "./json_link.ts";
import { PageNumberPaginator } from "./page_number.ts";
import { SinglePagePaginator } from "./single_page.ts";

/** What {@linkcode detectPaginator} found. */
export interface DetectedPaginator {
  /** Ready to read the first response (`updateState`) and continue from there. */
  paginator: Paginator;
  /** A guess worth a warning: page_number, cursor, or single_page over a list of records. */
  weak: boolean;
  /** Why this paginator, for the log (`Link header has rel="next"`). */
  reason: string;
}

const NEXT_KEY = /^next/;
const NEXT_DICT_KEY = /^(href|url)/;
const TOTAL_PAGES_KEY = /^(total_pages|pages|totalpages)$/;
// Keys holding the current page next to the page count; their value tells the numbering base.
const CURRENT_PAGE_KEY = /^(page|current_page|currentpage|page_number|pagenumber)$/;

type Path = (string | number)[];

/**
 * Picks a paginator for an endpoint from its first response (dlt's `PaginatorFactory`).
 *
 * @example Usage
 * ```ts
 * import { detectPaginator } from "./detect.ts";
 * const response = {
 *   status: 200,
 *   headers: new Headers(),
 *   url: new URL("https://x.test/items"),
 *   body: { items: [], next: "https://x.test/items?page=2" },
 * };
 * detectPaginator(response).paginator.type; // "json_link"
 * ```
 * @param response the first response of the endpoint.
 * @param records the records selected from it; a single page with 0 or 1 record is not a
 *   weak guess.
 * @returns the paginator, whether the guess is weak, and why it was chosen.
 */
export function detectPaginator(
  response: HttpResponse,
  records?: readonly unknown[],
): DetectedPaginator {
  if (findLink(response.headers.get("link"), "next") !== undefined) {
    return {
      paginator: new HeaderLinkPaginator(),
      weak: false,
      reason: 'the Link header has rel="next"',
    };
  }
  const body = response.body;
  const next = findNextPath(body, []);
  if (next && typeof next.value === "string" && /^(http|\/)/.test(next.value)) {
    const path = formatPath(next.path);
    return {
      paginator: new JsonLinkPaginator({ type: "json_link", next_url_path: path }),
      weak: false,
      reason: `the response key "${path}" holds the next page URL`,
    };
  }
  const pages = findTotalPages(body, []);
  if (pages) {
    const totalPath = formatPath(pages.path);
    const base = pages.currentPage;
    return {
      paginator: new PageNumberPaginator({
        type: "page_number",
        total_path: totalPath,
        ...(base ? { base_page: base.value, page: base.value } : {}),
      }),
      weak: true,
      reason: `the response key "${totalPath}" looks like the number of pages${
        base
          ? ` (and "${formatPath(base.path)}" = ${base.value}, so pages count from ${base.value})`
          : ""
      }`,
    };
  }
  if (next) {
    const path = formatPath(next.path);
    return {
      paginator: new CursorPaginator({ type: "cursor", cursor_path: path }),
      weak: true,
      reason: `the response key "${path}" looks like a cursor, sent back as the "cursor" param`,
    };
  }
  return {
    paginator: new SinglePagePaginator(),
    weak: records === undefined || records.length > 1,
    reason: "the response has no next link, page count or cursor",
  };
}

/** The first `next...` key (depth first, in key order) holding a scalar or a `{href|url}`. */
function findNextPath(node: unknown, path: Path): { path: Path; value: unknown } | undefined {
  if (!isRecord(node)) return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (NEXT_KEY.test(key.toLowerCase())) {
      if (isRecord(value)) {
        for (const [innerKey, innerValue] of Object.entries(value)) {
          if (NEXT_DICT_KEY.test(innerKey.toLowerCase()) && isScalar(innerValue)) {
            return { path: [...path, key, innerKey], value: innerValue };
          }
        }
      } else if (isScalar(value)) {
        return { path: [...path, key], value };
      }
    }
    if (isRecord(value)) {
      const found = findNextPath(value, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

interface TotalPages {
  path: Path;
  /** The current page key beside the page count, when it says 0 or 1. */
  currentPage?: { path: Path; value: number };
}

/** The first page-count key holding an integer (or integer string). */
function findTotalPages(node: unknown, path: Path): TotalPages | undefined {
  if (!isRecord(node)) return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (TOTAL_PAGES_KEY.test(key.toLowerCase()) && asInteger(value) !== undefined) {
      return { path: [...path, key], currentPage: findCurrentPage(node, path) };
    }
    if (isRecord(value)) {
      const found = findTotalPages(value, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

// dlt counts pages from 0 unless told otherwise; an API reporting page 1 on the first
// response counts from 1, and requesting page 1 next would fetch the first page twice.
function findCurrentPage(
  node: Record<string, unknown>,
  path: Path,
): { path: Path; value: number } | undefined {
  for (const [key, value] of Object.entries(node)) {
    if (!CURRENT_PAGE_KEY.test(key.toLowerCase())) continue;
    const page = asInteger(value);
    if (page === 0 || page === 1) return { path: [...path, key], value: page };
  }
  return undefined;
}

function asInteger(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/** `["links", "next", "href"]` -> `links.next.href`; odd keys use brackets. */
function formatPath(path: Path): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "string" && /^[A-Za-z_$][\w$-]*$/.test(key) && key !== "$") {
      out += out === "" ? key : `.${key}`;
    } else {
      const quote = typeof key === "string" && key.includes("'") ? '"' : "'";
      out += typeof key === "number" ? `[${key}]` : `[${quote}${key}${quote}]`;
    }
  }
  return out;
}

function isScalar(value: unknown): boolean {
  return typeof value === "string" || typeof value === "bigint" ||
    (typeof value === "number" && Number.isFinite(value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
