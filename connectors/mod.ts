/**
 * The built-in connectors, by name: what `dltx run <name>` and `dltx init -l` find without a
 * path, URL or `dltx add`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { getBuiltinConnector } from "./mod.ts";
 * equal(getBuiltinConnector("demo")?.name, "demo");
 * ```
 *
 * @module
 */

import type { Connector } from "../core/source/types.ts";
import demo from "./demo.ts";
import github from "./github.ts";
import positConnect from "./posit_connect.ts";
import postgrest from "./postgrest.ts";

/** Every built-in connector by its `name`. Frozen: add connectors here, not at run time. */
export const builtinConnectors: Record<string, Connector> = Object.freeze({
  [demo.name]: demo,
  [github.name]: github,
  [positConnect.name]: positConnect,
  [postgrest.name]: postgrest,
});

/**
 * Looks up a built-in connector.
 *
 * @param name The connector's name, e.g. `demo`.
 * @returns The connector, or `undefined` when no built-in one has that name.
 */
export function getBuiltinConnector(name: string): Connector | undefined {
  // `Object.hasOwn`: names like "constructor" or "toString" must not reach the prototype.
  return Object.hasOwn(builtinConnectors, name) ? builtinConnectors[name] : undefined;
}

/**
 * Lists the built-in connectors.
 *
 * @returns The connectors sorted by name.
 */
export function listBuiltinConnectors(): Connector[] {
  return Object.values(builtinConnectors).sort((a, b) => a.name.localeCompare(b.name));
}
