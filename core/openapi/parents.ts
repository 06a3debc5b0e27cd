/**
 * Parent/child resources from path parameters: `/repos/{owner}/{repo}/issues/{issue_number}/
 * comments` is a child of the list endpoint `/repos/{owner}/{repo}/issues` when an issue record
 * has a field that `issue_number` names (`number`), and its requests take that field of each
 * issue. A parameter no parent provides stays a config field.
 *
 * @module
 */

import { singular, snakeCase } from "./_names.ts";
import { objectShape } from "./_schema.ts";
import type { Operation, Schema } from "./types.ts";

/** A list endpoint that may be a parent, with the schema of its records. */
export interface ParentCandidate {
  operation: Operation;
  item?: Schema;
}

/** How a child takes one path parameter from its parent's records. */
export interface ParentLink {
  parent: ParentCandidate;
  /** The child's path parameter the parent fills (`issue_number`). */
  param: string;
  /** The parent record's field that fills it (`number`). */
  field: string;
}

/** A parent, or why the list endpoint in front of a parameter could not be one. */
export type ParentMatch =
  | { link: ParentLink }
  | { note: string };

/**
 * Finds an operation's parent: the longest list endpoint whose path, followed by one of the
 * operation's parameters, starts the operation's path, and whose records have a field the
 * parameter names.
 *
 * @example Usage
 * ```ts
 * import { findParent } from "./parents.ts";
 * const op = (path: string) => ({ path, name: "", deprecated: false, parameters: [], responses: {} });
 * const users = { operation: op("/users"), item: { properties: { id: { type: "integer" } } } };
 * const match = findParent(op("/users/{user_id}/orders"), [users]);
 * "link" in match! && match.link.field; // "id"
 * ```
 * @param operation the child candidate.
 * @param candidates the spec's list endpoints.
 * @returns the link, a note when a parent was found but no field matched, or `undefined`.
 */
export function findParent(
  operation: Operation,
  candidates: readonly ParentCandidate[],
): ParentMatch | undefined {
  const segments = splitPath(operation.path);
  let note: string | undefined;
  for (let k = segments.length - 1; k >= 1; k--) {
    const param = paramName(segments[k]);
    if (param === undefined) continue;
    const prefix = `/${segments.slice(0, k).join("/")}`;
    const parent = candidates.find((c) => normalize(c.operation.path) === prefix);
    if (!parent || parent.operation.path === operation.path) continue;
    const field = matchField(param, parent);
    if (field !== undefined) return { link: { parent, param, field } };
    note ??= `{${param}} could come from the records of ${parent.operation.name} ` +
      `(GET ${parent.operation.path}), but none of their documented fields matches it; it is ` +
      "a config field";
  }
  return note === undefined ? undefined : { note };
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

function normalize(path: string): string {
  return `/${splitPath(path).join("/")}`;
}

function paramName(segment: string): string | undefined {
  return segment.match(/^\{([^}]+)\}$/)?.[1];
}

/**
 * The parent field a parameter names: the same name, or the name without the parent's noun
 * (`issue_number` -> `number`, `userId` -> `id`, `team_slug` -> `slug`).
 */
function matchField(param: string, parent: ParentCandidate): string | undefined {
  const names = Object.keys(objectShape(parent.item).properties);
  if (names.length === 0) return undefined;
  const bySnake = new Map(names.map((n) => [snakeCase(n), n]));
  if (names.includes(param)) return param;
  const snake = snakeCase(param);
  if (bySnake.has(snake)) return bySnake.get(snake);
  const statics = splitPath(parent.operation.path).filter((s) => paramName(s) === undefined);
  const last = statics[statics.length - 1];
  if (last === undefined) return undefined;
  const noun = singular(snakeCase(last));
  if (snake.startsWith(`${noun}_`)) {
    const rest = snake.slice(noun.length + 1);
    if (bySnake.has(rest)) return bySnake.get(rest);
  }
  return undefined;
}
