/**
 * Cursor in the JSON body (dlt `cursor`, `JSONResponseCursorPaginator`).
 *
 * @module
 */

import { DataError } from "../../errors.ts";
import { compilePath, type PathGetter } from "../json_path.ts";
import type { HttpRequest, HttpResponse, Paginator, PaginatorConfig } from "../types.ts";
import { CursorGuard } from "./_cursor_guard.ts";
import { paramOrBody, writeValue } from "./_range.ts";
import { toBoolean } from "./_values.ts";

/** Config of {@linkcode CursorPaginator}: dlt's keys. */
export type CursorPaginatorConfig = Extract<PaginatorConfig, { type: "cursor" }>;

/**
 * Reads the cursor at `cursor_path` (default `"cursors.next"`) and sends it as the query param
 * `cursor_param` (default `"cursor"`) or at `cursor_body_path` in the JSON body. Stops when
 * the cursor is missing or empty, or when `has_more_path` is false.
 *
 * @example Usage
 * ```ts
 * import { CursorPaginator } from "./cursor.ts";
 * const paginator = new CursorPaginator({ type: "cursor", cursor_path: "next_cursor", cursor_param: "after" });
 * ```
 */
export class CursorPaginator implements Paginator {
  /** `cursor`. */
  readonly type = "cursor";
  readonly #config: CursorPaginatorConfig;
  readonly #getCursor: PathGetter;
  readonly #getHasMore: PathGetter | undefined;
  readonly #param: string | undefined;
  readonly #bodyPath: string | undefined;
  readonly #guard = new CursorGuard();
  #cursor: unknown;
  #hasNext = true;

  /**
   * @param config dlt's keys.
   * @throws {ConfigError} when both `cursor_param` and `cursor_body_path` are set.
   */
  constructor(config: CursorPaginatorConfig = { type: "cursor" }) {
    this.#config = config;
    this.#getCursor = compilePath(config.cursor_path ?? "cursors.next");
    this.#getHasMore = config.has_more_path ? compilePath(config.has_more_path) : undefined;
    const target = paramOrBody(
      "cursor",
      ["cursor_param", config.cursor_param],
      ["cursor_body_path", config.cursor_body_path],
      "cursor",
    );
    this.#param = target.param;
    this.#bodyPath = target.bodyPath;
  }

  /** Whether a cursor for the next page was found. */
  get hasNextPage(): boolean {
    return this.#hasNext;
  }

  /** Restarts the series; the first request carries no cursor. */
  initRequest(_request: HttpRequest): void {
    this.#hasNext = true;
    this.#cursor = undefined;
    this.#guard.clear();
  }

  /**
   * Reads the next cursor.
   * @throws {DataError} when a cursor repeats or `has_more_path` is missing or not a boolean.
   */
  updateState(response: HttpResponse, _records: readonly unknown[]): void {
    const cursor = this.#getCursor(response.body);
    // dlt: a falsy cursor (missing, null, "", 0) ends the pagination.
    if (!cursor || (this.#getHasMore && !this.#hasMore(response))) {
      this.#hasNext = false;
      this.#cursor = undefined;
      return;
    }
    this.#guard.add(this.type, cursor);
    this.#cursor = cursor;
    this.#hasNext = true;
  }

  /** Writes the cursor into the query or the JSON body. */
  updateRequest(request: HttpRequest): void {
    if (this.#cursor !== undefined) writeValue(request, this.#param, this.#bodyPath, this.#cursor);
  }

  /** A fresh paginator with the same config. */
  clone(): CursorPaginator {
    return new CursorPaginator(this.#config);
  }

  #hasMore(response: HttpResponse): boolean {
    const where = `Paginator cursor: has_more_path "${this.#config.has_more_path}"`;
    const value = this.#getHasMore!(response.body);
    if (value === undefined || value === null) {
      throw new DataError(`${where} is not in the response`);
    }
    return toBoolean(value, where);
  }
}
