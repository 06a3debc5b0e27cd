/**
 * Validation of auth config fields, so a missing credential fails before any request with a
 * message naming the auth kind and the key.
 *
 * @module
 */

import { ConfigError } from "../../errors.ts";

/**
 * Reads a required, non-empty string field of an auth config.
 *
 * @param kind the auth type, for the message.
 * @param config the auth config.
 * @param key the field.
 * @returns the value.
 * @throws {ConfigError} when the field is missing, empty or not a string.
 */
export function requireString(kind: string, config: object, key: string): string {
  const value = (config as Record<string, unknown>)[key];
  if (typeof value === "string" && value !== "") return value;
  const got = value === undefined ? "it is missing" : `got ${describe(value)}`;
  throw new ConfigError(`Auth ${kind} needs "${key}" (a non-empty string); ${got}`);
}

function describe(value: unknown): string {
  if (value === "") return "an empty string";
  if (value === null) return "null";
  return typeof value;
}
