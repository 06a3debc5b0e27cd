/**
 * No pagination (dlt `single_page`).
 *
 * @module
 */

import type { HttpRequest, HttpResponse, Paginator } from "../types.ts";

/**
 * Stops after the first response.
 *
 * @example Usage
 * ```ts
 * import { SinglePagePaginator } from "./single_page.ts";
 * const paginator = new SinglePagePaginator();
 * ```
 */
export class SinglePagePaginator implements Paginator {
  /** `single_page`. */
  readonly type = "single_page";
  #hasNext = true;

  /** True until the first response was read. */
  get hasNextPage(): boolean {
    return this.#hasNext;
  }

  /** Restarts the series. */
  initRequest(_request: HttpRequest): void {
    this.#hasNext = true;
  }

  /** Marks the series as done. */
  updateState(_response: HttpResponse, _records: readonly unknown[]): void {
    this.#hasNext = false;
  }

  /** Nothing to change. */
  updateRequest(_request: HttpRequest): void {}

  /** A fresh paginator. */
  clone(): SinglePagePaginator {
    return new SinglePagePaginator();
  }
}
