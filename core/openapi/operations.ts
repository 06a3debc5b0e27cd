/**
 * The spec's operations: every GET is a candidate resource (named from its path); the other
 * methods are counted, since a connector only reads.
 *
 * @module
 */

import { isObject } from "./_schema.ts";
import { resourceNames } from "./_names.ts";
import type { Operation, Parameter, ParameterLocation, SpecObject } from "./types.ts";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const LOCATIONS: readonly string[] = ["path", "query", "header", "cookie"];

/** The operations of a spec. */
export interface OperationList {
  /** The GET operations, in the spec's order. */
  operations: Operation[];
  /** Every other operation (`POST /pets`), which a connector does not call. */
  others: { method: string; path: string; operationId?: string }[];
}

/**
 * Lists the operations of a resolved spec.
 *
 * @example Usage
 * ```ts
 * import { listOperations } from "./operations.ts";
 * const { operations } = listOperations({
 *   openapi: "3.1.0",
 *   paths: { "/pets": { get: { responses: {} }, post: { responses: {} } } },
 * });
 * operations[0].name; // "pets"
 * ```
 * @param document the spec in OpenAPI 3.1's shape, `$ref`s resolved.
 * @returns the GET operations and the others.
 */
export function listOperations(document: SpecObject): OperationList {
  const paths = isObject(document.paths) ? document.paths : {};
  const entries = Object.entries(paths).filter(([, item]) => isObject(item)) as [
    string,
    SpecObject,
  ][];
  const getPaths = entries.filter(([, item]) => isObject(item.get)).map(([path]) => path);
  const names = resourceNames(getPaths);
  const operations: Operation[] = [];
  const others: OperationList["others"] = [];
  for (const [path, item] of entries) {
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      if (method !== "get") {
        others.push({
          method: method.toUpperCase(),
          path,
          ...(typeof op.operationId === "string" ? { operationId: op.operationId } : {}),
        });
        continue;
      }
      operations.push({
        path,
        name: names.get(path)!,
        ...(typeof op.operationId === "string" ? { operationId: op.operationId } : {}),
        ...(typeof op.summary === "string" ? { summary: op.summary } : {}),
        ...(typeof op.description === "string" ? { description: op.description } : {}),
        deprecated: op.deprecated === true,
        parameters: mergeParameters(item.parameters, op.parameters),
        responses: isObject(op.responses) ? op.responses : {},
        ...(Array.isArray(op.security) ? { security: op.security.filter(isObject) } : {}),
      });
    }
  }
  return { operations, others };
}

/** Path-level parameters, overridden by the operation's of the same name and place. */
function mergeParameters(pathLevel: unknown, operationLevel: unknown): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const list of [pathLevel, operationLevel]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const param = toParameter(raw);
      if (param) byKey.set(`${param.in}:${param.name}`, param);
    }
  }
  return [...byKey.values()];
}

function toParameter(raw: unknown): Parameter | undefined {
  if (!isObject(raw) || typeof raw.name !== "string" || typeof raw.in !== "string") {
    return undefined;
  }
  if (!LOCATIONS.includes(raw.in)) return undefined;
  // OpenAPI 3 may put the schema under `content` instead (a JSON-encoded param).
  let schema = isObject(raw.schema) ? raw.schema : undefined;
  if (!schema && isObject(raw.content)) {
    const first = Object.values(raw.content)[0];
    if (isObject(first) && isObject(first.schema)) schema = first.schema;
  }
  return {
    name: raw.name,
    in: raw.in as ParameterLocation,
    required: raw.in === "path" || raw.required === true,
    ...(schema ? { schema } : {}),
    ...(typeof raw.description === "string" ? { description: raw.description } : {}),
  };
}
