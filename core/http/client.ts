/**
 * The HTTP client: sends one `HttpRequest`, retrying on 429, 5xx, connection errors and
 * timeouts with exponential backoff (honouring `Retry-After`), applies `response_actions`,
 * parses JSON and turns failures into clear, secret-free errors.
 *
 * @module
 */

import denoConfig from "../../deno.json" with { type: "json" };
import { MASK, maskUrl } from "../config/mod.ts";
import { defaultDeps, type Deps } from "../deps.ts";
import { ConfigError, HttpError } from "../errors.ts";
import { type EventSink, noEvents } from "../events.ts";
import { stringifyJson } from "../json/mod.ts";
import { type Logger, silentLogger } from "../log.ts";
import { backoffMs, parseRetryAfter } from "./_backoff.ts";
import { describeFetchFailure } from "./_failure.ts";
import {
  bodyExcerpt,
  matchResponseAction,
  parseJsonBody,
  statusErrorMessage,
} from "./_response.ts";
import { statusText } from "./_status_text.ts";
import type { Auth, HttpRequest, HttpResponse, ResponseAction } from "./types.ts";

/** Something that hides secret values in text (the CLI's `SecretMasker`). */
export interface TextMasker {
  mask(text: string): string;
}

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
  /** Longest wait between attempts (also caps `Retry-After`), in ms. @default 300000 */
  maxBackoffMs?: number;
  /** Receives one warning per retry. @default silentLogger */
  logger?: Logger;
  /** Applied to every message and URL the client produces. */
  masker?: TextMasker;
  /** Sent when the request has no `User-Agent`. @default "dltx/<version>" */
  userAgent?: string;
  /** Receives a `request` event per attempt and a `rate_limit_wait` per retry wait. @default noEvents */
  onEvent?: EventSink;
}

/** Options of one {@linkcode HttpClient.request} call. */
export interface RequestOptions {
  /** dlt's `response_actions`; a match with `action: "ignore"` makes `request` return `undefined`. */
  responseActions?: readonly ResponseAction[];
  /** Aborts the request and any wait between attempts. */
  signal?: AbortSignal;
  /** Applied before every attempt (so an expired OAuth2 token is renewed); its secrets are masked. */
  auth?: Auth;
  /** The resource the request is made for, named in its events. */
  resource?: string;
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
  readonly #maxBackoffMs: number;
  readonly #logger: Logger;
  readonly #masker?: TextMasker;
  readonly #userAgent: string;
  readonly #onEvent: EventSink;

  /**
   * @param options timeouts, retries, logging, masking and injectable I/O.
   * @throws {ConfigError} when a number option is out of range.
   */
  constructor(options: HttpClientOptions = {}) {
    this.#deps = options.deps ?? defaultDeps;
    this.#timeoutMs = positive("timeoutMs", options.timeoutMs ?? 60_000);
    this.#maxAttempts = positive("maxAttempts", options.maxAttempts ?? 5, true);
    this.#backoffBaseMs = nonNegative("backoffBaseMs", options.backoffBaseMs ?? 1000);
    this.#maxBackoffMs = nonNegative("maxBackoffMs", options.maxBackoffMs ?? 300_000);
    this.#logger = options.logger ?? silentLogger;
    this.#masker = options.masker;
    this.#userAgent = options.userAgent ?? `dltx/${denoConfig.version}`;
    this.#onEvent = options.onEvent ?? noEvents;
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
    const { signal, auth, resource } = options;
    const body = encodeBody(request);
    for (let attempt = 1;; attempt++) {
      signal?.throwIfAborted();
      if (auth) await auth.apply(request, signal);
      const url = this.#maskUrl(request.url, auth);
      const label = `${request.method} ${url}`;
      this.#logger.debug(label);
      let failure: string;
      let retryAfterMs: number | undefined;
      // Status 0 in events: no response arrived (connection error, timeout).
      let status = 0;
      const started = performance.now();
      const requestEvent = () =>
        this.#onEvent({
          type: "request",
          resource,
          method: request.method,
          url,
          status,
          ms: Math.round(performance.now() - started),
          attempt,
        });
      try {
        const { response, text } = await this.#send(request, body, signal);
        status = response.status;
        requestEvent();
        if (!isRetryableStatus(response.status) || attempt >= this.#maxAttempts) {
          return this.#finish(request, response, text, attempt, options);
        }
        failure = `${response.status} ${statusText(response.status, response.statusText)}`;
        retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), this.#deps.now());
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        const timedOut = error instanceof AttemptTimeout;
        // Deno's fetch throws TypeError for network failures; anything else is not ours to retry.
        if (!timedOut && !(error instanceof TypeError)) throw error;
        requestEvent();
        failure = timedOut
          ? `timed out after ${seconds(this.#timeoutMs)}`
          : describeFetchFailure(error, request.url);
        if (attempt >= this.#maxAttempts) {
          // No `cause`: fetch's own message contains the unmasked URL.
          throw new HttpError(
            this.#mask(`${label} failed after ${plural(attempt, "attempt")}: ${failure}`, auth),
            0,
            this.#maskUrl(request.url, auth),
          );
        }
      }
      const waitMs = Math.min(
        retryAfterMs ?? backoffMs(attempt, this.#backoffBaseMs, this.#maxBackoffMs),
        this.#maxBackoffMs,
      );
      this.#logger.warn(this.#mask(
        `${label} failed: ${failure} (attempt ${attempt}/${this.#maxAttempts}); waiting ${
          seconds(waitMs)
        } before retrying`,
        auth,
      ));
      this.#onEvent({
        type: "rate_limit_wait",
        resource,
        url,
        status,
        seconds: waitMs / 1000,
        attempt,
      });
      await this.#deps.sleep(waitMs, signal);
    }
  }

  /** One attempt: fetch and read the whole body within the timeout. */
  async #send(
    request: HttpRequest,
    body: EncodedBody | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ response: Response; text: string }> {
    const headers = new Headers(request.headers);
    if (!headers.has("accept")) headers.set("accept", "application/json");
    if (!headers.has("user-agent")) headers.set("user-agent", this.#userAgent);
    if (body && !headers.has("content-type")) headers.set("content-type", body.contentType);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new AttemptTimeout()), this.#timeoutMs);
    try {
      const response = await this.#deps.fetch(request.url, {
        method: request.method,
        headers,
        body: body?.text,
        signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
        redirect: "follow",
      });
      // Reading the body to the end (also for errors and retries) lets the connection be reused.
      const text = await response.text();
      return { response, text };
    } catch (error) {
      if (timeout.signal.aborted && !signal?.aborted) throw timeout.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Turns the final answer into a response, `undefined` (ignored) or an error. */
  #finish(
    request: HttpRequest,
    response: Response,
    text: string,
    attempts: number,
    options: RequestOptions,
  ): HttpResponse | undefined {
    const { auth, responseActions } = options;
    const url = response.url ? new URL(response.url) : request.url;
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
      const excerpt = bodyExcerpt(text);
      let message = statusErrorMessage(
        status,
        statusText(status, response.statusText),
        maskedUrl,
        excerpt,
      );
      if (attempts > 1) message += ` (gave up after ${plural(attempts, "attempt")})`;
      throw new HttpError(this.#mask(message, auth), status, maskedUrl);
    }
    const body = parseJsonBody(
      text,
      status,
      response.headers.get("content-type"),
      `${request.method} ${maskedUrl}`,
      (t) => this.#mask(t, auth),
    );
    return { status, headers: response.headers, url, body };
  }

  #maskUrl(url: URL, auth: Auth | undefined): string {
    return this.#mask(maskUrl(url), auth);
  }

  #mask(text: string, auth: Auth | undefined): string {
    let masked = this.#masker ? this.#masker.mask(text) : text;
    if (auth) {
      for (const secret of auth.secrets()) {
        // Very short values would mask unrelated text; the masker handles configured secrets.
        if (secret.length < 4) continue;
        masked = masked.replaceAll(secret, MASK).replaceAll(encodeURIComponent(secret), MASK);
      }
    }
    return masked;
  }
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

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(s < 1 ? 3 : 1).replace(/\.?0+$/, "")}s`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
