/**
 * Redirects, followed by the client itself rather than by `fetch`, so credentials are applied
 * per hop: `fetch` drops `Authorization` and `Cookie` when a redirect leaves the origin, but
 * keeps every other header (an API key in `X-API-Key` would go along to the other host).
 *
 * @module
 */

/** Most redirects one attempt follows, as `fetch`. */
export const MAX_REDIRECTS = 20;

/** Headers that carry credentials of their own; dropped once a redirect leaves the origin. */
export const CREDENTIAL_HEADERS: readonly string[] = [
  "authorization",
  "cookie",
  "proxy-authorization",
];

/**
 * Where a response redirects to, as `fetch` reads it.
 *
 * @param response the answer.
 * @param from the URL it answered, to resolve a relative `Location`.
 * @returns the next URL; `undefined` when the response is not a redirect (or has no
 *   `Location`, which `fetch` also hands back as it is).
 * @throws {TypeError} when `Location` is not a URL.
 */
export function redirectTarget(response: Response, from: URL): URL | undefined {
  if (![301, 302, 303, 307, 308].includes(response.status)) return undefined;
  const location = response.headers.get("location");
  if (location === null) return undefined;
  return new URL(location, from);
}

/**
 * The method of the request that follows a redirect (the Fetch standard's rules): 303 turns
 * anything into GET, 301 and 302 turn POST into GET; the body goes only where the method stays.
 *
 * @param status the redirect's status.
 * @param method the method that was redirected.
 * @returns the next method and whether the body is sent again.
 */
export function redirectedMethod<M extends string>(
  status: number,
  method: M,
): { method: M | "GET"; keepBody: boolean } {
  if (
    (status === 303 && method !== "GET") ||
    ((status === 301 || status === 302) && method === "POST")
  ) {
    return { method: "GET", keepBody: false };
  }
  return { method, keepBody: true };
}
