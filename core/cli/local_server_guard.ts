/**
 * The checks a server dltx runs on 127.0.0.1 makes before it answers, so that only its own
 * page (and clients given its token) can use it: not another web page the user visits, which
 * may send requests to any local port, nor a DNS-rebinding page, which may even read answers.
 *
 * - `Host` must be one of the server's own names with its port (DNS rebinding sends another).
 * - `Origin`, when sent, must be the server's own (a cross-site `fetch` or form sends theirs).
 * - Every request but the open ones (the page itself) carries the per-start token as
 *   `Authorization: Bearer <token>`, compared in constant time. The token is printed in the
 *   URL dltx opens, as Jupyter does.
 * - A request with a body sends it as `application/json` (a cross-site form or a `no-cors`
 *   fetch can only send `text/plain` and form types without a preflight).
 *
 * Every refusal is a 403 with a short JSON error. No response carries CORS headers, and every
 * one carries `Referrer-Policy: no-referrer`, so no URL leaks to other origins.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import { UserError } from "../errors.ts";

/** Options of {@linkcode createLocalServerGuard}. */
export interface LocalServerGuardOptions {
  /** The port the server listens on. */
  port: number;
  /**
   * The names the server answers to, as they appear in `Host` (`[::1]` for IPv6).
   *
   * @default {["127.0.0.1", "localhost"]}
   */
  hostnames?: readonly string[];
  /** The secret requests carry. @default a new random token ({@linkcode newToken}) */
  token?: string;
}

/** Decides whether a local server may answer a request. */
export interface LocalServerGuard {
  /** The token requests must carry. */
  readonly token: string;
  /** The server's own origins (`http://127.0.0.1:8080`, ...). */
  readonly origins: readonly string[];
  /**
   * The 403 response for a request the server must not answer, or `undefined` when it may.
   *
   * @param options.open the request needs no token (the page that holds none yet)
   */
  refuse(req: Request, options?: { open?: boolean }): Response | undefined;
}

/** Names a local server answers to by default. */
export const LOCAL_HOSTNAMES: readonly string[] = ["127.0.0.1", "localhost"];

/** A new random token: 32 bytes as 64 hex digits (no character a shell or URL must escape). */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Whether `given` equals `expected`, in time that does not depend on where they differ (both
 * are hashed to the same length first).
 */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected)) && expected !== "";
}

/**
 * Builds the guard of a server listening on `options.port`.
 *
 * @throws {RangeError} for a port outside 1..65535 or an empty token
 * @example Usage
 * ```ts
 * import { createLocalServerGuard } from "./local_server_guard.ts";
 * const guard = createLocalServerGuard({ port: 8080, token: "t" });
 * const req = new Request("http://127.0.0.1:8080/api/x", {
 *   headers: { host: "127.0.0.1:8080", authorization: "Bearer t" },
 * });
 * if (guard.refuse(req) !== undefined) throw new Error("unexpected");
 * ```
 */
export function createLocalServerGuard(options: LocalServerGuardOptions): LocalServerGuard {
  const { port, hostnames = LOCAL_HOSTNAMES, token = newToken() } = options;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`port must be a port number from 1 to 65535, got ${port}`);
  }
  if (token === "") throw new RangeError("token must not be empty");
  const hosts = new Set(hostnames.map((h) => `${h}:${port}`.toLowerCase()));
  const origins = hostnames.map((h) => `http://${h}:${port}`.toLowerCase());
  const ownOrigins = new Set(origins);
  return {
    token,
    origins,
    refuse(req, { open = false } = {}) {
      const host = req.headers.get("host");
      if (host === null || !hosts.has(host.toLowerCase())) {
        return forbidden(
          `Host ${JSON.stringify(host ?? "")} is not this server; use ${origins[0]}/`,
        );
      }
      const origin = req.headers.get("origin");
      if (origin !== null && !ownOrigins.has(origin.toLowerCase())) {
        return forbidden(`Requests from origin ${JSON.stringify(origin)} are not allowed`);
      }
      if (!open) {
        const given = bearerToken(req.headers.get("authorization"));
        if (given === undefined) {
          return forbidden("This needs the token of the URL dltx printed (#token=...)");
        }
        if (!tokensEqual(given, token)) {
          return forbidden("Wrong token: use the URL dltx printed when it started");
        }
      }
      if (req.method !== "GET" && req.method !== "HEAD" && !isJson(req)) {
        return forbidden("Send the request body as application/json");
      }
      return undefined;
    },
  };
}

/**
 * Wraps `handler` so `guard` checks every request first and every response leaves with
 * {@linkcode secureHeaders}.
 *
 * @param options.open requests that need no token (the page itself)
 */
export function guardRequests(
  guard: LocalServerGuard,
  handler: (req: Request) => Response | Promise<Response>,
  options: { open?: (req: Request) => boolean } = {},
): (req: Request) => Promise<Response> {
  return async (req) => {
    const refused = guard.refuse(req, { open: options.open?.(req) ?? false });
    return secureHeaders(refused ?? await handler(req));
  };
}

/**
 * `response` without CORS headers and with `Referrer-Policy: no-referrer`,
 * `X-Content-Type-Options: nosniff`, `Cache-Control: no-store` and no framing by other pages.
 */
export function secureHeaders(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const name of [...headers.keys()]) {
    if (name.startsWith("access-control-")) headers.delete(name);
  }
  headers.set("referrer-policy", "no-referrer");
  headers.set("x-content-type-options", "nosniff");
  headers.set("cache-control", "no-store");
  headers.set("x-frame-options", "DENY");
  if (!headers.has("content-security-policy")) {
    headers.set("content-security-policy", "frame-ancestors 'none'");
  }
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

function forbidden(error: string): Response {
  return new Response(JSON.stringify({ error }), {
    status: 403,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/** The token of `Authorization: Bearer <token>`; `undefined` without one. */
function bearerToken(authorization: string | null): string | undefined {
  const m = authorization?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i);
  return m?.[1];
}

/** Whether the body is declared `application/json` (parameters such as charset allowed). */
function isJson(req: Request): boolean {
  const type = req.headers.get("content-type");
  return type !== null && type.split(";")[0].trim().toLowerCase() === "application/json";
}

/**
 * Serves `handler` on 127.0.0.1 behind the guard (the dashboard's and `dltx mcp --http`'s way):
 * listens on `port` (0: any free one), tells `onListening` the port it got, and serves until
 * `signal` aborts.
 *
 * @throws {UserError} when the port is in use
 */
export async function serveGuarded(options: {
  port: number;
  token: string;
  handler: (req: Request) => Response | Promise<Response>;
  /** Requests that may come without the token (a page that holds none). */
  open?: (req: Request) => boolean;
  onListening: (port: number) => void;
  signal?: AbortSignal;
}): Promise<void> {
  const { port, token, handler, open, onListening, signal } = options;
  // The guard needs the port; it is set right after listening, before any request is handled.
  const serving: { handler?: (req: Request) => Promise<Response> } = {};
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve(
      { hostname: "127.0.0.1", port, onListen() {} },
      (req) => serving.handler!(req),
    );
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) {
      throw new UserError(`Port ${port} is in use; pick another with --port, or 0 for any`);
    }
    throw err;
  }
  const guard = createLocalServerGuard({ port: server.addr.port, token });
  serving.handler = guardRequests(guard, handler, { open });
  onListening(server.addr.port);
  const stop = () => server.shutdown();
  if (signal?.aborted) await stop();
  signal?.addEventListener("abort", stop, { once: true });
  await server.finished;
}
