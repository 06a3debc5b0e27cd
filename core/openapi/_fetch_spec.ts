/**
 * Fetches a spec (or a file it refers to) over the network: https only, or plain http to this
 * machine (a local server, PostgREST on localhost, tests), with a time and a size limit.
 *
 * @module
 */

import { ConfigError, HttpError } from "../errors.ts";

const TIMEOUT_MS = 30_000;
/** GitHub's spec is 13 MB; a spec past this is not one. */
const MAX_BYTES = 100 * 1024 * 1024;
/** PostgREST answers `/` with its OpenAPI only when asked for JSON or OpenAPI. */
const ACCEPT = "application/openapi+json, application/json;q=0.9, application/yaml;q=0.8, " +
  "text/yaml;q=0.8, */*;q=0.5";

/**
 * Whether a URL may be fetched: https, or http to 127.0.0.1, localhost or [::1].
 *
 * @param url the URL.
 * @param label names it in the error.
 * @throws {ConfigError} for another scheme, or http to another host.
 */
export function checkSpecUrl(url: URL, label: string): void {
  if (url.protocol === "https:") return;
  if (url.protocol === "http:" && isLoopback(url.hostname)) return;
  const hint = url.protocol === "http:"
    ? `; use https://${url.host}${url.pathname}, or download the spec and pass its path`
    : "";
  throw new ConfigError(
    `Cannot fetch ${label}: only https:// URLs are fetched (http:// only for 127.0.0.1 and ` +
      `localhost)${hint}`,
  );
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * GETs a URL and returns its text.
 *
 * @param url the URL (checked with {@linkcode checkSpecUrl} first, and again after redirects).
 * @param fetchFn the fetch to use.
 * @returns the body as text.
 * @throws {HttpError} when the server cannot be reached or answers non-2xx.
 * @throws {ConfigError} for a URL that may not be fetched, or a body past the size limit.
 */
export async function fetchSpecText(url: URL, fetchFn: typeof fetch): Promise<string> {
  checkSpecUrl(url, url.href);
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetchFn(url, { signal, redirect: "follow", headers: { accept: ACCEPT } });
  } catch (error) {
    const reason = signal.aborted
      ? `no answer within ${TIMEOUT_MS / 1000} seconds`
      : (error as Error).message;
    throw new HttpError(`Cannot fetch the OpenAPI spec ${url.href}: ${reason}`, 0, url.href, {
      cause: error,
    });
  }
  if (response.redirected) {
    try {
      checkSpecUrl(new URL(response.url), `${url.href} (redirected to ${response.url})`);
    } catch (error) {
      await response.body?.cancel();
      throw error;
    }
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new HttpError(
      `Cannot fetch the OpenAPI spec: GET ${url.href} returned ${response.status}` +
        (response.statusText ? ` ${response.statusText}` : ""),
      response.status,
      url.href,
    );
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_BYTES) {
    throw new ConfigError(
      `Cannot read the OpenAPI spec ${url.href}: it is ${bytes.length} bytes, more than ${MAX_BYTES}`,
    );
  }
  return new TextDecoder().decode(bytes);
}
