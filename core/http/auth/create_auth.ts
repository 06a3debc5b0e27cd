/**
 * The auth registry: picks the auth kind by `type` (dlt's names; no `type` means bearer).
 *
 * @module
 */

import { ConfigError } from "../../errors.ts";
import type { Auth, AuthConfig } from "../types.ts";
import { ApiKeyAuth } from "./api_key.ts";
import { BearerAuth } from "./bearer.ts";
import { HttpBasicAuth } from "./http_basic.ts";
import { OAuth2ClientCredentialsAuth, type OAuth2Options } from "./oauth2_client_credentials.ts";

/** The auth kinds, in the order error messages list them. */
export const AUTH_TYPES: readonly string[] = [
  "bearer",
  "api_key",
  "http_basic",
  "oauth2_client_credentials",
];

/** Options of {@linkcode createAuth}: used by kinds that make their own requests (OAuth2). */
export type CreateAuthOptions = OAuth2Options;

/**
 * Creates the auth a config describes.
 *
 * @example Usage
 * ```ts
 * import { createAuth } from "./create_auth.ts";
 * const auth = createAuth({ type: "api_key", name: "X-API-Key", api_key: "k" });
 * auth.secrets(); // ["k"]
 * ```
 * @param config dlt's auth config.
 * @param options the client and clock OAuth2 uses for its token requests.
 * @returns the auth.
 * @throws {ConfigError} for an unknown `type` or a missing credential.
 */
export function createAuth(config: AuthConfig, options: CreateAuthOptions = {}): Auth {
  if (typeof config !== "object" || config === null) {
    throw new ConfigError(
      `An auth config must be an object with a "type" (one of ${AUTH_TYPES.join(", ")}); got ${
        config === null ? "null" : typeof config
      }`,
    );
  }
  const type = config.type ?? "bearer";
  switch (config.type) {
    case undefined:
    case "bearer":
      return new BearerAuth(config);
    case "api_key":
      return new ApiKeyAuth(config);
    case "http_basic":
      return new HttpBasicAuth(config);
    case "oauth2_client_credentials":
      return new OAuth2ClientCredentialsAuth(config, options);
    default: {
      // Reached by config that bypassed the types (YAML, JSON): a user error, not a bug.
      const _exhaustive: never = config;
      throw new ConfigError(
        `Unknown auth type ${JSON.stringify(type)}; expected one of ${AUTH_TYPES.join(", ")}`,
      );
    }
  }
}
