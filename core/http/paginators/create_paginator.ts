/**
 * The paginator registry: picks the paginator kind by `type` (dlt's names).
 *
 * @module
 */

import { ConfigError } from "../../errors.ts";
import type { Paginator, PaginatorConfig } from "../types.ts";
import { CursorPaginator } from "./cursor.ts";
import { HeaderCursorPaginator } from "./header_cursor.ts";
import { HeaderLinkPaginator } from "./header_link.ts";
import { HeaderRangePaginator } from "./header_range.ts";
import { JsonLinkPaginator } from "./json_link.ts";
import { OffsetPaginator } from "./offset.ts";
import { PageNumberPaginator } from "./page_number.ts";
import { SinglePagePaginator } from "./single_page.ts";

/** The paginator kinds, in the order error messages list them. */
export const PAGINATOR_TYPES: readonly string[] = [
  "json_link",
  "header_link",
  "offset",
  "page_number",
  "cursor",
  "header_cursor",
  "header_range",
  "single_page",
];

/**
 * Creates the paginator a config describes. A string is a type with default parameters
 * (`"header_link"`); dlt's deprecated `json_response` means `json_link`.
 *
 * @example Usage
 * ```ts
 * import { createPaginator } from "./create_paginator.ts";
 * const paginator = createPaginator({ type: "offset", limit: 50, total_path: "meta.total" });
 * paginator.type; // "offset"
 * ```
 * @param config dlt's paginator config, or a type name.
 * @returns a fresh paginator.
 * @throws {ConfigError} for an unknown type or invalid parameters (offset without `limit`).
 */
export function createPaginator(config: PaginatorConfig | string): Paginator {
  const spec = typeof config === "string" ? { type: config } as PaginatorConfig : config;
  if (typeof spec !== "object" || spec === null || typeof spec.type !== "string") {
    throw new ConfigError(
      `A paginator config needs a "type"; expected one of ${PAGINATOR_TYPES.join(", ")}`,
    );
  }
  if ((spec.type as string) === "json_response") {
    return new JsonLinkPaginator(
      { ...spec, type: "json_link" } as PaginatorConfig & { type: "json_link" },
    );
  }
  switch (spec.type) {
    case "json_link":
      return new JsonLinkPaginator(spec);
    case "header_link":
      return new HeaderLinkPaginator(spec);
    case "offset":
      return new OffsetPaginator(spec);
    case "page_number":
      return new PageNumberPaginator(spec);
    case "cursor":
      return new CursorPaginator(spec);
    case "header_cursor":
      return new HeaderCursorPaginator(spec);
    case "header_range":
      return new HeaderRangePaginator(spec);
    case "single_page":
      return new SinglePagePaginator();
    default: {
      // Reached by config that bypassed the types (YAML, JSON): a user error, not a bug.
      const _exhaustive: never = spec;
      throw new ConfigError(
        `Unknown paginator type "${(spec as { type: string }).type}"; expected one of ${
          PAGINATOR_TYPES.join(", ")
        }`,
      );
    }
  }
}
