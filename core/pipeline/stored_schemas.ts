/**
 * Reading the schemas a destination stored back, the same way for every destination: which
 * schemas a stored state names, and the newest stored text of each parsed from dlt's form.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import { fromStoredSchema, type Schema } from "../schema/mod.ts";

/**
 * The schema names a stored state lists (`schema_names`), or `undefined` when it lists none
 * (then every stored schema is restored).
 */
export function stateSchemaNames(state: Record<string, unknown>): string[] | undefined {
  const names = state.schema_names;
  if (!Array.isArray(names) || names.length === 0) return undefined;
  return names.filter((n): n is string => typeof n === "string");
}

/**
 * The schemas in `names` order (every one, by name, when `names` is undefined) from the newest
 * stored text of each, parsed from dlt's stored form.
 *
 * @param newest the newest stored schema text by schema name
 * @param where where the texts are stored, for error messages (`dataset._dlt_version`)
 * @throws {DataError} when a stored schema cannot be read
 */
export function parseNewestSchemas(
  newest: ReadonlyMap<string, string>,
  names: readonly string[] | undefined,
  where: string,
): Schema[] {
  const schemas: Schema[] = [];
  for (const name of names ?? [...newest.keys()].sort()) {
    const text = newest.get(name);
    if (text !== undefined) schemas.push(parseStoredSchema(text, `${where} (schema "${name}")`));
  }
  return schemas;
}

/**
 * A stored schema's JSON text in dlt's form, as a schema.
 *
 * @param where where it is stored, for error messages
 * @throws {DataError} when the text is not JSON or not a stored schema
 */
export function parseStoredSchema(text: string, where: string): Schema {
  try {
    return fromStoredSchema(JSON.parse(text), where);
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`Cannot read the schema stored in ${where}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
