/**
 * `primary_key` from a record's schema: the columns PostgREST marks as the primary key
 * (`<pk/>` in their description), else a required id-like property (`id`, `uuid`,
 * `<record>_id`).
 *
 * @module
 */

import { singular, snakeCase } from "./_names.ts";
import { isObject, objectShape } from "./_schema.ts";
import type { Schema } from "./types.ts";

/** Id-like names, in the order they are preferred. */
const ID_NAMES = ["id", "uuid", "_id", "key", "slug"];

/**
 * The primary key of a record schema, or `undefined` when none is clear.
 *
 * @example Usage
 * ```ts
 * import { primaryKeyOf } from "./primary_key.ts";
 * primaryKeyOf({ type: "object", required: ["id"], properties: { id: { type: "integer" } } }, "users");
 * // ["id"]
 * ```
 * @param item the schema of one record.
 * @param resource the resource name (`orders` makes `order_id` and `orderId` id-like).
 * @returns the key's column names.
 */
export function primaryKeyOf(item: Schema | undefined, resource: string): string[] | undefined {
  if (!item) return undefined;
  const { properties, required } = objectShape(item);
  const names = Object.keys(properties);
  // PostgREST: "Note:\nThis is a Primary Key.<pk/>" (composite keys mark each column).
  const marked = names.filter((name) => {
    const description = properties[name].description;
    return typeof description === "string" && description.includes("<pk/>");
  });
  if (marked.length > 0) return marked;
  const noun = singular(resource);
  const candidates = [
    ...ID_NAMES,
    `${noun}_id`,
    `${noun}Id`,
    `${noun}_uuid`,
  ];
  for (const candidate of candidates) {
    const name = names.find((n) => n === candidate || snakeCase(n) === snakeCase(candidate));
    if (name === undefined || !required.has(name)) continue;
    // A key is a scalar: an object or list named `id` is not one.
    const type = properties[name].type;
    if (isObject(properties[name].properties) || type === "object" || type === "array") continue;
    return [name];
  }
  return undefined;
}
