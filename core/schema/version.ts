/**
 * Schema versions: a content hash of the tables and a version number that grows with it.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { Schema } from "./types.ts";

/** JSON with object keys sorted at every level, so equal content gives equal text. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    if (record[key] === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  }
  return `{${parts.join(",")}}`;
}

/**
 * The content hash of a schema's tables, as dlt computes its `version_hash`: sha256 of the
 * tables as canonical (key-sorted) JSON, followed by every table name (sorted) with its column
 * names in order, so reordering columns changes the hash too. Base64.
 *
 * @param schema The schema.
 * @returns The base64 hash.
 */
export function computeVersionHash(schema: Schema): string {
  const hash = createHash("sha256").update(canonicalJson(schema.tables));
  for (const tableName of Object.keys(schema.tables).sort()) {
    hash.update(tableName);
    for (const columnName of Object.keys(schema.tables[tableName].columns)) {
      hash.update(columnName);
    }
  }
  return hash.digest("base64");
}

/**
 * Raises the version when the tables changed since `previousHash` (the hash when the schema
 * was loaded): `version` + 1 and a new `version_hash`. Does nothing otherwise.
 *
 * @param schema The schema, updated in place.
 * @param previousHash The `version_hash` the schema had before the changes.
 * @returns Whether the tables changed.
 */
export function bumpVersion(schema: Schema, previousHash: string): boolean {
  const hash = computeVersionHash(schema);
  if (hash === previousHash) return false;
  schema.version += 1;
  schema.version_hash = hash;
  return true;
}
