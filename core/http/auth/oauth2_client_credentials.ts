/**
 * OAuth2 client credentials (dlt `oauth2_client_credentials`): fetches an access token with a
 * form POST to `access_token_url` and renews it when it expires.
 *
 * @module
 */

import { maskUrl, SecretMasker } from "../../config/mod.ts";
import { defaultDeps, type Deps } from "../../deps.ts";
import { ConfigError, HttpError } from "../../errors.ts";
import { HttpClient } from "../client.ts";
import type { Auth, HttpRequest } from "../types.ts";
import { requireString } from "./_fields.ts";

/** Config of {@linkcode OAuth2ClientCredentialsAuth}: dlt's keys. */
export interface OAuth2ClientCredentialsConfig {
  type: "oauth2_client_credentials";
  access_token_url: string;
  client_id: string;
  client_secret: string;
  /** Extra form fields of the token request (e.g. `scope`, `audience`). */
  access_token_request_data?: Record<string, string>;
  /** Token lifetime in seconds when the token response has no `expires_in`. @default 3600 */
  default_token_expiration?: number;
}

/** What the auth needs of a client: one request method (an {@linkcode HttpClient}). */
export type TokenClient = Pick<HttpClient, "request">;

/** Options of {@linkcode OAuth2ClientCredentialsAuth}. */
export interface OAuth2Options {
  /** Sends the token request (with retries). @default a new HttpClient with `deps` */
  client?: TokenClient;
  /** The clock decides when the token expired. @default defaultDeps */
  deps?: Deps;
}

/**
 * Sends `Authorization: Bearer <access token>`, getting the token as dlt does: a form POST of
 * `grant_type=client_credentials`, `client_id`, `client_secret` and
 * `access_token_request_data` to `access_token_url`; reads `access_token` and `expires_in`.
 *
 * @example Usage
 * ```ts
 * import { OAuth2ClientCredentialsAuth } from "./oauth2_client_credentials.ts";
 * const auth = new OAuth2ClientCredentialsAuth({
 *   type: "oauth2_client_credentials",
 *   access_token_url: "https://auth.example.com/token",
 *   client_id: "id",
 *   client_secret: "secret",
 * });
 * // await auth.apply(request) fetches the token on first use.
 * ```
 */
export class OAuth2ClientCredentialsAuth implements Auth {
  readonly #tokenUrl: URL;
  readonly #form: Record<string, string>;
  readonly #clientSecret: string;
  readonly #defaultExpirationS: number;
  readonly #deps: Deps;
  readonly #client: TokenClient;
  #token: string | undefined;
  #expiresAt = 0;
  // Concurrent requests share one token fetch instead of each starting their own.
  #pending: Promise<string> | undefined;

  /**
   * @param config dlt's keys.
   * @param options the client sending the token request and the clock.
   * @throws {ConfigError} when a field is missing or `access_token_url` is not a URL.
   */
  constructor(config: OAuth2ClientCredentialsConfig, options: OAuth2Options = {}) {
    const kind = "oauth2_client_credentials";
    const tokenUrl = requireString(kind, config, "access_token_url");
    if (!URL.canParse(tokenUrl)) {
      throw new ConfigError(
        `Auth ${kind} needs an absolute "access_token_url"; got "${maskUrl(tokenUrl)}"`,
      );
    }
    this.#tokenUrl = new URL(tokenUrl);
    this.#clientSecret = requireString(kind, config, "client_secret");
    this.#form = {
      client_id: requireString(kind, config, "client_id"),
      client_secret: this.#clientSecret,
      grant_type: "client_credentials",
      ...stringValues(config.access_token_request_data),
    };
    const expiration = config.default_token_expiration ?? 3600;
    if (!(typeof expiration === "number" && expiration >= 0)) {
      throw new ConfigError(
        `Auth ${kind} "default_token_expiration" must be a number of seconds; got ${expiration}`,
      );
    }
    this.#defaultExpirationS = expiration;
    this.#deps = options.deps ?? defaultDeps;
    this.#client = options.client ?? new HttpClient({ deps: this.#deps });
  }

  /**
   * Sets the `Authorization` header, fetching a token first when there is none or it expired.
   * @throws {HttpError} when the token request fails or its answer has no `access_token`.
   */
  async apply(request: HttpRequest, signal?: AbortSignal): Promise<void> {
    const token = await this.#currentToken(signal);
    request.headers.set("authorization", `Bearer ${token}`);
  }

  /** @returns the client secret and the current access token. */
  secrets(): string[] {
    return this.#token === undefined ? [this.#clientSecret] : [this.#clientSecret, this.#token];
  }

  #currentToken(signal: AbortSignal | undefined): Promise<string> {
    if (this.#token !== undefined && this.#deps.now().getTime() < this.#expiresAt) {
      return Promise.resolve(this.#token);
    }
    this.#pending ??= this.#obtainToken(signal).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #obtainToken(signal: AbortSignal | undefined): Promise<string> {
    const url = new URL(this.#tokenUrl);
    const where = maskUrl(url);
    let response;
    try {
      response = await this.#client.request(
        { method: "POST", url, headers: new Headers(), data: this.#form },
        { signal },
      );
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      throw new HttpError(
        this.#hideSecret(`Cannot get an OAuth2 access token from ${where}: ${error.message}`),
        error.status,
        where,
        { cause: error },
      );
    }
    const body = response?.body;
    const token = isRecord(body) ? body.access_token : undefined;
    if (typeof token !== "string" || token === "") {
      const keys = isRecord(body) ? Object.keys(body).join(", ") || "none" : typeof body;
      throw new HttpError(
        `OAuth2 token response from ${where} has no "access_token" (got keys: ${keys})`,
        response?.status ?? 0,
        where,
      );
    }
    const expiresIn = Number(isRecord(body) ? body.expires_in ?? this.#defaultExpirationS : NaN);
    const lifetimeS = Number.isFinite(expiresIn) ? expiresIn : this.#defaultExpirationS;
    this.#token = token;
    this.#expiresAt = this.#deps.now().getTime() + lifetimeS * 1000;
    return token;
  }

  // The token server may echo the form: the secret comes back form-encoded, JSON-escaped...
  #hideSecret(text: string): string {
    const masker = new SecretMasker();
    masker.add(this.#clientSecret);
    return masker.mask(text);
  }
}

function stringValues(data: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data ?? {})) {
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
