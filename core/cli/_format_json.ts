/**
 * Documents as text for the inspection commands: JSON that keeps big integers exact, and YAML.
 *
 * @module
 */

import { stringify as stringifyYaml } from "yaml";

/**
 * JSON text (2-space indent, trailing newline). BIGINTs too large for a JS number are written
 * as exact number literals rather than failing or losing digits.
 */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, jsonReplacer, 2) + "\n";
}

/** YAML text of a document (schemas, schema updates). */
export function formatYaml(value: unknown): string {
  return stringifyYaml(value, { aliasDuplicateObjects: false });
}

/** `JSON.rawJSON` (ES2025, in Deno's V8) is missing from TypeScript's lib types still. */
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** A `JSON.stringify` replacer writing bigints as exact number literals. */
export function jsonReplacer(this: unknown, _key: string, value: unknown): unknown {
  return typeof value === "bigint" ? rawJson(value.toString()) : value;
}
