/**
 * Connecting to PostgreSQL through `pg` (node-postgres), and turning its errors into one line
 * naming what to fix: an unreachable server, a wrong password, a missing database, a missing
 * privilege. No message ever holds the password.
 *
 * @module
 */

// @ts-types="@types/pg"
import type pg from "pg";
import { ConfigError, UserError } from "../../core/errors.ts";
import {
  DEFAULT_CONNECT_TIMEOUT,
  DEFAULT_PORT,
  displayLocation,
  type PostgresCredentials,
} from "./credentials.ts";

/** A connected client. */
export type PgClient = pg.Client;

/** Type OIDs whose text `pg` would turn into lossy or local-time JS values. */
const INT8 = 20, NUMERIC = 1700, JSON_OID = 114, JSONB = 3802, DATE = 1082, TIMESTAMP = 1114;

/** A bigint's or numeric's text as a number when exact, else a `bigint` or the text. */
function exactNumber(text: string): number | bigint | string {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/**
 * Values as the DuckDB destination returns them: bigints as numbers when exact, JSON as its
 * text, dates as `YYYY-MM-DD`, timestamps as `Date`s (without a zone: UTC).
 */
function typeParsers(builtins: typeof pg.types) {
  return {
    getTypeParser(oid: number, format?: string) {
      switch (oid) {
        case INT8:
        case NUMERIC:
          return exactNumber;
        case JSON_OID:
        case JSONB:
        case DATE:
          return (text: string) => text;
        case TIMESTAMP:
          return (text: string) => new Date(`${text.replace(" ", "T")}Z`);
        default:
          // deno-lint-ignore no-explicit-any
          return builtins.getTypeParser(oid, format as any);
      }
    },
  };
}

/**
 * Opens a connection with the session settings every statement of dltx relies on: UTC (an
 * offset-less timestamp is UTC, as dlt reads it) and standard strings.
 *
 * @throws {UserError} one line naming what to fix (see {@linkcode connectionError})
 */
export async function connect(
  credentials: PostgresCredentials,
  options: { applicationName?: string } = {},
): Promise<PgClient> {
  // Loaded on first use: commands that never connect do not pay for the driver at start-up.
  const { default: driver } = await import("pg");
  const client = new driver.Client({
    host: credentials.host,
    port: credentials.port ?? DEFAULT_PORT,
    database: credentials.database,
    user: credentials.username,
    // pg asks for a function or string; an absent password must fail as the server says.
    password: credentials.password ?? "",
    connectionTimeoutMillis: (credentials.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT) * 1000,
    application_name: options.applicationName ?? "dltx",
    types: typeParsers(driver.types),
  });
  // An idle client whose server goes away emits "error"; unhandled, it would end the process.
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SET TIME ZONE 'UTC'; SET standard_conforming_strings = on");
  } catch (err) {
    await client.end().catch(() => {});
    throw connectionError(err, credentials);
  }
  return client;
}

/** The SQLSTATE of a server error (`28P01`), if `err` is one. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The message of `err`, first line only. */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n", 1)[0].trim();
}

/**
 * One line for a failed connection, naming what to fix. `pg` and the server never put the
 * password in a message; the location shows it masked.
 */
export function connectionError(err: unknown, credentials: PostgresCredentials): UserError {
  const where = displayLocation(credentials);
  const server = `${credentials.host}:${credentials.port ?? DEFAULT_PORT}`;
  const code = sqlState(err) ?? (err as { code?: string } | null)?.code;
  const text = errorText(err);
  const setting = "DESTINATION__POSTGRES__CREDENTIALS (or [destination.postgres.credentials])";
  let message: string;
  switch (code) {
    case "28P01":
    case "28000":
      message = `PostgreSQL at ${server} refused user "${credentials.username}": ${text}; ` +
        `check the user name and password in ${setting}`;
      break;
    case "3D000":
      message = `PostgreSQL at ${server} has no database "${credentials.database}": create ` +
        `it (createdb ${credentials.database}) or name an existing one in ${setting}`;
      break;
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "ENOENT":
      message = `Cannot reach PostgreSQL at ${server} (${text}): check the host and port in ` +
        `${setting} and that the server is running`;
      break;
    default:
      if (/timeout|timed out/i.test(text)) {
        message = `Cannot reach PostgreSQL at ${server}: no answer within ` +
          `${credentials.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT} s; check the host and port ` +
          `in ${setting} (connect_timeout sets the wait)`;
      } else if (/password must be a string|SASL|no password/i.test(text)) {
        message = `PostgreSQL at ${server} wants a password for user ` +
          `"${credentials.username}": add it to ${setting}`;
      } else {
        message = `Cannot connect to PostgreSQL at ${where}: ${text}`;
      }
  }
  const Kind = code === "3D000" || code?.startsWith("28") ? ConfigError : UserError;
  return new Kind(message, { cause: err });
}
