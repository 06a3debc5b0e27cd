/**
 * The postgres destination's settings from dlt's config keys: the credentials
 * (`DESTINATION__POSTGRES__CREDENTIALS=postgresql://user:password@host:port/database`, or the
 * split keys `database`, `username`, `password`, `host`, `port`, `connect_timeout` under
 * `[destination.postgres.credentials]`), `create_indexes` and `replace_strategy`.
 *
 * @module
 */

import {
  parseConnectionString,
  type PostgresCredentials,
  type PostgresOptions,
  REPLACE_STRATEGIES,
} from "../../destinations/mod.ts";
import type { ConfigResolver, Masker, ResolvedValue } from "../config/mod.ts";
import { ConfigError } from "../errors.ts";

const SECTIONS = ["destination", "postgres"];
const CREDENTIALS = [...SECTIONS, "credentials"];

/** Split credential keys (dlt's `PostgresCredentials` fields) and where they go. */
const FIELDS: [string, keyof PostgresCredentials][] = [
  ["database", "database"],
  ["username", "username"],
  ["password", "password"],
  ["host", "host"],
  ["port", "port"],
  ["connect_timeout", "connectTimeout"],
];

/**
 * The options of the postgres destination from `config`; the password goes to `masker`.
 *
 * @throws {ConfigError} dlt's missing-field error when no credentials are configured, or one
 *   naming a wrong or missing part
 */
export function postgresOptions(
  config: ConfigResolver,
  options: { pipelineName: string; masker?: Masker },
): Omit<PostgresOptions, "logger"> {
  const credentials = postgresCredentials(config, options.pipelineName);
  if (credentials.password) options.masker?.add(credentials.password);
  const createIndexes = config.get([...SECTIONS, "create_indexes"], { expect: "boolean" })?.value;
  const strategy = config.get([...SECTIONS, "replace_strategy"])?.value ??
    config.get(["destination", "replace_strategy"])?.value;
  if (strategy !== undefined && !REPLACE_STRATEGIES.includes(strategy as never)) {
    throw new ConfigError(
      `destination.replace_strategy must be one of ${REPLACE_STRATEGIES.join(", ")}, got ` +
        JSON.stringify(strategy),
    );
  }
  return {
    credentials,
    ...(createIndexes !== undefined ? { createIndexes: createIndexes as boolean } : {}),
    ...(strategy !== undefined
      ? { replaceStrategy: strategy as PostgresOptions["replaceStrategy"] }
      : {}),
  };
}

/**
 * The credentials: the connection string (or TOML table) at `destination.postgres.credentials`,
 * completed or overridden by split keys from the same or a higher-precedence provider (env
 * over `secrets.toml` over `config.toml`).
 */
function postgresCredentials(config: ConfigResolver, pipelineName: string): PostgresCredentials {
  let native: ResolvedValue | undefined = config.get(CREDENTIALS);
  const parts: Partial<Record<keyof PostgresCredentials, unknown>> = {};
  let split = false;
  for (const [key, field] of FIELDS) {
    const found = config.get([...CREDENTIALS, key]);
    if (found === undefined) continue;
    split = true;
    if (native === undefined || typeof native.value !== "string" || rank(found) <= rank(native)) {
      parts[field] = found.value;
    }
  }
  if (native === undefined && !split) {
    // Nothing under dlt's keys: dlt's error, listing every key tried and the files read.
    const { values, origins } = config.resolveFields(
      SECTIONS,
      [{ name: "credentials", secret: true }],
      { pipelineName, configName: "PostgresCredentials" },
    );
    native = { value: values.credentials, provider: String(origins.credentials), key: "" };
  }
  let base: Partial<PostgresCredentials> = {};
  if (typeof native?.value === "string") base = parseConnectionString(native.value);
  else if (native?.value !== undefined && typeof native.value === "object") {
    // A TOML table: the split keys read above already hold its values.
  } else if (native !== undefined) {
    throw new ConfigError(
      "destination.postgres.credentials must be a connection string " +
        "postgresql://user:password@host:port/database or a table of its parts",
    );
  }
  const merged: Partial<PostgresCredentials> = { ...base };
  for (const [, field] of FIELDS) {
    const value = parts[field];
    if (value === undefined) continue;
    if (field === "port" || field === "connectTimeout") {
      const n = Number(value);
      if (!Number.isFinite(n)) {
        throw new ConfigError(
          `destination.postgres.credentials.${field === "port" ? "port" : "connect_timeout"} ` +
            `must be a number, got ${JSON.stringify(value)}`,
        );
      }
      (merged as Record<string, unknown>)[field] = n;
    } else {
      (merged as Record<string, unknown>)[field] = String(value);
    }
  }
  return merged as PostgresCredentials;
}

/** Env (0) comes before the TOML files (1). */
function rank(value: ResolvedValue): number {
  return value.provider === "Environment Variables" ? 0 : 1;
}
