/**
 * Next page URL in the `Link` header (dlt `header_link`, `HeaderLinkPaginator`), as GitHub does.
 *
 * @module
 */

import type { HttpResponse, PaginatorConfig } from "../types.ts";
import { findLink } from "./_link_header.ts";
import { NextUrlPaginator } from "./_next_url.ts";

/** Config of {@linkcode HeaderLinkPaginator}: dlt's keys. */
export type HeaderLinkPaginatorConfig = Extract<PaginatorConfig, { type: "header_link" }>;

/**
 * Follows the `Link` header's `rel="<links_next_key>"` (default `"next"`) until there is none.
 *
 * @example Usage
 * ```ts
 * import { HeaderLinkPaginator } from "./header_link.ts";
 * const paginator = new HeaderLinkPaginator();
 * ```
 */
export class HeaderLinkPaginator extends NextUrlPaginator {
  /** `header_link`. */
  readonly type = "header_link";
  readonly #config: HeaderLinkPaginatorConfig;
  readonly #rel: string;

  /** @param config `{ links_next_key }`. */
  constructor(config: HeaderLinkPaginatorConfig = { type: "header_link" }) {
    super();
    this.#config = config;
    this.#rel = config.links_next_key ?? "next";
  }

  protected findNext(response: HttpResponse): unknown {
    return findLink(response.headers.get("link"), this.#rel);
  }

  protected describeSource(): string {
    return `Link header rel="${this.#rel}"`;
  }

  /** A fresh paginator with the same config. */
  clone(): HeaderLinkPaginator {
    return new HeaderLinkPaginator(this.#config);
  }
}
