/**
 * Fetches plugin files and registry metadata: one GET, a time limit, a size limit, and
 * errors that say which URL failed and why.
 *
 * @module
 */

import { HttpError, UserError } from "../core/errors.ts";

/** A plugin file is source code; anything this big is not one. */
const MAX_BYTES = 10 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

/** How to fetch. */
export interface FetchOptions {
  fetch: typeof fetch;
  signal?: AbortSignal;
  /** Names the thing fetched in errors: `the JSR registry`, `connector plugin`. */
  what: string;
}

/**
 * Only https, except plain http to this machine (test servers, local registries): plugin
 * code fetched over plain http could be swapped on the way.
 *
 * @throws {UserError} for another scheme or http to another host.
 */
export function checkFetchable(url: URL, spec: string): void {
  if (url.protocol === "https:") return;
  if (url.protocol === "http:" && isLoopback(url.hostname)) return;
  const hint = url.protocol === "http:" ? `; use https://${url.host}${url.pathname}` : "";
  throw new UserError(
    `Cannot fetch ${spec}: only https:// URLs are allowed (http:// only for 127.0.0.1 and ` +
      `localhost)${hint}`,
  );
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * GETs a URL and returns the body.
 *
 * @returns the body bytes.
 * @throws {HttpError} when the server cannot be reached (status 0) or answers non-2xx.
 */
export async function fetchBytes(url: URL, options: FetchOptions): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await options.fetch(url, { signal, redirect: "follow" });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const reason = timeout.aborted
      ? `no answer within ${TIMEOUT_MS / 1000} seconds`
      : (error as Error).message;
    throw new HttpError(
      `Cannot reach ${options.what} at ${url.href}: ${reason}`,
      0,
      url.href,
      { cause: error },
    );
  }
  // A redirect must not leave https (or loopback http) behind.
  if (response.redirected) {
    try {
      checkFetchable(new URL(response.url), `${url.href} (redirected to ${response.url})`);
    } catch (error) {
      await response.body?.cancel();
      throw error;
    }
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new HttpError(
      `Cannot fetch ${options.what}: GET ${url.href} returned ${response.status}` +
        (response.statusText ? ` ${response.statusText}` : ""),
      response.status,
      url.href,
    );
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_BYTES) {
    throw new UserError(
      `Cannot fetch ${options.what}: ${url.href} is ${bytes.length} bytes, more than the ` +
        `${MAX_BYTES} a plugin file may have`,
    );
  }
  return bytes;
}

/** GETs a URL and parses its body as JSON. */
export async function fetchJson(url: URL, options: FetchOptions): Promise<unknown> {
  const bytes = await fetchBytes(url, options);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new UserError(
      `Cannot read ${options.what}: ${url.href} is not valid JSON (${(error as Error).message})`,
      { cause: error },
    );
  }
}
