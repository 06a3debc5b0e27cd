/**
 * One request series: the pages of one endpoint call (per parent record for a child),
 * fetched one page ahead so parsing page N overlaps the transfer of page N+1.
 *
 * @module
 */

import { maskUrl } from "../config/mod.ts";
import { stringifyJson } from "../json/mod.ts";
import { ConfigError, DataError, HttpError, UserError } from "../errors.ts";
import type { EventSink } from "../events.ts";
import {
  detectPaginator,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  type Paginator,
} from "../http/mod.ts";
import type { Logger } from "../log.ts";
import { renderTemplate, toText } from "./placeholders.ts";
import type { ResourcePlan } from "./_plan.ts";

/** What one resource did during an extraction (`Source.stats()`). */
export interface ResourceStats {
  /** HTTP requests that returned (child series included). */
  requests: number;
  /** Pages received. */
  pages: number;
  /** Records the resource produced (after processing steps and the incremental filter). */
  records: number;
  /** Attempts after the first (rate-limited ones included). */
  retries: number;
  /** Time its requests waited: between attempts and in rate-limit pauses, in ms. */
  waitMs: number;
  /** `performance.now()` when its first request went out and when its last page came. */
  firstMs?: number;
  lastMs?: number;
}

/** A page after processing: the records to hand out, and whether the series may end. */
export interface ProcessedPage {
  records: unknown[];
  /** No later page can hold wanted records (sorted rows past the incremental range). */
  stop: boolean;
}

/** The records of one page and the size of the answer they came in. */
export interface SeriesPage {
  records: unknown[];
  /** Length of the response text. */
  bytes: number;
}

/** Places for pages fetched ahead of their turn, shared by every series of an extraction. */
export interface LookaheadTokens {
  /** Takes a place; `false` when none is free. */
  take(): boolean;
  /** Gives one back. */
  give(): void;
}

/** What every series of one extraction shares. */
export interface SeriesContext {
  client: HttpClient;
  logger: Logger;
  /** Aborted when the extraction stops: cancels prefetches nobody will read. */
  signal: AbortSignal;
  mask: (text: string) => string;
  /** Receives a `page` event per page. */
  onEvent: EventSink;
  /** Paginator type last logged per resource, so detection is logged once, not per parent. */
  detected: Map<string, string>;
  /** Counters per resource. */
  stats: Map<string, ResourceStats>;
  /** Pages a series may fetch ahead of the next one (0: none); bounded by `tokens`. */
  lookahead: number;
  tokens: LookaheadTokens;
}

/**
 * Builds the first request of a series; `parent` fills `{resources.<parent>.<field>}`.
 *
 * @throws {DataError} when the parent record lacks a referenced field.
 * @throws {ConfigError} when the URL or a header cannot be built.
 */
export function buildRequest(plan: ResourcePlan, parent?: unknown): HttpRequest {
  const path = renderTemplate(plan.path, parent);
  let url: URL;
  try {
    url = joinUrl(plan.baseUrl, path);
  } catch (error) {
    throw new ConfigError(
      `Resource "${plan.name}": cannot build a URL from client.base_url ` +
        `${JSON.stringify(plan.baseUrl)} and path ${JSON.stringify(path)}`,
      { cause: error },
    );
  }
  const params = plan.params.render(parent) as Record<string, unknown>;
  for (const key in params) appendParam(url.searchParams, key, params[key]);
  const headers = new Headers();
  try {
    for (const key in plan.clientHeaders) headers.set(key, plan.clientHeaders[key]);
    const own = plan.headers.render(parent) as Record<string, unknown>;
    // As requests does, a header without a value (an unset incremental bound) is left out.
    for (const key in own) if (own[key] != null) headers.set(key, toText(own[key]));
  } catch (error) {
    throw new ConfigError(`Resource "${plan.name}": invalid header: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const request: HttpRequest = { method: plan.method, url, headers };
  if (plan.json) request.json = plan.json.render(parent);
  if (plan.data) {
    // A form field without a value (an unset optional config field) is left out, as requests does.
    const data = plan.data.render(parent) as Record<string, string | null>;
    request.data = {};
    for (const key in data) if (data[key] != null) request.data[key] = data[key];
  }
  return request;
}

/**
 * Streams the records of each page of one series. A page that may end the series (sorted
 * records past an incremental range) is processed (`process`) before the next one is
 * requested; otherwise the next request leaves first, so it is on its way while the page is
 * processed (a plugin's processing steps take a round trip to its sandbox) and handed out.
 * When the paginator knows where later pages are (`pageAhead`: offsets and page numbers below a
 * total), up to `ctx.lookahead` of them are requested at once; pages are still read in order,
 * and one that is not the request the paginator then asks for is dropped, so the pages are the
 * ones a page-by-page series gets.
 *
 * @param plan the resource.
 * @param request the first request; the paginator changes it from page to page.
 * @param ctx shared client, logger, abort signal, counters and lookahead places.
 * @param process turns the selected records of a page into the records to hand out.
 * @param options `mayStop`: whether a processed page can end the series (no lookahead then).
 *   `lookahead`: whether this series may fetch pages ahead. `parent`: its pages have children
 *   (the next page is asked for as a parent's, see `RequestOptions.parentLookahead`).
 *   @default mayStop true, lookahead true, parent false
 * @throws {HttpError} when a request fails for good.
 * @throws {DataError} when the selector matches nothing or the paginator would loop.
 */
export async function* runSeries(
  plan: ResourcePlan,
  request: HttpRequest,
  ctx: SeriesContext,
  process: (records: unknown[]) => Promise<ProcessedPage>,
  options: { mayStop?: boolean; lookahead?: boolean; parent?: boolean } = {},
): AsyncGenerator<SeriesPage> {
  const mayStop = options.mayStop ?? true;
  // At concurrency 1 a parent's next page goes beside its children already: nothing after it.
  const lookahead = mayStop || options.lookahead === false || (options.parent && ctx.lookahead <= 1)
    ? 0
    : ctx.lookahead;
  const stats = statsOf(ctx, plan.name);
  let paginator = plan.paginator?.clone();
  paginator?.initRequest(request);
  let pending: InFlight | undefined = send(plan, request, ctx, false);
  // Requests of the pages after `pending`, in page order.
  const ahead: InFlight[] = [];
  let firstPage = true;
  try {
    while (pending !== undefined) {
      const current: InFlight = pending;
      pending = undefined;
      const response = await current.promise;
      current.settle();
      // A response action said "ignore": the series ends quietly, as in dlt.
      if (response === undefined) return;
      const origin = { method: request.method, url: ctx.mask(maskUrl(response.url)) };
      const records = plan.selector.select(response.body, origin, firstPage);
      firstPage = false;
      stats.pages++;
      paginator ??= detect(plan, response, records, ctx);
      paginator.updateState(response, records);
      const early = !mayStop && paginator.hasNextPage;
      if (early) {
        paginator.updateRequest(request);
        // Prefetch: in flight while this page is processed.
        pending = takeAhead(ahead, request) ??
          send(plan, request, ctx, false, options.parent ?? false);
        fillAhead(ahead, { plan, paginator, request, ctx, lookahead });
      } else dropAll(ahead);
      const page = await process(records);
      if (!early && paginator.hasNextPage && !page.stop) {
        paginator.updateRequest(request);
        pending = send(plan, request, ctx, false); // prefetch: in flight while this page is consumed
      } else if (page.stop && paginator.hasNextPage) {
        ctx.logger.debug(`Resource "${plan.name}": sorted records left the incremental range`);
      }
      stats.lastMs = performance.now();
      ctx.onEvent({
        type: "page",
        resource: plan.name,
        records: page.records.length,
        pages: stats.pages,
        recordsTotal: stats.records,
      });
      yield { records: page.records, bytes: response.bytes ?? 0 };
    }
  } catch (error) {
    throw inResource(plan.name, error);
  } finally {
    dropAll(ahead);
    pending?.drop();
  }
}

/** A request on its way. */
interface InFlight {
  /** What was sent (a copy), to compare with the request the paginator asks for next. */
  request: HttpRequest;
  promise: Promise<HttpResponse | undefined>;
  /** Its answer was taken: gives its lookahead place back. */
  settle(): void;
  /** Nobody will read it: cancels it and gives its place back. */
  drop(): void;
}

/** The page fetched ahead for `request`, if it is the first one ahead; else drops them all. */
function takeAhead(ahead: InFlight[], request: HttpRequest): InFlight | undefined {
  if (ahead.length > 0 && sameRequest(ahead[0].request, request)) return ahead.shift();
  dropAll(ahead);
  return undefined;
}

/** Requests the later pages the paginator knows, while lookahead places are free. */
function fillAhead(
  ahead: InFlight[],
  { plan, paginator, request, ctx, lookahead }: {
    plan: ResourcePlan;
    paginator: Paginator;
    request: HttpRequest;
    ctx: SeriesContext;
    lookahead: number;
  },
): void {
  if (paginator.pageAhead === undefined) return;
  for (let n = ahead.length + 1; n <= lookahead; n++) {
    const later = copyRequest(request);
    if (!paginator.pageAhead(later, n) || !ctx.tokens.take()) return;
    ahead.push(send(plan, later, ctx, true));
  }
}

function dropAll(ahead: InFlight[]): void {
  for (const inFlight of ahead.splice(0)) inFlight.drop();
}

/** Same method, URL, headers and body: the same page. */
function sameRequest(a: HttpRequest, b: HttpRequest): boolean {
  if (a.method !== b.method || a.url.href !== b.url.href) return false;
  const headers = (h: Headers) => JSON.stringify([...h.entries()]);
  if (headers(a.headers) !== headers(b.headers)) return false;
  return stringifyJson(a.json ?? null) === stringifyJson(b.json ?? null) &&
    JSON.stringify(a.data ?? null) === JSON.stringify(b.data ?? null);
}

function copyRequest(request: HttpRequest): HttpRequest {
  const copy: HttpRequest = {
    method: request.method,
    url: new URL(request.url),
    headers: new Headers(request.headers),
  };
  if (request.json !== undefined) copy.json = request.json;
  if (request.data !== undefined) copy.data = request.data;
  return copy;
}

function send(
  plan: ResourcePlan,
  request: HttpRequest,
  ctx: SeriesContext,
  ahead: boolean,
  parentLookahead = false,
): InFlight {
  // The paginator keeps changing `request`, and auth adds to what is sent: send a copy.
  const copy = copyRequest(request);
  const stats = statsOf(ctx, plan.name);
  stats.firstMs ??= performance.now();
  // Its own signal, so a page fetched ahead in vain can be cancelled alone.
  const controller = new AbortController();
  const promise = ctx.client.request(copy, {
    responseActions: plan.responseActions,
    signal: AbortSignal.any([ctx.signal, controller.signal]),
    sharedSignal: ctx.signal,
    auth: plan.auth,
    authScope: plan.authScope,
    resource: plan.name,
    counters: stats,
    parentLookahead,
  });
  promise.then(() => stats.requests++, () => {});
  // A prefetch may fail while the consumer still holds the page before it (or be dropped);
  // the error is raised when the page is awaited, so it must not count as unhandled meanwhile.
  promise.catch(() => {});
  let placed = ahead;
  const giveBack = () => {
    if (placed) ctx.tokens.give();
    placed = false;
  };
  return {
    request: copy,
    promise,
    settle: giveBack,
    drop: () => {
      giveBack();
      controller.abort();
    },
  };
}

/** The counters of a resource, created on first use. */
export function statsOf(ctx: Pick<SeriesContext, "stats">, resource: string): ResourceStats {
  let stats = ctx.stats.get(resource);
  if (stats === undefined) {
    stats = { requests: 0, pages: 0, records: 0, retries: 0, waitMs: 0 };
    ctx.stats.set(resource, stats);
  }
  return stats;
}

function detect(
  plan: ResourcePlan,
  response: HttpResponse,
  records: readonly unknown[],
  ctx: SeriesContext,
): Paginator {
  const { paginator, weak, reason } = detectPaginator(response, records);
  // dlt detects per request series; log when a resource's paginator is first found or changes.
  if (ctx.detected.get(plan.name) !== paginator.type) {
    ctx.detected.set(plan.name, paginator.type);
    const message = `Resource "${plan.name}": detected paginator ${paginator.type} (${reason})`;
    if (weak) {
      ctx.logger.warn(`${message}; this is a guess, set endpoint.paginator to be sure`);
    } else ctx.logger.info(message);
  }
  return paginator;
}

/** dlt's `join_url`: the path is relative to base_url (its leading `/` too) unless absolute. */
function joinUrl(base: string, path: string): URL {
  if (/^https?:\/\//i.test(path)) return new URL(path);
  const relative = path.replace(/^\/+/, "");
  // `a:b` would read as a URL scheme; keep it a path.
  const safe = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(relative) ? `./${relative}` : relative;
  return new URL(safe, base.endsWith("/") ? base : `${base}/`);
}

function appendParam(search: URLSearchParams, key: string, value: unknown): void {
  if (value === null || value === undefined) return; // as requests: None drops the param
  if (Array.isArray(value)) {
    for (const item of value) appendParam(search, key, item);
    return;
  }
  search.append(key, toText(value));
}

/** Prefixes a user-facing error with the resource it happened in, unless it names it already. */
function inResource(resource: string, error: unknown): unknown {
  if (!(error instanceof UserError) || /^(Resource|Connector) /.test(error.message)) return error;
  const message = `Resource "${resource}": ${error.message}`;
  if (error instanceof HttpError) {
    return new HttpError(message, error.status, error.url, { cause: error });
  }
  if (error instanceof DataError) return new DataError(message, { cause: error });
  if (error instanceof ConfigError) return new ConfigError(message, { cause: error });
  return new UserError(message, { cause: error });
}
