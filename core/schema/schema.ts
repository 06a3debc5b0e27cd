/**
 * Creating and copying schemas.
 *
 * @module
 */

import { type Schema, SCHEMA_ENGINE_VERSION } from "./types.ts";
import { DEFAULT_NORMALIZERS, DEFAULT_SETTINGS } from "./stored.ts";
import { computeVersionHash } from "./version.ts";

/**
 * A new, empty schema with dlt's default settings and normalizers. Like dlt, it starts at
 * version 1 with the hash of its content; {@linkcode bumpVersion} raises the version with every
 * change. It holds data tables only: the `_dlt_*` tables are added when it is stored
 * (`toStoredSchema`), and destinations create them themselves.
 *
 * @example Usage
 * ```ts
 * import { newSchema } from "./schema.ts";
 * const schema = newSchema("github");
 * schema.version; // 1
 * ```
 *
 * @param name The schema name (the source name).
 * @returns The schema.
 */
export function newSchema(name: string): Schema {
  const schema: Schema = {
    name,
    version: 1,
    version_hash: "",
    engine_version: SCHEMA_ENGINE_VERSION,
    tables: {},
    settings: structuredClone(DEFAULT_SETTINGS),
    normalizers: structuredClone(DEFAULT_NORMALIZERS),
    previous_hashes: [],
  };
  schema.version_hash = computeVersionHash(schema);
  return schema;
}

/**
 * A deep copy of a schema, keeping table and column order.
 *
 * @param schema The schema to copy.
 * @returns An independent copy.
 */
export function cloneSchema(schema: Schema): Schema {
  return structuredClone(schema);
}
