/**
 * JSON Schemas for Singer SCHEMA messages: inferred from records as they stream by (with the
 * normalizer's type inference, so a string is `date-time` exactly when the normalizer makes
 * it a timestamp), or taken from a normalized table's columns.
 *
 * @module
 */

import { InternalError } from "../errors.ts";
import { isFloatToken } from "../json/mod.ts";
import { inferType } from "../normalize/mod.ts";
import type { Column, DataType, Table } from "../schema/mod.ts";
import type { ColumnHint, JsonSchema } from "../source/mod.ts";

const STRING = 1;
const INTEGER = 2;
const NUMBER = 4;
const BOOLEAN = 8;
const OBJECT = 16;
const ARRAY = 32;

/** What was seen at one place of the records. */
class Node {
  types = 0;
  /** Every string seen is an ISO datetime; `undefined` before the first string. */
  dateTime: boolean | undefined;
  properties: Map<string, Node> | undefined;
  items: Node | undefined;
}

/**
 * The JSON Schema of a stream of records, widened record by record. Properties may be
 * missing from records, so every property allows `null`. Top-level properties with a column
 * hint (`data_type`) keep the hinted type whatever the values.
 */
export class JsonSchemaInferrer {
  readonly #root = new Node();
  readonly #hinted = new Map<string, JsonSchema>();

  /** @param hints column hints of the resource, by (not normalized) property name */
  constructor(hints?: Record<string, ColumnHint>) {
    for (const [name, hint] of Object.entries(hints ?? {})) {
      if (hint.data_type) this.#hinted.set(name, schemaOfType(hint.data_type, true));
    }
  }

  /**
   * Widens the schema so that it fits `record` (an object).
   * @returns whether the schema changed
   */
  add(record: Record<string, unknown>): boolean {
    return widenObject(this.#root, record, this.#hinted);
  }

  /** The schema of every record added so far. */
  schema(): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const [name, node] of this.#root.properties ?? []) {
      if (!this.#hinted.has(name)) properties[name] = toSchema(node);
    }
    for (const [name, schema] of this.#hinted) properties[name] = schema;
    return { type: "object", properties };
  }
}

function widenObject(
  node: Node,
  value: Record<string, unknown>,
  skip: ReadonlyMap<string, unknown> | undefined,
): boolean {
  let changed = false;
  const properties = node.properties ??= new Map();
  for (const key in value) {
    if (skip !== undefined && skip.has(key)) continue;
    let child = properties.get(key);
    if (child === undefined) {
      child = new Node();
      properties.set(key, child);
      changed = true;
    }
    if (widen(child, value[key], isFloatToken(value, key))) changed = true;
  }
  return changed;
}

/** Widens `node` by `value`; `float` when the JSON text had it as a float (`1.0`). */
function widen(node: Node, value: unknown, float = false): boolean {
  if (value === null || value === undefined) return false;
  const before = node.types;
  switch (typeof value) {
    case "string":
      node.types |= STRING;
      if (node.dateTime !== false) {
        const dateTime = inferType(value) === "timestamp";
        if (node.dateTime === undefined) node.dateTime = dateTime;
        else if (!dateTime) {
          node.dateTime = false;
          return true;
        }
      }
      break;
    case "number":
      node.types |= Number.isInteger(value) && !float ? INTEGER : NUMBER;
      break;
    case "bigint":
      node.types |= INTEGER;
      break;
    case "boolean":
      node.types |= BOOLEAN;
      break;
    case "object":
      if (Array.isArray(value)) {
        node.types |= ARRAY;
        const items = node.items ??= new Node();
        let changed = false;
        for (let i = 0; i < value.length; i++) {
          if (widen(items, value[i], isFloatToken(value, `${i}`))) changed = true;
        }
        if (changed) return true;
      } else if (value instanceof Date) {
        node.types |= STRING;
        node.dateTime ??= true;
      } else {
        node.types |= OBJECT;
        if (widenObject(node, value as Record<string, unknown>, undefined)) return true;
      }
      break;
  }
  return node.types !== before;
}

function toSchema(node: Node): JsonSchema {
  const type = ["null"];
  if (node.types & STRING) type.push("string");
  // JSON Schema's number includes the integers.
  if (node.types & NUMBER) type.push("number");
  else if (node.types & INTEGER) type.push("integer");
  if (node.types & BOOLEAN) type.push("boolean");
  if (node.types & OBJECT) type.push("object");
  if (node.types & ARRAY) type.push("array");
  const schema: JsonSchema = { type };
  if (node.types & STRING && node.dateTime) schema.format = "date-time";
  if (node.types & OBJECT) {
    const properties: Record<string, JsonSchema> = {};
    for (const [name, child] of node.properties ?? []) properties[name] = toSchema(child);
    schema.properties = properties;
  }
  if (node.types & ARRAY) schema.items = node.items?.types ? toSchema(node.items) : {};
  return schema;
}

/** The JSON Schema of one column type. */
function schemaOfType(dataType: DataType, nullable: boolean): JsonSchema {
  const of = (type: string, format?: string): JsonSchema => ({
    type: nullable ? ["null", type] : type,
    ...(format ? { format } : {}),
  });
  switch (dataType) {
    case "text":
      return of("string");
    case "bigint":
      return of("integer");
    case "double":
    case "decimal":
      return of("number");
    case "bool":
      return of("boolean");
    case "timestamp":
      return of("string", "date-time");
    case "date":
      return of("string", "date");
    case "json":
      // Any JSON value.
      return {};
    default: {
      const _exhaustive: never = dataType;
      throw new InternalError(`No JSON Schema for data type ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** The JSON Schema of a normalized table: one property per column. */
export function jsonSchemaOfTable(table: Table): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const column of Object.values(table.columns) as Column[]) {
    properties[column.name] = schemaOfType(column.data_type, column.nullable);
  }
  return { type: "object", properties };
}
