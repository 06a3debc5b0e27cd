/**
 * The HTTP client: sends one `HttpRequest`, retrying on 429, 5xx, connection errors and
 * timeouts with exponential backoff (honouring `Retry-After`) within a retry budget, follows
 * redirects (credentials only where the auth scope allows), applies `response_actions`,
 * parses JSON and turns failures into clear, secret-free errors. Every request of a client
 * goes through its per-host limits: a bounded number in flight per origin, adapting to rate
 * limits (AIMD), paused while a rate limit lasts, optionally spaced to a declared rate.
 *
 * @module
 */

import denoConfig from "../../deno.json" with { type: "json" };
import { type Masker, maskUrl, SecretMasker } from "../config/mod.ts";
import { defaultDeps, type Deps } from "../deps.ts";
import { ConfigError, HttpError } from "../errors.ts";
import { type EventSink, noEvents } from "../events.ts";
import { stringifyJson } from "../json/mod.ts";
import { type Logger, silentLogger } from "../log.ts";
import { parseRetryAfter, retryWait, seconds } from "./_backoff.ts";
import { describeFetchFailure } from "./_failure.ts";
import { HostLimits, type SlotOutcome } from "./_host_limits.ts";
import { type RateLimitVerdict, rateLimitVerdict, readRateLimitHeaders } from "./_rate_limit.ts";
import {
  CREDENTIAL_HEADERS,
  MAX_REDIRECTS,
  redirectedMethod,
  redirectTarget,
} from "./_redirect.ts";
import type { AuthScope } from "./auth_scope.ts";
import {
  bodyExcerpt,
  matchResponseAction,
  parseJsonBody,
  statusErrorMessage,
} from "./_response.ts";
import { statusText } from "./_status_text.ts";
import type { Auth, HttpRequest, HttpResponse, ResponseAction } from "./types.ts";

/** Options of an {@linkcode HttpClient}. */
export interface HttpClientOptions {
  /** Network, clock and sleep. @default defaultDeps */
  deps?: Deps;
  /** Time allowed for one attempt, body included, in milliseconds. @default 60000 */
  timeoutMs?: number;
  /** Attempts per request, the first one included. @default 5 */
  maxAttempts?: number;
  /** Wait after the first failed attempt, doubled on each retry, in ms. @default 1000 */
  backoffBaseMs?: number;
  /**
   * The retry budget (dlt's `request_max_retry_delay`): the most one request waits between
   * its attempts, all waits together, in ms. A backoff wait is shortened to what is left; a
   * `Retry-After` beyond what is left fails the request at once. @default 300000
   */
  maxRetryDelayMs?: number;
  /** Receives one warning per retry. @default silentLogger */
  logger?: Logger;
  /** Applied to every message and URL the client produces. */
  masker?: Masker;
  /** Sent when the request has no `User-Agent`. @default "dltx/<version>" */
  userAgent?: string;
  /** Receives a `request` event per attempt and a `rate_limit_wait` per retry wait. @default noEvents */
  onEvent?: EventSink;
  /**
   * The most requests in flight to one origin (scheme, host and port). A rate limit halves an
   * origin's allowance and successes raise it back, never above this. @default 8
   */
  concurrency?: number;
  /** A declared budget: requests to one origin start at most this many per second. */
  requestsPerSecond?: number;
}

/** The default of {@linkcode HttpClientOptions.concurrency}: requests in flight per origin. */
export const DEFAULT_CONCURRENCY = 8;

/** What the requests made for one purpose (a resource) cost; the client adds to it. */
export interface RequestCounters {
  /** Attempts after the first, rate-limited ones included. */
  retries: number;
  /** Time spent waiting between attempts and in rate-limit pauses, in ms. */
  waitMs: number;
}

/** Options of one {@linkcode HttpClient.request} call. */
export interface RequestOptions {
  /** dlt's `response_actions`; a match with `action: "ignore"` makes `request` return `undefined`. */
  responseActions?: readonly ResponseAction[];
  /** Aborts the request and any wait between attempts. */
  signal?: AbortSignal;
  /** Applied before every attempt (so an expired OAuth2 token is renewed); its secrets are masked. */
  auth?: Auth;
  /**
   * The origins `auth` may be applied to (the request's, a redirect's next hop). Without a
   * scope, auth goes to the request's own URL and to redirects within its origin.
   */
  authScope?: AuthScope;
  /** The resource the request is made for, named in its events. */
  resource?: string;
  /** Counters the request adds its retries and waits to. */
  counters?: RequestCounters;
  /**
   * Aborts work the request shares with others (an OAuth2 token fetch), when it outlives
   * `signal` (a page fetched ahead in vain is cancelled alone). @default signal
   */
  sharedSignal?: AbortSignal;
  /**
   * The next page of a parent list, asked for while its children run: with a concurrency of 1
   * it may be in flight beside the one other request (see `HostLimits.acquire`).
   */
  parentLookahead?: boolean;
}

/** Statuses worth another attempt: rate limited or a server-side failure. */
function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Thrown through the abort signal when an attempt runs out of time. */
class AttemptTimeout extends Error {
  constructor() {
    super("attempt timed out");
    this.name = "AttemptTimeout";
  }
}

/**
 * Sends requests with retries, timeouts and dlt's error wording.
 *
 * @example Usage
 * ```ts
 * import { HttpClient } from "./client.ts";
 * const client = new HttpClient({ timeoutMs: 10_000 });
 * const request = {
 *   method: "GET" as const,
 *   url: new URL("https://api.example.com/items"),
 *   headers: new Headers(),
 * };
 * // const response = await client.request(request);
 * ```
 */
export class HttpClient {
  readonly #deps: Deps;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #backoffBaseMs: number;
  readonly #maxRetryDelayMs: number;
  readonly #logger: Logger;
  readonly #masker?: Masker;
  readonly #userAgent: string;
  readonly #onEvent: EventSink;
  readonly #limits: HostLimits;
  // Maskers of auth secrets, rebuilt when the secrets change (a renewed OAuth2 token).
  readonly #authMaskers = new WeakMap<Auth, { key: string; masker: SecretMasker }>();

  /**
   * @param options timeouts, retries, logging, masking and injectable I/O.
   * @throws {ConfigError} when a number option is out of range.
   */
  constructor(options: HttpClientOptions = {}) {
    this.#deps = options.deps ?? defaultDeps;
    this.#timeoutMs = positive("timeoutMs", options.timeoutMs ?? 60_000);
    this.#maxAttempts = positive("maxAttempts", options.maxAttempts ?? 5, true);
    this.#backoffBaseMs = nonNegative("backoffBaseMs", options.backoffBaseMs ?? 1000);
    this.#maxRetryDelayMs = nonNegative("maxRetryDelayMs", options.maxRetryDelayMs ?? 300_000);
    this.#logger = options.logger ?? silentLogger;
    this.#masker = options.masker;
    this.#userAgent = options.userAgent ?? `dltx/${denoConfig.version}`;
    this.#onEvent = options.onEvent ?? noEvents;
    this.#limits = new HostLimits({
      concurrency: positive("concurrency", options.concurrency ?? DEFAULT_CONCURRENCY, true),
      requestsPerSecond: options.requestsPerSecond === undefined
        ? undefined
        : positive("requestsPerSecond", options.requestsPerSecond),
      budgetMs: this.#maxRetryDelayMs,
      deps: this.#deps,
      logger: this.#logger,
      onEvent: this.#onEvent,
    });
  }

  /**
   * Sends `request`, retrying transient failures, and parses the JSON answer.
   *
   * @param request method, URL, headers and body; `json` is sent as JSON, `data` as a form.
   * @param options response actions, abort signal and auth.
   * @returns the response, or `undefined` when a response action said to ignore it.
   * @throws {HttpError} on a 4xx/5xx answer (after retries) or when no answer came.
   * @throws {DataError} when a successful answer is not JSON (HTML, malformed).
   * @throws {ConfigError} when a GET request has a body.
   */
  async request(
    request: HttpRequest,
    options: RequestOptions = {},
  ): Promise<HttpResponse | undefined> {
    const { signal, auth, resource, counters } = options;
    const body = encodeBody(request);
    // Waits charged to this request's retry budget: its own backoff and the rate-limit pauses
    // its own answers asked for (not the pauses it merely queued behind).
    let waitedMs = 0;
    let rateLimited = 0;
    // Rate-limited answers that said how long to wait: they do not use up attempts (the retry
    // budget bounds them); one that did not (or named a reset in the past) is an attempt.
    let told = 0;
    for (let attempt = 1;; attempt++) {
      signal?.throwIfAborted();
      if (attempt > 1 && counters) counters.retries++;
      // Auth changes a copy: the caller's request stays as it was for the next attempt.
      const first = copyRequest(request, request.url);
      await this.#applyAuth(first, request.url, options);
      const url = this.#maskUrl(first.url, auth);
      const label = `${request.method} ${url}`;
      this.#logger.debug(label);
      let failure: string;
      let retryAfterMs: number | undefined;
      let sent: Sent | undefined;
      // Status 0 in events: no response arrived (connection error, timeout).
      let status = 0;
      let started = performance.now();
      const requestEvent = () => {
        const { inFlight, limit } = this.#limits.state((sent?.url ?? first.url).origin);
        this.#onEvent({
          type: "request",
          resource,
          method: request.method,
          url,
          status,
          ms: Math.round(performance.now() - started),
          attempt,
          inFlight,
          limit,
        });
      };
      const counted = attempt - told;
      try {
        sent = await this.#send(request, first, body, options, () => started = performance.now());
        status = sent.response.status;
        requestEvent();
        if (sent.rateLimit.limited) {
          if (sent.rateLimit.waitMs === undefined && counted >= this.#maxAttempts) {
            return this.#finish(request, sent, attempt, options);
          }
          if (sent.rateLimit.waitMs !== undefined) told++;
          rateLimited++;
          const next = this.#rateLimitWait(sent.rateLimit, rateLimited, waitedMs);
          if ("giveUp" in next) return this.#finish(request, sent, attempt, options, next.giveUp);
          // At least the first backoff wait is charged, so that `Retry-After: 0` cannot keep a
          // request retrying forever.
          waitedMs += Math.max(next.waitMs, this.#backoffBaseMs);
          this.#limits.pause(sent.url.origin, next.waitMs, sent.rateLimit.reason);
          this.#logger.debug(this.#mask(
            `${label} was rate limited (${sent.rateLimit.reason}); retrying after ${
              seconds(next.waitMs)
            }`,
            auth,
          ));
          this.#waitEvent(resource, url, status, next.waitMs, attempt);
          // The pause holds this request at the gate with every other one to the origin.
          continue;
        }
        if (!isRetryableStatus(status) || counted >= this.#maxAttempts) {
          return this.#finish(request, sent, attempt, options);
        }
        failure = `${status} ${statusText(status, sent.response.statusText)}`;
        retryAfterMs = parseRetryAfter(sent.response.headers.get("retry-after"), this.#deps.now());
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        const timedOut = error instanceof AttemptTimeout;
        // Deno's fetch throws TypeError for network failures; anything else is not ours to retry.
        if (!timedOut && !(error instanceof TypeError)) throw error;
        requestEvent();
        failure = timedOut
          ? `timed out after ${seconds(this.#timeoutMs)}`
          : describeFetchFailure(error, request.url);
        if (counted >= this.#maxAttempts) {
          throw this.#noAnswerError(label, attempt, failure, first.url, auth);
        }
      }
      const next = retryWait({
        attempt: counted,
        retryAfterMs,
        waitedMs,
        baseMs: this.#backoffBaseMs,
        budgetMs: this.#maxRetryDelayMs,
      });
      if ("giveUp" in next) {
        if (sent) return this.#finish(request, sent, attempt, options, next.giveUp);
        throw this.#noAnswerError(label, attempt, `${failure}; ${next.giveUp}`, first.url, auth);
      }
      const waitMs = next.waitMs;
      waitedMs += waitMs;
      this.#logger.warn(this.#mask(
        `${label} failed: ${failure} (attempt ${counted}/${this.#maxAttempts}); waiting ${
          seconds(waitMs)
        } before retrying`,
        auth,
      ));
      this.#waitEvent(resource, url, status, waitMs, attempt);
      if (counters) counters.waitMs += waitMs;
      await this.#deps.sleep(waitMs, signal);
    }
  }

  /** The wait after a rate-limited answer: what the API asks, else the backoff. */
  #rateLimitWait(
    verdict: RateLimitVerdict,
    rateLimited: number,
    waitedMs: number,
  ): { waitMs: number } | { giveUp: string } {
    return retryWait({
      attempt: rateLimited,
      retryAfterMs: verdict.waitMs,
      hint: verdict.waitHeader,
      waitedMs,
      baseMs: this.#backoffBaseMs,
      budgetMs: this.#maxRetryDelayMs,
    });
  }

  #waitEvent(
    resource: string | undefined,
    url: string,
    status: number,
    waitMs: number,
    attempt: number,
  ): void {
    this.#onEvent({
      type: "rate_limit_wait",
      resource,
      url,
      status,
      seconds: waitMs / 1000,
      attempt,
    });
  }

  /** The error of a request that got no answer (connection failures, timeouts). */
  #noAnswerError(
    label: string,
    attempts: number,
    failure: string,
    url: URL,
    auth: Auth | undefined,
  ): HttpError {
    // No `cause`: fetch's own message contains the unmasked URL.
    return new HttpError(
      this.#mask(`${label} failed after ${plural(attempts, "attempt")}: ${failure}`, auth),
      0,
      this.#maskUrl(url, auth),
    );
  }

  /**
   * Applies auth to one hop of an attempt when its URL may have credentials: the scope
   * decides; without one, the origin of the request as the caller made it.
   */
  async #applyAuth(hop: HttpRequest, origin: URL, options: RequestOptions): Promise<void> {
    const { auth, authScope, signal, resource } = options;
    if (!auth) return;
    const allowed = authScope
      ? authScope.permits(hop.url, resource)
      : hop.url.origin === origin.origin;
    if (allowed) await auth.apply(hop, options.sharedSignal ?? signal);
  }

  /**
   * One attempt: fetch, following redirects hop by hop, and read the whole body, all within
   * the timeout. Each hop is the caller's request again at the new URL, with auth applied
   * where the scope allows; once a hop leaves the origin, credential headers the request
   * carried (`Authorization`, `Cookie`) are dropped for good, as `fetch` drops them. Each hop
   * waits for a place among the requests in flight to its origin (the timeout starts once the
   * first hop has one) and gives it back before auth is applied to the next, so a token request
   * never waits behind the requests that need it.
   */
  async #send(
    request: HttpRequest,
    first: HttpRequest,
    body: EncodedBody | undefined,
    options: RequestOptions,
    onStart: () => void,
  ): Promise<Sent> {
    const { signal, counters } = options;
    const timeout = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    try {
      let hop = first;
      let hopBody = body;
      let leftOrigin = false;
      for (let redirects = 0;; redirects++) {
        const slot = await this.#limits.acquire(hop.url.origin, signal, {
          parentLookahead: options.parentLookahead,
        });
        if (counters) counters.waitMs += slot.waitedMs;
        let outcome: SlotOutcome = "neutral";
        try {
          if (timer === undefined) {
            onStart();
            timer = setTimeout(() => timeout.abort(new AttemptTimeout()), this.#timeoutMs);
          }
          const response = await this.#deps.fetch(hop.url, {
            method: hop.method,
            headers: this.#headersOf(hop, hopBody),
            body: hopBody?.text,
            signal: combined,
            redirect: "manual",
          });
          const target = this.#redirectTarget(response, hop.url, options.auth);
          if (target === undefined) {
            // Reading the body to the end (also for errors and retries) lets the connection be reused.
            const text = await response.text();
            const url = response.url ? new URL(response.url) : hop.url;
            const rateLimit = this.#rateLimitOf(response, url);
            outcome = rateLimit.limited ? "limited" : response.status >= 500 ? "neutral" : "ok";
            return { response, text, url, rateLimit };
          }
          await response.body?.cancel();
          if (redirects >= MAX_REDIRECTS) {
            throw new HttpError(
              this.#mask(
                `${request.method} ${
                  maskUrl(first.url)
                } was redirected more than ${MAX_REDIRECTS} times (last to ${maskUrl(target)})`,
                options.auth,
              ),
              response.status,
              this.#maskUrl(target, options.auth),
            );
          }
          const { method, keepBody } = redirectedMethod(response.status, hop.method);
          leftOrigin ||= target.origin !== hop.url.origin;
          const next = copyRequest({ ...request, method }, target);
          if (leftOrigin) {
            for (const name of CREDENTIAL_HEADERS) next.headers.delete(name);
          }
          hop = next;
          hopBody = keepBody ? hopBody : undefined;
        } finally {
          slot.release(outcome);
        }
        await this.#applyAuth(hop, request.url, options);
      }
    } catch (error) {
      if (timeout.signal.aborted && !signal?.aborted) throw timeout.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Reads an answer's rate-limit headers and pauses its origin: a rate-limited answer for the
   * wait it asks (else the first backoff wait; `request()` extends that to its own backoff), an
   * exhausted window (remaining 0, reset known) until the reset, whatever the status.
   */
  #rateLimitOf(response: Response, url: URL): RateLimitVerdict {
    const verdict = rateLimitVerdict(
      response.status,
      readRateLimitHeaders(response.headers, this.#deps.now()),
    );
    // Set before the answer's place is given back, so that no queued request slips out first.
    const pauseMs = verdict.limited
      ? verdict.waitMs ?? this.#backoffBaseMs
      : verdict.exhaustedForMs;
    if (pauseMs !== undefined) this.#limits.pause(url.origin, pauseMs, verdict.reason);
    return verdict;
  }

  /** Where a redirect leads; a `Location` that is no URL fails the request (not retried). */
  #redirectTarget(response: Response, from: URL, auth: Auth | undefined): URL | undefined {
    try {
      return redirectTarget(response, from);
    } catch {
      throw new HttpError(
        this.#mask(
          `${maskUrl(from)} answered ${response.status} with a Location that is not a URL: ${
            maskUrl(response.headers.get("location") ?? "")
          }`,
          auth,
        ),
        response.status,
        this.#maskUrl(from, auth),
      );
    }
  }

  /** The headers of one hop: the request's, plus the client's defaults. */
  #headersOf(hop: HttpRequest, body: EncodedBody | undefined): Headers {
    const headers = new Headers(hop.headers);
    if (!headers.has("accept")) headers.set("accept", "application/json");
    if (!headers.has("user-agent")) headers.set("user-agent", this.#userAgent);
    if (body && !headers.has("content-type")) headers.set("content-type", body.contentType);
    return headers;
  }

  /** Turns the final answer into a response, `undefined` (ignored) or an error. */
  #finish(
    request: HttpRequest,
    sent: Sent,
    attempts: number,
    options: RequestOptions,
    gaveUp?: string,
  ): HttpResponse | undefined {
    const { auth, responseActions } = options;
    const { response, text, url } = sent;
    const maskedUrl = this.#maskUrl(url, auth);
    const status = response.status;
    if (responseActions && responseActions.length > 0) {
      const action = matchResponseAction(responseActions, status, text);
      if (action) {
        this.#logger.info(
          `Ignoring response ${status} of ${request.method} ${maskedUrl} (response_actions)`,
        );
        return undefined;
      }
    }
    if (status >= 400) {
      // Masked before it is cut and its whitespace squeezed, which would split a secret.
      const excerpt = bodyExcerpt(this.#mask(text.slice(0, EXCERPT_SOURCE_CHARS), auth));
      let message = statusErrorMessage(
        status,
        statusText(status, response.statusText),
        maskedUrl,
        excerpt,
      );
      if (gaveUp) message += ` (gave up after ${plural(attempts, "attempt")}: ${gaveUp})`;
      else if (attempts > 1) message += ` (gave up after ${plural(attempts, "attempt")})`;
      throw new HttpError(this.#mask(message, auth), status, maskedUrl);
    }
    const body = parseJsonBody(
      text,
      status,
      response.headers.get("content-type"),
      `${request.method} ${maskedUrl}`,
      (t) => this.#mask(t, auth),
    );
    return { status, headers: response.headers, url, body, bytes: text.length };
  }

  #maskUrl(url: URL, auth: Auth | undefined): string {
    return this.#mask(maskUrl(url), auth);
  }

  #mask(text: string, auth: Auth | undefined): string {
    const masked = this.#masker ? this.#masker.mask(text) : text;
    return auth ? this.#authMasker(auth).mask(masked) : masked;
  }

  /** A masker of the auth's secrets in every spelling, the same rules as the CLI's masker. */
  #authMasker(auth: Auth): SecretMasker {
    const secrets = auth.secrets();
    const key = secrets.join("\0");
    let entry = this.#authMaskers.get(auth);
    if (entry?.key !== key) {
      const masker = new SecretMasker();
      for (const secret of secrets) masker.add(secret);
      entry = { key, masker };
      this.#authMaskers.set(auth, entry);
    }
    return entry.masker;
  }
}

/** What one attempt got: the final response (after redirects), its body and its URL. */
interface Sent {
  response: Response;
  text: string;
  url: URL;
  /** What the answer's rate-limit headers say. */
  rateLimit: RateLimitVerdict;
}

/** How much of an error body is masked and then excerpted (the excerpt is far shorter). */
const EXCERPT_SOURCE_CHARS = 16_384;

/** A copy of `request` at `url`, so auth and redirects never change the caller's request. */
function copyRequest(request: HttpRequest, url: URL): HttpRequest {
  const copy: HttpRequest = {
    method: request.method,
    url: new URL(url),
    headers: new Headers(request.headers),
  };
  if (request.json !== undefined) copy.json = request.json;
  if (request.data !== undefined) copy.data = request.data;
  return copy;
}

interface EncodedBody {
  text: string;
  contentType: string;
}

function encodeBody(request: HttpRequest): EncodedBody | undefined {
  const hasJson = request.json !== undefined;
  const hasData = request.data !== undefined;
  if (!hasJson && !hasData) return undefined;
  if (request.method === "GET") {
    throw new ConfigError(
      `A GET request cannot send a ${
        hasJson ? "json" : "data"
      } body (${request.url.pathname}); set method: POST or use params`,
    );
  }
  if (hasJson && hasData) {
    throw new ConfigError(
      `A request cannot send both json and data (${request.url.pathname}); keep one of them`,
    );
  }
  // Exact numbers: a cursor past 2^53 from the last page goes back with all its digits.
  if (hasJson) return { text: stringifyJson(request.json), contentType: "application/json" };
  return {
    text: new URLSearchParams(request.data).toString(),
    contentType: "application/x-www-form-urlencoded",
  };
}

function positive(name: string, value: number, integer = false): number {
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new ConfigError(
      `HTTP client option ${name} must be a positive ${
        integer ? "integer" : "number"
      }, got ${value}`,
    );
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0)) {
    throw new ConfigError(`HTTP client option ${name} must be 0 or more, got ${value}`);
  }
  return value;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
