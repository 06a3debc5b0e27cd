/**
 * Builders for paginator tests: requests and responses without a network.
 *
 * @module
 */

import type { HttpRequest, HttpResponse } from "../types.ts";

/** A GET request for `url`. */
export function getRequest(url = "https://api.test/items"): HttpRequest {
  return { method: "GET", url: new URL(url), headers: new Headers() };
}

/** A 200 response with a JSON body. */
export function jsonResponse(
  body: unknown,
  options: { headers?: HeadersInit; url?: string } = {},
): HttpResponse {
  return {
    status: 200,
    headers: new Headers(options.headers),
    url: new URL(options.url ?? "https://api.test/items"),
    body,
  };
}
