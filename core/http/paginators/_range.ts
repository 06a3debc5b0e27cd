/**
 * Shared logic of numeric paginators (offset, page_number), as dlt's `RangePaginator`: a value
 * that grows by a step per page, stopping on an empty page, a total, a maximum or a
 * `has_more` flag.
 *
 * @module
 */

import { ConfigError, DataError } from "../../errors.ts";
import { stringifyJson } from "../../json/mod.ts";
import { compilePath, type PathGetter, setPath } from "../json_path.ts";
import type { HttpRequest, HttpResponse, Paginator } from "../types.ts";
import { toBoolean, toInteger } from "./_values.ts";

/** Settings of a {@linkcode RangePaginator}, in dlt's terms. */
export interface RangeSettings {
  /** `offset` or `page_number`, for messages. */
  type: string;
  /** Query param carrying the value (when `bodyPath` is not set). */
  param: string | undefined;
  /** JSON body path carrying the value. */
  bodyPath: string | undefined;
  initial: number;
  step: number;
  /** 0- or 1-based numbering; the total is compared against `total + baseIndex`. */
  baseIndex: number;
  maximum: number | undefined;
  totalPath: string | null;
  stopAfterEmptyPage: boolean;
  hasMorePath: string | undefined;
  /** What the total counts, for messages: `items` or `pages`. */
  totalOf: string;
}

/** Base of offset and page_number paginators. */
export abstract class RangePaginator implements Paginator {
  abstract readonly type: string;
  readonly #settings: RangeSettings;
  readonly #total: PathGetter | undefined;
  readonly #hasMore: PathGetter | undefined;
  #current: number;
  #hasNext = true;
  /** The value the pages stop before (total or maximum), once known. */
  #end: number | undefined;
  // Fingerprint of the previous page, to notice an API that ignores the page parameter.
  #previousPage: string | undefined;

  constructor(settings: RangeSettings) {
    this.#settings = settings;
    this.#total = settings.totalPath ? compilePath(settings.totalPath) : undefined;
    this.#hasMore = settings.hasMorePath ? compilePath(settings.hasMorePath) : undefined;
    this.#current = settings.initial;
  }

  /** Whether another page should be requested. */
  get hasNextPage(): boolean {
    return this.#hasNext;
  }

  /** The value the next request carries (offset or page number). */
  get current(): number {
    return this.#current;
  }

  /** Sets the first page's value and restarts the series. */
  initRequest(request: HttpRequest): void {
    this.#hasNext = true;
    this.#current = this.#settings.initial;
    this.#previousPage = undefined;
    this.#end = this.#settings.maximum;
    this.updateRequest(request);
  }

  /**
   * Moves to the next value, or stops (empty page, total reached, maximum, has_more false).
   * @throws {DataError} when the total or has_more value is missing or malformed, or when the
   *   API answers every page with the same records (it ignores the paging parameter).
   */
  updateState(response: HttpResponse, records: readonly unknown[]): void {
    const s = this.#settings;
    if (s.stopAfterEmptyPage && records.length === 0) {
      this.#hasNext = false;
      return;
    }
    let total: number | undefined;
    if (this.#total) {
      const where = `Paginator ${s.type}: total_path "${s.totalPath}"`;
      const value = this.#total(response.body);
      if (value === undefined || value === null) {
        throw new DataError(
          `${where} is not in the response; set total_path to the key holding the total number of ${s.totalOf}, or total_path: null to stop at the first empty page`,
        );
      }
      total = toInteger(value, where);
    }
    this.#checkRepeatedPage(records);
    this.#current += s.step;
    this.#end = total === undefined
      ? s.maximum
      : Math.min(total + s.baseIndex, s.maximum ?? Infinity);
    if (this.#end !== undefined && this.#current >= this.#end) this.#hasNext = false;
    if (this.#hasMore) {
      const where = `Paginator ${s.type}: has_more_path "${s.hasMorePath}"`;
      const value = this.#hasMore(response.body);
      if (value === undefined || value === null) {
        throw new DataError(`${where} is not in the response`);
      }
      // dlt lets has_more override the other conditions; here it can only stop, so a
      // maximum_offset/maximum_page still limits a run.
      if (!toBoolean(value, where)) this.#hasNext = false;
    }
  }

  /**
   * Writes the value `n` pages after the next one into `request` (a copy of the next page's),
   * when the total or the maximum says that page exists.
   */
  pageAhead(request: HttpRequest, n: number): boolean {
    const value = this.#current + n * this.#settings.step;
    if (!this.#hasNext || this.#end === undefined || value >= this.#end) return false;
    writeValue(request, this.#settings.param, this.#settings.bodyPath, value);
    return true;
  }

  /** Writes the current value (and subclass extras such as the limit) into the request. */
  updateRequest(request: HttpRequest): void {
    writeValue(request, this.#settings.param, this.#settings.bodyPath, this.#current);
  }

  abstract clone(): Paginator;

  /** Two consecutive identical non-empty pages mean the paging parameter has no effect. */
  #checkRepeatedPage(records: readonly unknown[]): void {
    if (records.length === 0) return;
    // First, middle and last record: cheap, and enough to tell real pages apart.
    const fingerprint = `${records.length}|${stringifyJson(records[0])}|${
      stringifyJson(records[records.length >> 1])
    }|${stringifyJson(records[records.length - 1])}`;
    if (fingerprint === this.#previousPage) {
      const s = this.#settings;
      const name = s.param ?? s.bodyPath;
      const previous = this.#current - s.step;
      // A 1-based API often answers page 0 with page 1.
      const hint = s.type === "page_number" && previous === 0
        ? "; if pages start at 1, set base_page: 1"
        : "";
      this.#hasNext = false;
      throw new DataError(
        `Paginator ${s.type} would loop: ${name} ${this.#current} returned the same records as ${name} ${previous}; does the API support the "${name}" parameter?${hint}`,
      );
    }
    this.#previousPage = fingerprint;
  }
}

/**
 * Writes a value into a query param or, when `bodyPath` is set, into the JSON body.
 *
 * @param request the request to change.
 * @param param the query param name.
 * @param bodyPath the JSON body path (wins over `param`).
 * @param value the value.
 */
export function writeValue(
  request: HttpRequest,
  param: string | undefined,
  bodyPath: string | undefined,
  value: unknown,
): void {
  if (bodyPath) request.json = setPath(request.json, bodyPath, value);
  else if (param) {
    request.url.searchParams.set(
      param,
      typeof value === "string"
        ? value
        : typeof value === "object"
        ? stringifyJson(value)
        : String(value),
    );
  }
}

/**
 * Picks the query param or body path of a value: dlt's rule (not both; param by default).
 *
 * @param type paginator type, for the message.
 * @param paramKey e.g. `offset_param`.
 * @param param its value.
 * @param bodyKey e.g. `offset_body_path`.
 * @param bodyPath its value.
 * @param defaultParam used when neither is set.
 * @returns the param (or `undefined`) and the body path (or `undefined`).
 * @throws {ConfigError} when both are set.
 */
export function paramOrBody(
  type: string,
  [paramKey, param]: [string, string | undefined],
  [bodyKey, bodyPath]: [string, string | undefined],
  defaultParam: string,
): { param: string | undefined; bodyPath: string | undefined } {
  if (param !== undefined && bodyPath !== undefined) {
    throw new ConfigError(
      `Paginator ${type} takes either "${paramKey}" or "${bodyKey}", not both`,
    );
  }
  if (bodyPath !== undefined) return { param: undefined, bodyPath };
  return { param: param ?? defaultParam, bodyPath: undefined };
}

/**
 * Checks an optional integer option.
 *
 * @param type paginator type, for the message.
 * @param key the option.
 * @param value its value.
 * @returns the value.
 * @throws {ConfigError} when set and not an integer.
 */
export function optionalInteger(type: string, key: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ConfigError(
      `Paginator ${type} "${key}" must be an integer; got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
