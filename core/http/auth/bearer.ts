/**
 * Bearer token auth (dlt `bearer`, also the kind of an auth config without `type`).
 *
 * @module
 */

import type { Auth, HttpRequest } from "../types.ts";
import { requireString } from "./_fields.ts";

/** Config of {@linkcode BearerAuth}: dlt's keys. */
export interface BearerAuthConfig {
  type?: "bearer";
  token: string;
}

/**
 * Sends `Authorization: Bearer <token>`.
 *
 * @example Usage
 * ```ts
 * import { BearerAuth } from "./bearer.ts";
 * const auth = new BearerAuth({ token: "t0ken" });
 * const request = { method: "GET" as const, url: new URL("https://x.test/"), headers: new Headers() };
 * await auth.apply(request);
 * request.headers.get("authorization"); // "Bearer t0ken"
 * ```
 */
export class BearerAuth implements Auth {
  readonly #token: string;

  /**
   * @param config `{ token }`.
   * @throws {ConfigError} when `token` is missing or empty.
   */
  constructor(config: BearerAuthConfig) {
    this.#token = requireString("bearer", config, "token");
  }

  /** Sets the `Authorization` header. */
  apply(request: HttpRequest): Promise<void> {
    request.headers.set("authorization", `Bearer ${this.#token}`);
    return Promise.resolve();
  }

  /** @returns the token. */
  secrets(): string[] {
    return [this.#token];
  }
}
