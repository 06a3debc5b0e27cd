/**
 * What a GET operation answers, read from its success response: a list of records (at the
 * root, or in an array property of a wrapper object: the `data_selector`), one object, or
 * nothing a connector can load (and why).
 *
 * @module
 */

import {
  arrayItems,
  isArraySchema,
  isObject,
  isObjectSchema,
  objectShape,
  schemaTypes,
} from "./_schema.ts";
import type { Operation, Schema, SpecObject } from "./types.ts";
import { RECORD_KEYS } from "../source/selector.ts";

/** Keys that make an object an entity rather than a wrapper of records. */
const ID_KEYS = ["id", "uuid", "_id"];
/** Wrapper objects that may hold the record list one level down (`{data: {items: []}}`). */
const NESTED_DEPTH = 2;

/** The success response a connector reads. */
interface Success {
  status: string;
  mediaType?: string;
  schema?: Schema;
  /** Response header names, lower case (`link`, `x-total-count`). */
  headers: Set<string>;
  /** Media types that are not JSON, when there is no JSON one. */
  otherTypes: string[];
}

/** What an operation answers. */
export type ResponseShape =
  | {
    kind: "list" | "object";
    status: string;
    mediaType: string;
    /** The whole body's schema. */
    body: Schema;
    /** The schema of one record. */
    item?: Schema;
    /** Where the records are in a wrapper object (dotted path); none for a root list. */
    dataSelector?: string;
    /** Response header names, lower case. */
    headers: Set<string>;
    /** Other list properties that could have been the records (for a comment). */
    otherLists: string[];
  }
  | { kind: "none"; reason: string };

/**
 * Reads an operation's success response.
 *
 * @example Usage
 * ```ts
 * import { responseShape } from "./response.ts";
 * const shape = responseShape({
 *   path: "/pets", name: "pets", deprecated: false, parameters: [],
 *   responses: { "200": { content: { "application/json": { schema: {
 *     type: "object",
 *     properties: { data: { type: "array", items: { type: "object" } }, next: { type: "string" } },
 *   } } } } },
 * });
 * shape.kind === "list" && shape.dataSelector; // "data"
 * ```
 * @param operation the operation.
 * @returns a list or object shape, or `none` with the reason.
 */
export function responseShape(operation: Operation): ResponseShape {
  const success = successResponse(operation.responses);
  if (!success) {
    return { kind: "none", reason: "the spec documents no success (2xx) response" };
  }
  if (success.status === "204") return { kind: "none", reason: "it answers 204 No Content" };
  if (!success.schema) {
    if (success.otherTypes.length > 0) {
      return {
        kind: "none",
        reason: `it answers ${success.otherTypes.join(", ")}, not JSON records`,
      };
    }
    return {
      kind: "none",
      reason: `the spec documents no JSON body for its ${success.status} response`,
    };
  }
  const body = success.schema;
  const base = {
    status: success.status,
    mediaType: success.mediaType ?? "application/json",
    body,
    headers: success.headers,
  };
  if (isArraySchema(body) && !isObjectSchema(body)) {
    return { kind: "list", ...base, item: arrayItems(body), otherLists: [] };
  }
  if (!isObjectSchema(body)) {
    const types = schemaTypes(body).join(" or ") || "a value of no declared type";
    return { kind: "none", reason: `it answers ${types}, not records` };
  }
  const lists = recordLists(body, [], 0);
  // An entity has an id; a wrapper around records has none (`{total_count, items: [...]}`).
  // The lists of an entity (labels, assignees) become child tables of its one row.
  const shape = objectShape(body);
  const hasId = ID_KEYS.some((key) => key in shape.properties);
  if (lists.length === 0 || hasId) {
    return { kind: "object", ...base, item: body, otherLists: [] };
  }
  const chosen = pickList(lists, operation.name);
  return {
    kind: "list",
    ...base,
    item: arrayItems(chosen.schema),
    dataSelector: chosen.path.join("."),
    otherLists: lists.filter((l) => l !== chosen).map((l) => l.path.join(".")),
  };
}

/** The success response: 200, then 2XX, then another 2xx, then `default`. */
function successResponse(responses: SpecObject): Success | undefined {
  const codes = Object.keys(responses);
  const order = [
    ...codes.filter((c) => c === "200"),
    ...codes.filter((c) => /^2xx$/i.test(c)),
    ...codes.filter((c) => /^2\d\d$/.test(c) && c !== "200" && c !== "204"),
    ...codes.filter((c) => c === "204"),
    ...codes.filter((c) => c === "default"),
  ];
  for (const status of order) {
    const response = responses[status];
    if (!isObject(response)) continue;
    const headers = new Set(
      Object.keys(isObject(response.headers) ? response.headers : {}).map((h) => h.toLowerCase()),
    );
    const content = isObject(response.content) ? response.content : {};
    const types = Object.keys(content);
    const json = types.find(isJsonType) ??
      types.find((t) => t === "*/*" && isObject((content[t] as SpecObject)?.schema));
    // `default` is often the error answer; use it only when it has a JSON body.
    if (status === "default" && json === undefined) continue;
    const media = json === undefined ? undefined : content[json] as SpecObject;
    return {
      status,
      ...(json ? { mediaType: json } : {}),
      ...(media && isObject(media.schema) ? { schema: media.schema } : {}),
      headers,
      otherTypes: json === undefined ? types : [],
    };
  }
  return undefined;
}

/** `application/json`, `application/vnd.github+json`, `application/problem+json; charset=...`. */
function isJsonType(mediaType: string): boolean {
  const type = mediaType.split(";")[0].trim().toLowerCase();
  return type === "application/json" || /^application\/[\w.+-]*\+json$/.test(type) ||
    type === "text/json";
}

interface ListProperty {
  path: string[];
  schema: Schema;
}

/** Array properties of a wrapper object, down to {@linkcode NESTED_DEPTH} levels. */
function recordLists(schema: Schema, path: string[], depth: number): ListProperty[] {
  const found: ListProperty[] = [];
  const nested: ListProperty[] = [];
  for (const [name, property] of Object.entries(objectShape(schema).properties)) {
    // A dotted data_selector cannot hold a key with a dot.
    if (name.includes(".")) continue;
    if (isArraySchema(property)) {
      const items = arrayItems(property);
      // A list of strings (tags, scopes) is rarely the records; lists of objects are.
      if (!items || isObjectSchema(items) || schemaTypes(items).length === 0) {
        found.push({ path: [...path, name], schema: property });
      }
    } else if (isObjectSchema(property) && depth + 1 < NESTED_DEPTH) {
      nested.push(...recordLists(property, [...path, name], depth + 1));
    }
  }
  // A list at this level wins over one further down.
  return found.length > 0 ? found : nested;
}

/**
 * The records among several lists: a record key of dlt's, else one named like the resource
 * (`workflow_runs` for `runs`), else the first.
 */
function pickList(lists: ListProperty[], resource: string): ListProperty {
  const keyOf = (l: ListProperty) => l.path[l.path.length - 1].toLowerCase();
  for (const key of RECORD_KEYS) {
    const hit = lists.find((l) => keyOf(l) === key);
    if (hit) return hit;
  }
  return lists.find((l) => keyOf(l) === resource) ??
    lists.find((l) => keyOf(l).endsWith(`_${resource}`) || resource.endsWith(keyOf(l))) ??
    lists[0];
}
