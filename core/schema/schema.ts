/**
 * Creating and copying schemas.
 *
 * @module
 */

import { type Schema, SCHEMA_ENGINE_VERSION } from "./types.ts";
import { computeVersionHash } from "./version.ts";

/**
 * A new, empty schema. Like dlt, it starts at version 1 with the hash of its (empty) tables;
 * {@linkcode bumpVersion} raises the version with every change of the tables. It holds data
 * tables only: destinations create the `_dlt_*` system tables themselves.
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
