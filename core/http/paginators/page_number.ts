/**
 * Page number pagination (dlt `page_number`, `PageNumberPaginator`).
 *
 * @module
 */

import { ConfigError } from "../../errors.ts";
import type { PaginatorConfig } from "../types.ts";
import { optionalInteger, paramOrBody, RangePaginator } from "./_range.ts";

/** Config of {@linkcode PageNumberPaginator}: dlt's keys. */
export type PageNumberPaginatorConfig = Extract<PaginatorConfig, { type: "page_number" }>;

/**
 * Requests `page=<page>` (default `base_page`, default 0), then the next pages. Stops on an
 * empty page, when the page passes `total_path` (the total number of pages, default
 * `"total"`; `null` to not read it) or reaches `maximum_page`, or when `has_more_path` is false.
 *
 * @example Usage
 * ```ts
 * import { PageNumberPaginator } from "./page_number.ts";
 * const paginator = new PageNumberPaginator({ type: "page_number", base_page: 1, total_path: "total_pages" });
 * const request = { method: "GET" as const, url: new URL("https://x.test/items"), headers: new Headers() };
 * paginator.initRequest(request);
 * request.url.search; // "?page=1"
 * ```
 */
export class PageNumberPaginator extends RangePaginator {
  /** `page_number`. */
  readonly type = "page_number";
  readonly #config: PageNumberPaginatorConfig;

  /**
   * @param config dlt's keys.
   * @throws {ConfigError} when `page_param` and `page_body_path` are both set, a number is not
   *   an integer, or nothing would ever stop the pagination.
   */
  constructor(config: PageNumberPaginatorConfig) {
    const target = paramOrBody(
      "page_number",
      ["page_param", config.page_param],
      ["page_body_path", config.page_body_path],
      "page",
    );
    const basePage = optionalInteger("page_number", "base_page", config.base_page) ?? 0;
    const totalPath = config.total_path === undefined ? "total" : config.total_path;
    const maximum = optionalInteger("page_number", "maximum_page", config.maximum_page);
    const stopAfterEmptyPage = config.stop_after_empty_page ?? true;
    if (
      totalPath === null && maximum === undefined && !config.has_more_path && !stopAfterEmptyPage
    ) {
      throw new ConfigError(
        `Paginator page_number would never stop: set total_path, maximum_page, has_more_path or stop_after_empty_page: true`,
      );
    }
    super({
      type: "page_number",
      param: target.param,
      bodyPath: target.bodyPath,
      initial: optionalInteger("page_number", "page", config.page) ?? basePage,
      step: 1,
      baseIndex: basePage,
      maximum,
      totalPath,
      stopAfterEmptyPage,
      hasMorePath: config.has_more_path,
      totalOf: "pages",
    });
    this.#config = config;
  }

  /** A fresh paginator with the same config. */
  clone(): PageNumberPaginator {
    return new PageNumberPaginator(this.#config);
  }
}
