/**
 * Cursor in a response header (dlt `header_cursor`, `HeaderCursorPaginator`).
 *
 * @module
 */

import type { HttpRequest, HttpResponse, Paginator, PaginatorConfig } from "../types.ts";
import { CursorGuard } from "./_cursor_guard.ts";

/** Config of {@linkcode HeaderCursorPaginator}: dlt's keys. */
export type HeaderCursorPaginatorConfig = Extract<PaginatorConfig, { type: "header_cursor" }>;

/**
 * Reads the cursor from the header `cursor_key` (default `"next"`) and sends it as the query
 * param `cursor_param` (default `"cursor"`). Stops when the header is missing or empty.
 *
 * @example Usage
 * ```ts
 * import { HeaderCursorPaginator } from "./header_cursor.ts";
 * const paginator = new HeaderCursorPaginator({ type: "header_cursor", cursor_key: "NextPageToken" });
 * ```
 */
export class HeaderCursorPaginator implements Paginator {
  /** `header_cursor`. */
  readonly type = "header_cursor";
  readonly #config: HeaderCursorPaginatorConfig;
  readonly #key: string;
  readonly #param: string;
  readonly #guard = new CursorGuard();
  #cursor: string | undefined;
  #hasNext = true;

  /** @param config `{ cursor_key, cursor_param }`. */
  constructor(config: HeaderCursorPaginatorConfig = { type: "header_cursor" }) {
    this.#config = config;
    this.#key = config.cursor_key ?? "next";
    this.#param = config.cursor_param ?? "cursor";
  }

  /** Whether the last response carried a cursor. */
  get hasNextPage(): boolean {
    return this.#hasNext;
  }

  /** Restarts the series. */
  initRequest(_request: HttpRequest): void {
    this.#hasNext = true;
    this.#cursor = undefined;
    this.#guard.clear();
  }

  /**
   * Reads the cursor header.
   * @throws {DataError} when a cursor repeats.
   */
  updateState(response: HttpResponse, _records: readonly unknown[]): void {
    const cursor = response.headers.get(this.#key);
    if (!cursor) {
      this.#hasNext = false;
      this.#cursor = undefined;
      return;
    }
    this.#guard.add(this.type, cursor);
    this.#cursor = cursor;
    this.#hasNext = true;
  }

  /** Sets the cursor query param. */
  updateRequest(request: HttpRequest): void {
    if (this.#cursor !== undefined) request.url.searchParams.set(this.#param, this.#cursor);
  }

  /** A fresh paginator with the same config. */
  clone(): HeaderCursorPaginator {
    return new HeaderCursorPaginator(this.#config);
  }
}
