/**
 * HTTP range pagination (`header_range`, a dltx addition): PostgREST's and Supabase's
 * `Range`/`Content-Range` headers. dlt has no such paginator.
 *
 * @module
 */

import { ConfigError, DataError } from "../../errors.ts";
import type { HttpRequest, HttpResponse, Paginator, PaginatorConfig } from "../types.ts";
import { optionalInteger } from "./_range.ts";
import { show } from "./_values.ts";

/** Config of {@linkcode HeaderRangePaginator}. */
export type HeaderRangePaginatorConfig = Extract<PaginatorConfig, { type: "header_range" }>;

// `0-99/1234`, `0-99/*`, `*/1234`, `*/*`; RFC 7233 puts the unit first (`items 0-99/1234`).
const CONTENT_RANGE = /^\s*(?:[A-Za-z][\w-]*\s+)?(?:\*|(\d+)-(\d+))\/(\*|\d+)\s*$/;

/**
 * Asks for `Range: <offset>-<offset + limit - 1>` (with `Range-Unit: items`), or for
 * `?offset=&limit=` when `offset_param`/`limit_param` are set, and reads the answer's
 * `Content-Range: <first>-<last>/<total>` (`*` when the total is unknown). The next page starts
 * after `<last>`, so a server that caps pages (PostgREST's `db-max-rows`) loses no rows: a page
 * shorter than asked is no end. Stops when `<last>` reaches the total, on an empty range
 * (`*\/<total>`) or page, or at `maximum_offset`. Without `Content-Range`, the server ignored
 * the `Range` header and sent everything (stop); with query params, the next page starts after
 * the rows received.
 *
 * @example Usage
 * ```ts
 * import { HeaderRangePaginator } from "./header_range.ts";
 * const paginator = new HeaderRangePaginator({ type: "header_range", limit: 1000 });
 * const request = { method: "GET" as const, url: new URL("https://x.test/rest/v1/orders"), headers: new Headers() };
 * paginator.initRequest(request);
 * request.headers.get("range"); // "0-999"
 * ```
 */
export class HeaderRangePaginator implements Paginator {
  /** `header_range`. */
  readonly type = "header_range";
  readonly #config: HeaderRangePaginatorConfig;
  readonly #limit: number;
  readonly #initial: number;
  readonly #unit: string;
  readonly #maximum: number | undefined;
  /** Query param names, when the range goes into the query instead of the `Range` header. */
  readonly #params: { offset: string; limit: string } | undefined;
  #start: number;
  #hasNext = true;
  /** The total of the last `Content-Range`, when it gave one. */
  #total: number | undefined;
  /** Rows the last page held: a server that caps pages (`db-max-rows`) sends fewer than asked. */
  #step: number;

  /**
   * @param config `limit` (required), `offset`, `range_unit`, `maximum_offset`,
   *   `offset_param`, `limit_param`.
   * @throws {ConfigError} when `limit` is not a positive integer, a number is not an integer,
   *   or `maximum_offset` is not above `offset`.
   */
  constructor(config: HeaderRangePaginatorConfig) {
    const limit = config.limit as unknown;
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit <= 0) {
      throw new ConfigError(
        `Paginator header_range needs "limit" (rows per request, a positive integer), e.g. { type: "header_range", limit: 1000 }; got ${
          limit === undefined ? "none" : JSON.stringify(limit)
        }`,
      );
    }
    this.#config = config;
    this.#limit = limit;
    this.#initial = optionalInteger("header_range", "offset", config.offset) ?? 0;
    this.#maximum = optionalInteger("header_range", "maximum_offset", config.maximum_offset);
    if (this.#maximum !== undefined && this.#maximum <= this.#initial) {
      throw new ConfigError(
        `Paginator header_range "maximum_offset" (${this.#maximum}) must be above "offset" (${this.#initial})`,
      );
    }
    this.#unit = config.range_unit ?? "items";
    const { offset_param, limit_param } = config;
    this.#params = offset_param === undefined && limit_param === undefined
      ? undefined
      : { offset: offset_param ?? "offset", limit: limit_param ?? "limit" };
    this.#start = this.#initial;
    this.#step = limit;
  }

  /** Whether another range should be requested. */
  get hasNextPage(): boolean {
    return this.#hasNext;
  }

  /** Asks for the first range. */
  initRequest(request: HttpRequest): void {
    this.#hasNext = true;
    this.#start = this.#initial;
    this.#total = undefined;
    this.#step = this.#limit;
    this.updateRequest(request);
  }

  /**
   * Reads `Content-Range` and moves past the rows received.
   * @throws {DataError} when `Content-Range` is malformed or does not move forward.
   */
  updateState(response: HttpResponse, records: readonly unknown[]): void {
    const header = response.headers.get("content-range");
    if (records.length === 0) {
      this.#hasNext = false;
      return;
    }
    if (header === null) {
      // Query params were honoured (the rows say how many); a Range header was ignored.
      this.#advance(this.#params ? this.#start + records.length : undefined, undefined);
      return;
    }
    const match = header.match(CONTENT_RANGE);
    if (!match) {
      this.#hasNext = false;
      throw new DataError(
        `Paginator header_range: cannot read Content-Range ${
          show(header)
        }; expected <first>-<last>/<total> or */<total>, where <total> may be *`,
      );
    }
    const [, first, last, total] = match;
    if (first === undefined) {
      this.#hasNext = false;
      return;
    }
    const next = Number(last) + 1;
    if (next <= this.#start) {
      this.#hasNext = false;
      throw new DataError(
        `Paginator header_range would loop: asked for rows from ${this.#start}, got Content-Range ${
          show(header)
        }; does the API honour the ${
          this.#params ? `"${this.#params.offset}" param` : "Range header"
        }?`,
      );
    }
    this.#step = Math.max(1, next - Number(first));
    this.#advance(next, total === "*" ? undefined : Number(total));
  }

  /**
   * Writes the range `n` pages after the next one into `request` (a copy of the next page's),
   * when `Content-Range` gave a total (or `maximum_offset` is set) that says it exists; pages
   * are as long as the last one was.
   */
  pageAhead(request: HttpRequest, n: number): boolean {
    const end = Math.min(this.#total ?? Infinity, this.#maximum ?? Infinity);
    const start = this.#start + n * this.#step;
    if (!this.#hasNext || end === Infinity || start >= end) return false;
    this.#writeRange(request, start);
    return true;
  }

  /** Sets the range of the current start: `Range-Unit` and `Range`, or the query params. */
  updateRequest(request: HttpRequest): void {
    this.#writeRange(request, this.#start);
  }

  /** A fresh paginator with the same config. */
  clone(): HeaderRangePaginator {
    return new HeaderRangePaginator(this.#config);
  }

  #writeRange(request: HttpRequest, start: number): void {
    let end = start + this.#limit;
    if (this.#maximum !== undefined) end = Math.min(end, this.#maximum);
    if (this.#params) {
      request.url.searchParams.set(this.#params.offset, String(start));
      request.url.searchParams.set(this.#params.limit, String(end - start));
    } else {
      request.headers.set("range-unit", this.#unit);
      request.headers.set("range", `${start}-${end - 1}`);
    }
  }

  /** Moves to `next` (`undefined`: stop), unless the total or the maximum is reached. */
  #advance(next: number | undefined, total: number | undefined): void {
    if (next === undefined) {
      this.#hasNext = false;
      return;
    }
    this.#total = total;
    this.#start = next;
    this.#hasNext = !(
      (total !== undefined && next >= total) ||
      (this.#maximum !== undefined && next >= this.#maximum)
    );
  }
}
