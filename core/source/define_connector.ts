import type { Connector } from "./types.ts";

/**
 * Declares a connector with full type checking and editor completion; returns it unchanged.
 *
 * @example Usage
 * ```ts
 * import { defineConnector } from "./define_connector.ts";
 * export default defineConnector({
 *   name: "pokemon",
 *   client: { base_url: "https://pokeapi.co/api/v2/", paginator: "json_link" },
 *   resources: ["pokemon", "berry"],
 * });
 * ```
 */
export function defineConnector<const C extends Connector>(connector: C): C {
  return connector;
}
