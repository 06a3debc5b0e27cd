/**
 * One request series: the pages of one endpoint call (per parent record for a child),
 * fetched one page ahead so parsing page N overlaps the transfer of page N+1.
 *
 * @module
 */

import { maskUrl } from "../config/mod.ts";
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
}

/** A page after processing: the records to hand out, and whether the series may end. */
export interface ProcessedPage {
  records: unknown[];
  /** No later page can hold wanted records (sorted rows past the incremental range). */
  stop: boolean;
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
 *
 * @param plan the resource.
 * @param request the first request; the paginator changes it from page to page.
 * @param ctx shared client, logger, abort signal and counters.
 * @param process turns the selected records of a page into the records to hand out.
 * @param options `mayStop`: whether a processed page can end the series. @default true
 * @throws {HttpError} when a request fails for good.
 * @throws {DataError} when the selector matches nothing or the paginator would loop.
 */
export async function* runSeries(
  plan: ResourcePlan,
  request: HttpRequest,
  ctx: SeriesContext,
  process: (records: unknown[]) => Promise<ProcessedPage>,
  options: { mayStop?: boolean } = {},
): AsyncGenerator<unknown[]> {
  const mayStop = options.mayStop ?? true;
  const stats = statsOf(ctx, plan.name);
  let paginator = plan.paginator?.clone();
  paginator?.initRequest(request);
  let pending: Promise<HttpResponse | undefined> | undefined = send(plan, request, ctx);
  let firstPage = true;
  try {
    while (pending !== undefined) {
      const response = await pending;
      pending = undefined;
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
        pending = send(plan, request, ctx); // prefetch: in flight while this page is processed
      }
      const page = await process(records);
      if (!early && paginator.hasNextPage && !page.stop) {
        paginator.updateRequest(request);
        pending = send(plan, request, ctx); // prefetch: in flight while this page is consumed
      } else if (page.stop && paginator.hasNextPage) {
        ctx.logger.debug(`Resource "${plan.name}": sorted records left the incremental range`);
      }
      ctx.onEvent({
        type: "page",
        resource: plan.name,
        records: page.records.length,
        pages: stats.pages,
        recordsTotal: stats.records,
      });
      yield page.records;
    }
  } catch (error) {
    throw inResource(plan.name, error);
  }
}

function send(
  plan: ResourcePlan,
  request: HttpRequest,
  ctx: SeriesContext,
): Promise<HttpResponse | undefined> {
  // The paginator keeps changing `request`, and auth adds to what is sent: send a copy.
  const copy: HttpRequest = {
    method: request.method,
    url: new URL(request.url),
    headers: new Headers(request.headers),
  };
  if (request.json !== undefined) copy.json = request.json;
  if (request.data !== undefined) copy.data = request.data;
  const promise = ctx.client.request(copy, {
    responseActions: plan.responseActions,
    signal: ctx.signal,
    auth: plan.auth,
    authScope: plan.authScope,
    resource: plan.name,
  });
  promise.then(() => statsOf(ctx, plan.name).requests++, () => {});
  // A prefetch may fail while the consumer still holds the page before it; the error is
  // raised when the page is awaited, so it must not count as unhandled meanwhile.
  promise.catch(() => {});
  return promise;
}

/** The counters of a resource, created on first use. */
export function statsOf(ctx: Pick<SeriesContext, "stats">, resource: string): ResourceStats {
  let stats = ctx.stats.get(resource);
  if (stats === undefined) {
    stats = { requests: 0, pages: 0, records: 0 };
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
