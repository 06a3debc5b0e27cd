/**
 * Reading and writing incremental cursors in a source's state, laid out as dlt's:
 * `resources.<resource>.incremental.<cursor_path>`.
 *
 * @module
 */

import { isPlainObject } from "./_check.ts";

/** The stored state of one cursor, or `undefined`. */
export function cursorStateAt(
  state: Record<string, unknown>,
  resource: string,
  cursorPath: string,
): unknown {
  const resources = state.resources;
  if (!isPlainObject(resources)) return undefined;
  const own = resources[resource];
  if (!isPlainObject(own) || !isPlainObject(own.incremental)) return undefined;
  return own.incremental[cursorPath];
}

/** Stores the state of one cursor, creating the levels above it. */
export function setCursorState(
  state: Record<string, unknown>,
  resource: string,
  cursorPath: string,
  value: unknown,
): void {
  const resources = objectAt(state, "resources");
  const own = objectAt(resources, resource);
  objectAt(own, "incremental")[cursorPath] = value;
}

function objectAt(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = parent[key];
  if (isPlainObject(value)) return value;
  const created: Record<string, unknown> = {};
  parent[key] = created;
  return created;
}
