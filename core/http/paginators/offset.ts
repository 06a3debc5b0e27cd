/**
 * Offset/limit pagination (dlt `offset`, `OffsetPaginator`).
 *
 * @module
 */

import { ConfigError } from "../../errors.ts";
import type { HttpRequest, PaginatorConfig } from "../types.ts";
import { optionalInteger, paramOrBody, RangePaginator, writeValue } from "./_range.ts";

/** Config of {@linkcode OffsetPaginator}: dlt's keys. */
export type OffsetPaginatorConfig = Extract<PaginatorConfig, { type: "offset" }>;

/**
 * Requests `offset=0&limit=N`, then `offset=N`, `2N`, ... Stops on an empty page, when the
 * offset reaches `total_path` (total items, default `"total"`; `null` to not read it) or
 * `maximum_offset`, or when `has_more_path` is false.
 *
 * @example Usage
 * ```ts
 * import { OffsetPaginator } from "./offset.ts";
 * const paginator = new OffsetPaginator({ type: "offset", limit: 100, total_path: null });
 * const request = { method: "GET" as const, url: new URL("https://x.test/items"), headers: new Headers() };
 * paginator.initRequest(request);
 * request.url.search; // "?offset=0&limit=100"
 * ```
 */
export class OffsetPaginator extends RangePaginator {
  /** `offset`. */
  readonly type = "offset";
  readonly #config: OffsetPaginatorConfig;
  readonly #limit: number;
  readonly #limitParam: string | undefined;
  readonly #limitBodyPath: string | undefined;

  /**
   * @param config dlt's keys; `limit` is required.
   * @throws {ConfigError} when `limit` is missing, a param is given both as query and body
   *   path, or nothing would ever stop the pagination.
   */
  constructor(config: OffsetPaginatorConfig) {
    const limit = config.limit as unknown;
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit <= 0) {
      throw new ConfigError(
        `Paginator offset needs "limit" (the page size, a positive integer), e.g. { type: "offset", limit: 100 }; got ${
          limit === undefined ? "none" : JSON.stringify(limit)
        }`,
      );
    }
    const offset = paramOrBody(
      "offset",
      ["offset_param", config.offset_param],
      ["offset_body_path", config.offset_body_path],
      "offset",
    );
    const limitTarget = paramOrBody(
      "offset",
      ["limit_param", config.limit_param],
      ["limit_body_path", config.limit_body_path],
      "limit",
    );
    const totalPath = config.total_path === undefined ? "total" : config.total_path;
    const maximum = optionalInteger("offset", "maximum_offset", config.maximum_offset);
    const stopAfterEmptyPage = config.stop_after_empty_page ?? true;
    if (
      totalPath === null && maximum === undefined && !config.has_more_path && !stopAfterEmptyPage
    ) {
      throw new ConfigError(
        `Paginator offset would never stop: set total_path, maximum_offset, has_more_path or stop_after_empty_page: true`,
      );
    }
    super({
      type: "offset",
      param: offset.param,
      bodyPath: offset.bodyPath,
      initial: optionalInteger("offset", "offset", config.offset) ?? 0,
      step: limit,
      baseIndex: 0,
      maximum,
      totalPath,
      stopAfterEmptyPage,
      hasMorePath: config.has_more_path,
      totalOf: "items",
    });
    this.#config = config;
    this.#limit = limit;
    this.#limitParam = limitTarget.param;
    this.#limitBodyPath = limitTarget.bodyPath;
  }

  /** Writes the offset and the limit. */
  override updateRequest(request: HttpRequest): void {
    super.updateRequest(request);
    writeValue(request, this.#limitParam, this.#limitBodyPath, this.#limit);
  }

  /** A fresh paginator with the same config. */
  clone(): OffsetPaginator {
    return new OffsetPaginator(this.#config);
  }
}
