/**
 * Schema versions as dlt makes them: a content hash of the stored schema and a version number
 * that grows with it.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { sortedJson } from "../json/mod.ts";
import type { Schema } from "./types.ts";
import { toStoredSchema } from "./stored.ts";

/** How many earlier hashes a schema remembers (dlt's `previous_hashes`). */
const MAX_PREVIOUS_HASHES = 10;

/**
 * dlt's `generate_version_hash`: SHA3-256 of the stored schema (see `stored.ts`) without
 * `version`, `version_hash`, `imported_version_hash` and `previous_hashes`, as compact JSON
 * with sorted keys (orjson's), followed by every table name (sorted) with its column names in
 * order, so that reordering columns changes the hash too. Base64.
 *
 * @param schema The schema.
 * @returns The base64 hash, as dlt computes it for the same stored schema.
 */
export function computeVersionHash(schema: Schema): string {
  const {
    version: _v,
    version_hash: _h,
    imported_version_hash: _i,
    previous_hashes: _p,
    ...content
  } = toStoredSchema(schema);
  const hash = createHash("sha3-256").update(sortedJson(content), "utf8");
  for (const tableName of Object.keys(content.tables).sort()) {
    hash.update(tableName, "utf8");
    const columns = content.tables[tableName].columns;
    for (const columnName of Object.keys(columns ?? {})) hash.update(columnName, "utf8");
  }
  return hash.digest("base64");
}

/**
 * dlt's `bump_version_if_modified`: when the content changed since `previousHash` (the hash
 * when the schema was read), `version` + 1, the old hash first in `previous_hashes` (at most
 * 10) and the new `version_hash`. A schema without a hash yet only gets its hash.
 *
 * @param schema The schema, updated in place.
 * @param previousHash The `version_hash` the schema had before the changes.
 * @returns Whether the content changed.
 */
export function bumpVersion(schema: Schema, previousHash: string): boolean {
  const hash = computeVersionHash(schema);
  if (hash === previousHash) return false;
  if (previousHash !== "") {
    schema.version += 1;
    const previous = schema.previous_hashes ?? [];
    if (!previous.includes(previousHash)) {
      previous.unshift(previousHash);
      previous.splice(MAX_PREVIOUS_HASHES);
    }
    schema.previous_hashes = previous;
  }
  schema.version_hash = hash;
  return true;
}
