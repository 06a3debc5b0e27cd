/**
 * Masking of credentials in URLs before they reach a message, log line or trace.
 *
 * @module
 */

import { MASK } from "./secret_masker.ts";

/** Query parameter names (lower case) whose values dlt masks in URLs. */
export const SENSITIVE_QUERY_PARAMS: ReadonlySet<string> = new Set([
  "api_key",
  "token",
  "key",
  "access_token",
  "apikey",
  "api-key",
  "access-token",
  "secret",
  "password",
  "pwd",
  "client_secret",
]);

/**
 * Replaces the values of sensitive query parameters (names compared case-insensitively) and
 * the password of a `user:password@` part with `***`. Everything else is kept byte for byte,
 * so relative URLs and unusual encodings survive.
 *
 * @example Usage
 * ```ts
 * import { maskUrl } from "./mask_url.ts";
 * import { equal } from "node:assert/strict";
 *
 * equal(
 *   maskUrl("https://api.example.com/items?page=2&API_KEY=abc"),
 *   "https://api.example.com/items?page=2&API_KEY=***",
 * );
 * ```
 *
 * @param url The URL.
 * @returns The URL as text, credentials masked.
 */
export function maskUrl(url: string | URL): string {
  const text = typeof url === "string" ? url : url.href;
  const hashAt = text.indexOf("#");
  const beforeHash = hashAt === -1 ? text : text.slice(0, hashAt);
  const hash = hashAt === -1 ? "" : text.slice(hashAt);
  const queryAt = beforeHash.indexOf("?");
  const base = maskUserInfo(queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt));
  if (queryAt === -1) return base + hash;
  const query = beforeHash.slice(queryAt + 1).split("&").map(maskParam).join("&");
  return `${base}?${query}${hash}`;
}

function maskParam(param: string): string {
  const eq = param.indexOf("=");
  if (eq === -1) return param;
  const rawName = param.slice(0, eq);
  return SENSITIVE_QUERY_PARAMS.has(decodeName(rawName).toLowerCase())
    ? `${rawName}=${MASK}`
    : param;
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll("+", " "));
  } catch {
    return raw;
  }
}

/** `scheme://user:password@host` -> `scheme://user:***@host`. */
function maskUserInfo(base: string): string {
  return base.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#@]+@/i, `$1:${MASK}@`);
}
