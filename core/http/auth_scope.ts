/**
 * Where credentials may go: the origin (scheme, host, port) of `client.base_url` and the
 * origins listed in `client.auth_hosts`. A next page link, a redirect or an absolute endpoint
 * path leading anywhere else gets the request without credentials.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";

/** Options of an {@linkcode AuthScope}. */
export interface AuthScopeOptions {
  /** `client.auth_hosts` entries (see {@linkcode parseAuthHost}). @default [] */
  authHosts?: readonly string[];
  /**
   * Told once per origin when {@linkcode AuthScope.permits} refuses it: a request goes there
   * without credentials. `resource` is the resource that asked first, when known.
   */
  onWithheld?: (origin: string, resource: string | undefined) => void;
}

/**
 * The origins credentials are sent to. Origins compare exactly (scheme, host and port),
 * default ports normalised: `https://api.test:443` is `https://api.test`, `http://api.test`
 * is another origin. The HTTP client asks {@linkcode AuthScope.permits} before it applies
 * auth to a request or to a redirect's next hop.
 *
 * @example Usage
 * ```ts
 * import { AuthScope } from "./auth_scope.ts";
 * import { equal } from "node:assert/strict";
 *
 * const scope = new AuthScope("https://api.example.com/v1/", { authHosts: ["files.example.com"] });
 * equal(scope.allows(new URL("https://api.example.com:443/v1/items?page=2")), true);
 * equal(scope.allows(new URL("https://files.example.com/x")), true);
 * equal(scope.allows(new URL("https://cdn.example.com/x")), false);
 * ```
 */
export class AuthScope {
  readonly #origins: Set<string>;
  readonly #onWithheld?: AuthScopeOptions["onWithheld"];
  // Origins already reported, so the warning comes once per origin, not once per page.
  readonly #withheld = new Set<string>();

  /**
   * @param baseUrl `client.base_url`; its origin always gets credentials.
   * @param options more origins (`client.auth_hosts`) and the hook told of refusals.
   * @throws {ConfigError} when `baseUrl` is not a URL or an entry is not an origin.
   */
  constructor(baseUrl: string | URL, options: AuthScopeOptions = {}) {
    let base: URL;
    try {
      base = new URL(baseUrl);
    } catch (error) {
      throw new ConfigError(`client.base_url ${JSON.stringify(String(baseUrl))} is not a URL`, {
        cause: error,
      });
    }
    this.#origins = new Set([base.origin]);
    for (const entry of options.authHosts ?? []) {
      this.#origins.add(parseAuthHost(entry, base.protocol));
    }
    this.#onWithheld = options.onWithheld;
  }

  /** The origins that get credentials, `client.base_url`'s first. */
  get origins(): string[] {
    return [...this.#origins];
  }

  /** Whether a request to `url` may carry credentials. */
  allows(url: URL): boolean {
    return this.#origins.has(url.origin);
  }

  /**
   * Like {@linkcode AuthScope.allows}, and tells `onWithheld` the first time an origin is
   * refused.
   *
   * @param url where the request goes.
   * @param resource the resource it is made for, for the message.
   * @returns whether credentials may be applied.
   */
  permits(url: URL, resource?: string): boolean {
    if (this.allows(url)) return true;
    if (!this.#withheld.has(url.origin)) {
      this.#withheld.add(url.origin);
      this.#onWithheld?.(url.origin, resource);
    }
    return false;
  }
}

/** How an origin is to be written in `client.auth_hosts`, for messages. */
export const AUTH_HOST_FORMS =
  "write an origin such as https://api2.example.com or a host[:port] such as api2.example.com:8443";

/**
 * Reads one `client.auth_hosts` entry: an origin (`https://api2.example.com`,
 * `http://127.0.0.1:8080`, a trailing `/` allowed) or a bare `host[:port]`, which takes the
 * scheme of `client.base_url`. No paths, credentials, query strings or wildcards.
 *
 * @param entry the entry as written.
 * @param scheme the scheme of `client.base_url`, for a bare host (`"https:"`).
 * @returns the origin, e.g. `https://api2.example.com`.
 * @throws {ConfigError} naming the entry and what is wrong with it.
 */
export function parseAuthHost(entry: string, scheme = "https:"): string {
  const read = readAuthHost(entry, scheme);
  if ("origin" in read) return read.origin;
  throw new ConfigError(
    `client.auth_hosts entry ${JSON.stringify(entry)} ${read.problem}; ${AUTH_HOST_FORMS}`,
  );
}

/**
 * Like {@linkcode parseAuthHost}, without throwing.
 *
 * @returns the origin, or what is wrong with the entry (`has a path, query or fragment`).
 */
export function readAuthHost(
  entry: string,
  scheme = "https:",
): { origin: string } | { problem: string } {
  if (entry.trim() === "") return { problem: "is empty" };
  if (entry.includes("*")) {
    return { problem: "has a wildcard, which is not supported (list each origin)" };
  }
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry);
  let url: URL;
  try {
    url = new URL(hasScheme ? entry : `${scheme}//${entry}`);
  } catch {
    return { problem: "is not a valid origin" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return {
      problem: `has the scheme ${url.protocol.slice(0, -1)}; only http and https get credentials`,
    };
  }
  if (url.username !== "" || url.password !== "") return { problem: "must not hold credentials" };
  const rest = hasScheme ? entry.replace(/^[^:]+:\/\/[^/?#]*/, "") : entry.match(/[/?#].*$/)?.[0];
  if (rest !== undefined && rest !== "" && rest !== "/") {
    return { problem: "has a path, query or fragment" };
  }
  return { origin: url.origin };
}
