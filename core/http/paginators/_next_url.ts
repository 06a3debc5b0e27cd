/**
 * Shared logic of paginators that follow a next page URL (json_link, header_link): relative
 * links join to the response URL, and a URL seen before is a loop, not a next page.
 *
 * @module
 */

import { maskUrl } from "../../config/mod.ts";
import { DataError } from "../../errors.ts";
import type { HttpRequest, HttpResponse, Paginator } from "../types.ts";
import { show } from "./_values.ts";

/** Base of next-URL paginators; subclasses only say where the link is. */
export abstract class NextUrlPaginator implements Paginator {
  abstract readonly type: string;
  #next: URL | undefined;
  #hasNext = true;
  // Every page URL requested or announced, to stop an API that links back to a page.
  readonly #seen = new Set<string>();

  /** Whether there is a next page URL. */
  get hasNextPage(): boolean {
    return this.#hasNext;
  }

  /** Starts a new request series (the first URL is the endpoint's own). */
  initRequest(_request: HttpRequest): void {
    this.#hasNext = true;
    this.#next = undefined;
    this.#seen.clear();
  }

  /**
   * Reads the next page link.
   * @throws {DataError} when the link is not a URL or points to a page already requested.
   */
  updateState(response: HttpResponse, _records: readonly unknown[]): void {
    this.#seen.add(response.url.href);
    const link = this.findNext(response);
    if (link === undefined || link === null || link === "") {
      this.#hasNext = false;
      this.#next = undefined;
      return;
    }
    if (typeof link !== "string") {
      throw new DataError(
        `Paginator ${this.type}: ${this.describeSource()} holds ${show(link)}, not a URL`,
      );
    }
    let next: URL;
    try {
      next = new URL(link, response.url);
    } catch (error) {
      throw new DataError(
        `Paginator ${this.type}: next page URL ${show(maskUrl(link))} is not a valid URL`,
        { cause: error },
      );
    }
    if (this.#seen.has(next.href)) {
      this.#hasNext = false;
      throw new DataError(
        `Paginator ${this.type} would loop: next page URL ${maskUrl(next)} was already requested`,
      );
    }
    this.#seen.add(next.href);
    this.#next = next;
    this.#hasNext = true;
  }

  /** Points the request at the next page (its query comes from the link, not the old params). */
  updateRequest(request: HttpRequest): void {
    if (this.#next) request.url = new URL(this.#next.href);
  }

  /** The next page link in `response`, as found (`undefined`/null/"" when there is none). */
  protected abstract findNext(response: HttpResponse): unknown;

  /** Where the link is read from, for messages (`next_url_path "next"`). */
  protected abstract describeSource(): string;

  abstract clone(): Paginator;
}
