/**
 * Reading JSON Schemas of a resolved spec: types, object properties (through `allOf`, `oneOf`,
 * `anyOf`), array items. Resolved specs may hold cycles, so every walk is bounded.
 *
 * @module
 */

import type { Schema, SpecObject } from "./types.ts";

/** Whether a value is a JSON object. */
export function isObject(value: unknown): value is SpecObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A schema's types: `type` (a string or, in 3.1, a list) or what its keywords imply. */
export function schemaTypes(schema: Schema | undefined): string[] {
  if (!schema) return [];
  const type = schema.type;
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string");
  if (isObject(schema.properties) || isObject(schema.additionalProperties)) return ["object"];
  if (schema.items !== undefined) return ["array"];
  const variants = compositeParts(schema);
  return [...new Set(variants.flatMap((v) => schemaTypes(v)))];
}

/** The schemas of `allOf`, `oneOf` and `anyOf`. */
function compositeParts(schema: Schema): Schema[] {
  return ["allOf", "oneOf", "anyOf"].flatMap((key) => {
    const list = schema[key];
    return Array.isArray(list) ? list.filter(isObject) : [];
  });
}

/** Whether a schema is (or may be) a list. */
export function isArraySchema(schema: Schema | undefined): boolean {
  return schemaTypes(schema).includes("array");
}

/** Whether a schema is (or may be) an object. */
export function isObjectSchema(schema: Schema | undefined): boolean {
  return schemaTypes(schema).includes("object");
}

/** The item schema of a list schema (through `allOf`/`oneOf`/`anyOf` when needed). */
export function arrayItems(schema: Schema | undefined): Schema | undefined {
  if (!schema) return undefined;
  if (isObject(schema.items)) return schema.items;
  for (const part of compositeParts(schema)) {
    const items = arrayItems(part);
    if (items) return items;
  }
  return undefined;
}

/** An object schema's properties and required names, `allOf`/`oneOf`/`anyOf` merged. */
export interface ObjectShape {
  properties: Record<string, Schema>;
  /** Required in the object itself or in an `allOf` part (a `oneOf` variant's do not count). */
  required: Set<string>;
}

/**
 * The properties of an object schema. `allOf` parts add properties and required names;
 * `oneOf`/`anyOf` variants add properties only (each is just one possibility).
 *
 * @param schema the schema.
 * @returns the merged properties, in the order they are first met.
 */
export function objectShape(schema: Schema | undefined): ObjectShape {
  const shape: ObjectShape = { properties: {}, required: new Set() };
  const visit = (node: Schema, requiredToo: boolean, depth: number) => {
    if (depth > 8) return;
    if (isObject(node.properties)) {
      for (const [name, value] of Object.entries(node.properties)) {
        if (isObject(value) && !(name in shape.properties)) shape.properties[name] = value;
      }
    }
    if (requiredToo && Array.isArray(node.required)) {
      for (const name of node.required) if (typeof name === "string") shape.required.add(name);
    }
    for (const key of ["allOf", "oneOf", "anyOf"]) {
      const list = node[key];
      if (!Array.isArray(list)) continue;
      for (const part of list) {
        if (isObject(part)) visit(part, requiredToo && key === "allOf", depth + 1);
      }
    }
  };
  if (schema) visit(schema, true, 0);
  return shape;
}

/**
 * A short description of a schema's type: `string (date-time)`, `integer`, `array of object`,
 * `object`, `string | null`.
 */
export function describeType(schema: Schema | undefined): string {
  if (!schema) return "any";
  const types = schemaTypes(schema);
  if (types.length === 0) return "any";
  return types.map((type) => {
    if (type === "array") {
      const items = arrayItems(schema);
      const inner = items ? schemaTypes(items).filter((t) => t !== "null")[0] : undefined;
      return inner ? `array of ${inner}` : "array";
    }
    if (type !== "null" && typeof schema.format === "string") return `${type} (${schema.format})`;
    return type;
  }).join(" | ");
}

/** A text of the spec (`description`, `summary`) on one line, cut at `max` characters. */
export function oneLine(text: unknown, max = 200): string | undefined {
  if (typeof text !== "string") return undefined;
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return undefined;
  return flat.length > max ? `${flat.slice(0, max - 3).trimEnd()}...` : flat;
}
