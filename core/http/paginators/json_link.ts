/**
 * Next page URL in the JSON body (dlt `json_link`, `JSONLinkPaginator`).
 *
 * @module
 */

import { compilePath, type PathGetter } from "../json_path.ts";
import type { HttpResponse, PaginatorConfig } from "../types.ts";
import { NextUrlPaginator } from "./_next_url.ts";

/** Config of {@linkcode JsonLinkPaginator}: dlt's keys. */
export type JsonLinkPaginatorConfig = Extract<PaginatorConfig, { type: "json_link" }>;

/**
 * Follows the URL at `next_url_path` (default `"next"`, e.g. `"links.next.href"`) until it is
 * missing, null or empty. Relative links join to the response URL.
 *
 * @example Usage
 * ```ts
 * import { JsonLinkPaginator } from "./json_link.ts";
 * const paginator = new JsonLinkPaginator({ type: "json_link", next_url_path: "paging.next" });
 * ```
 */
export class JsonLinkPaginator extends NextUrlPaginator {
  /** `json_link`. */
  readonly type = "json_link";
  readonly #config: JsonLinkPaginatorConfig;
  readonly #path: string;
  readonly #getNext: PathGetter;

  /** @param config `{ next_url_path }`. */
  constructor(config: JsonLinkPaginatorConfig = { type: "json_link" }) {
    super();
    this.#config = config;
    this.#path = config.next_url_path ?? "next";
    this.#getNext = compilePath(this.#path);
  }

  protected findNext(response: HttpResponse): unknown {
    return this.#getNext(response.body);
  }

  protected describeSource(): string {
    return `next_url_path "${this.#path}"`;
  }

  /** A fresh paginator with the same config. */
  clone(): JsonLinkPaginator {
    return new JsonLinkPaginator(this.#config);
  }
}
