/**
 * API key auth (dlt `api_key`): the key verbatim in a header (default `Authorization`), a
 * query parameter or a cookie.
 *
 * @module
 */

import { ConfigError } from "../../errors.ts";
import type { Auth, HttpRequest } from "../types.ts";
import { requireString } from "./_fields.ts";

/** Where the key goes. dlt also calls `query` `param`. */
export type ApiKeyLocation = "header" | "query" | "cookie";

/** Config of {@linkcode ApiKeyAuth}: dlt's keys. */
export interface ApiKeyAuthConfig {
  type: "api_key";
  /** Header, query param or cookie name. @default "Authorization" */
  name?: string;
  api_key: string;
  /** @default "header" */
  location?: ApiKeyLocation;
}

const LOCATIONS = ["header", "query", "cookie"];

/**
 * Puts an API key into each request.
 *
 * @example Usage
 * ```ts
 * import { ApiKeyAuth } from "./api_key.ts";
 * const auth = new ApiKeyAuth({ type: "api_key", name: "api_key", api_key: "k", location: "query" });
 * const request = { method: "GET" as const, url: new URL("https://x.test/items"), headers: new Headers() };
 * await auth.apply(request);
 * request.url.href; // "https://x.test/items?api_key=k"
 * ```
 */
export class ApiKeyAuth implements Auth {
  readonly #name: string;
  readonly #apiKey: string;
  readonly #location: ApiKeyLocation;

  /**
   * @param config `{ name, api_key, location }`.
   * @throws {ConfigError} when `api_key` is missing or `location` is unknown.
   */
  constructor(config: ApiKeyAuthConfig) {
    this.#apiKey = requireString("api_key", config, "api_key");
    this.#name = config.name === undefined
      ? "Authorization"
      : requireString("api_key", config, "name");
    const location: string = config.location ?? "header";
    if (location === "param") this.#location = "query";
    else if (LOCATIONS.includes(location)) this.#location = location as ApiKeyLocation;
    else {
      throw new ConfigError(
        `Auth api_key has an unknown location "${location}"; expected one of ${
          LOCATIONS.join(", ")
        }`,
      );
    }
  }

  /** Adds the key; applying twice leaves one copy. */
  apply(request: HttpRequest): Promise<void> {
    switch (this.#location) {
      case "header":
        request.headers.set(this.#name, this.#apiKey);
        break;
      case "query":
        request.url.searchParams.set(this.#name, this.#apiKey);
        break;
      case "cookie":
        request.headers.set(
          "cookie",
          mergeCookie(request.headers.get("cookie"), this.#name, this.#apiKey),
        );
        break;
    }
    return Promise.resolve();
  }

  /** @returns the key. */
  secrets(): string[] {
    return [this.#apiKey];
  }
}

/** Adds `name=value` to a Cookie header, replacing a cookie of the same name. */
function mergeCookie(existing: string | null, name: string, value: string): string {
  const others = (existing ?? "").split(";").map((part) => part.trim()).filter((part) =>
    part !== "" && cookieName(part) !== name
  );
  others.push(`${name}=${value}`);
  return others.join("; ");
}

function cookieName(pair: string): string {
  const eq = pair.indexOf("=");
  return (eq < 0 ? pair : pair.slice(0, eq)).trim();
}
