/**
 * HTTP basic auth (dlt `http_basic`).
 *
 * @module
 */

import type { Auth, HttpRequest } from "../types.ts";
import { requireString } from "./_fields.ts";

/** Config of {@linkcode HttpBasicAuth}: dlt's keys. */
export interface HttpBasicAuthConfig {
  type: "http_basic";
  username: string;
  password: string;
}

/**
 * Sends `Authorization: Basic base64(username:password)` (UTF-8).
 *
 * @example Usage
 * ```ts
 * import { HttpBasicAuth } from "./http_basic.ts";
 * const auth = new HttpBasicAuth({ type: "http_basic", username: "u", password: "p" });
 * const request = { method: "GET" as const, url: new URL("https://x.test/"), headers: new Headers() };
 * await auth.apply(request);
 * request.headers.get("authorization"); // "Basic dTpw"
 * ```
 */
export class HttpBasicAuth implements Auth {
  readonly #password: string;
  readonly #header: string;

  /**
   * @param config `{ username, password }`; the password may be empty, the username not.
   * @throws {ConfigError} when `username` is missing or `password` is not a string.
   */
  constructor(config: HttpBasicAuthConfig) {
    const username = requireString("http_basic", config, "username");
    // An empty password is legitimate for some APIs (the key goes in the username).
    this.#password = config.password === "" ? "" : requireString("http_basic", config, "password");
    this.#header = `Basic ${base64(`${username}:${this.#password}`)}`;
  }

  /** Sets the `Authorization` header. */
  apply(request: HttpRequest): Promise<void> {
    request.headers.set("authorization", this.#header);
    return Promise.resolve();
  }

  /**
   * @returns the password and the encoded credentials: base64 as sent, and without its `=`
   *   padding and in base64url, as a server or a log may echo them.
   */
  secrets(): string[] {
    const encoded = this.#header.slice("Basic ".length);
    const unpadded = encoded.replace(/=+$/, "");
    const url = unpadded.replaceAll("+", "-").replaceAll("/", "_");
    const spellings = [...new Set([encoded, unpadded, url])];
    return this.#password === "" ? spellings : [this.#password, ...spellings];
  }
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
