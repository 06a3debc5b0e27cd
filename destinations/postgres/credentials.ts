/**
 * PostgreSQL credentials as dlt reads them: a connection string
 * `postgresql://user:password@host:port/database?connect_timeout=15`, or its parts (`database`,
 * `username`, `password`, `host`, `port`, `connect_timeout`), and the location load info
 * prints, with the password masked.
 *
 * @module
 */

import { ConfigError } from "../../core/errors.ts";

/** Where and as whom to connect. */
export interface PostgresCredentials {
  /** The database to load into. */
  database: string;
  /** The role to connect as. */
  username: string;
  /** Absent for servers that trust the user (`trust` or peer auth). */
  password?: string;
  /** A host name, an IP address, or a folder holding the server's Unix socket. */
  host: string;
  /** The server's port. @default {5432} */
  port?: number;
  /** Seconds to wait for the connection (dlt's `connect_timeout`). @default {15} */
  connectTimeout?: number;
}

/** dlt's default port. */
export const DEFAULT_PORT = 5432;
/** dlt's default connect timeout, in seconds. */
export const DEFAULT_CONNECT_TIMEOUT = 15;

/**
 * Parses a `postgresql://` (or `postgres://`) connection string. User, password and database
 * are percent-decoded; `?connect_timeout=N` and `?host=/socket/folder` are read.
 *
 * @throws {ConfigError} naming the part that is wrong, never the password
 * @example Usage
 * ```ts
 * import { parseConnectionString } from "./credentials.ts";
 * const c = parseConnectionString("postgresql://loader:s%40cret@db.local:5433/dlt_data");
 * if (c.password !== "s@cret" || c.port !== 5433) throw new Error("unexpected");
 * ```
 */
export function parseConnectionString(text: string): Partial<PostgresCredentials> {
  const scheme = text.match(/^([a-z][a-z0-9+.-]*):\/\//i)?.[1]?.toLowerCase();
  if (scheme !== "postgresql" && scheme !== "postgres") {
    throw new ConfigError(
      "The postgres credentials must be a connection string " +
        "postgresql://user:password@host:port/database (or the split keys database, username, " +
        // The value may be a password pasted into the wrong key: never echo it.
        "password, host, port in [destination.postgres.credentials]); got " +
        (scheme ? `a ${scheme}:// URL` : "a value that is no URL"),
    );
  }
  // libpq allows an empty host (`postgresql://u@/db?host=/run/postgresql`); URL does not.
  const noHost = "dltx-no-host.invalid";
  const patched = text.replace(
    /^([a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?)(?=[/?#]|$)/i,
    `$1${noHost}`,
  );
  let url: URL;
  try {
    url = new URL(patched);
  } catch {
    throw new ConfigError(
      "The postgres connection string is not a valid URL: write it as " +
        "postgresql://user:password@host:port/database (percent-encode @ : / in the password)",
    );
  }
  const out: Partial<PostgresCredentials> = {};
  const decode = (s: string, what: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new ConfigError(`The ${what} in the postgres connection string is badly encoded`);
    }
  };
  if (url.username) out.username = decode(url.username, "user name");
  if (url.password) out.password = decode(url.password, "password");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host && host !== noHost) out.host = decode(host, "host");
  if (url.port) out.port = Number(url.port);
  const database = decode(url.pathname.replace(/^\//, ""), "database");
  if (database) out.database = database;
  const socketHost = url.searchParams.get("host");
  if (socketHost) out.host = socketHost;
  const timeout = url.searchParams.get("connect_timeout");
  if (timeout !== null) out.connectTimeout = positiveNumber(timeout, "connect_timeout");
  return out;
}

/**
 * Credentials from a config value, as dlt takes them: a connection string, or a table of
 * dlt's keys (`database`, `username`, `password`, `host`, `port`, `connect_timeout`).
 *
 * @throws {ConfigError} for anything else, or missing or wrong parts
 */
export function credentialsFrom(value: unknown): PostgresCredentials {
  if (typeof value === "string") return checkCredentials(parseConnectionString(value));
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(
      "The postgres credentials must be a connection string " +
        "postgresql://user:password@host:port/database or a table of its parts",
    );
  }
  const v = value as Record<string, unknown>;
  const text = (key: string) =>
    v[key] === undefined || v[key] === null ? undefined : String(v[key]);
  const number = (key: string) => v[key] === undefined ? undefined : Number(v[key]);
  return checkCredentials({
    database: text("database"),
    username: text("username"),
    password: text("password"),
    host: text("host"),
    port: number("port"),
    connectTimeout: number("connect_timeout") ?? number("connectTimeout"),
  });
}

/**
 * Checks complete credentials: every required part present, port and timeout numbers.
 *
 * @throws {ConfigError} naming each missing part and the keys to set
 */
export function checkCredentials(partial: Partial<PostgresCredentials>): PostgresCredentials {
  const missing = (["database", "username", "host"] as const).filter((k) => !partial[k]);
  if (missing.length > 0) {
    throw new ConfigError(
      `The postgres credentials lack ${missing.join(", ")}: set ` +
        "DESTINATION__POSTGRES__CREDENTIALS=postgresql://user:password@host:port/database, or " +
        `${missing.join(", ")} under [destination.postgres.credentials] in .dlt/secrets.toml`,
    );
  }
  const port = partial.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`The postgres port must be a number from 1 to 65535, got ${port}`);
  }
  return {
    database: partial.database!,
    username: partial.username!,
    password: partial.password,
    host: partial.host!,
    port,
    connectTimeout: positiveNumber(
      partial.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT,
      "connect_timeout",
    ),
  };
}

function positiveNumber(value: unknown, what: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new ConfigError(
      `The postgres ${what} must be a positive number of seconds, got ${value}`,
    );
  }
  return n;
}

/**
 * The location load info prints: `postgresql://user:***@host:port/database` (dlt hides the
 * password the same way; none is shown when there is none).
 */
export function displayLocation(credentials: PostgresCredentials): string {
  const user = encodeURIComponent(credentials.username);
  const password = credentials.password ? ":***" : "";
  const host = credentials.host.startsWith("/")
    ? encodeURIComponent(credentials.host)
    : credentials.host.includes(":")
    ? `[${credentials.host}]`
    : credentials.host;
  return `postgresql://${user}${password}@${host}:${credentials.port ?? DEFAULT_PORT}/` +
    encodeURIComponent(credentials.database);
}
