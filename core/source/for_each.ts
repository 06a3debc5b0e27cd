/**
 * Resources repeated per item of a list config field (`for_each`, a dltx addition): a
 * connector declares one resource template, and the user's config says how many there are
 * (PostgREST's `tables = ["orders", "customers"]` becomes one resource per table).
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { parseJson, stringifyJson } from "../json/mod.ts";
import { isPlainObject } from "./_check.ts";
import type { Connector, ResourceConfig } from "./types.ts";

/**
 * Replaces each `for_each` resource by one resource per item of its config field, in place
 * of the template and in the items' order. Other resources stay as they are.
 *
 * @example Usage
 * ```ts
 * import { expandForEach } from "./for_each.ts";
 * const connector = expandForEach({
 *   name: "pg",
 *   config: { tables: { default: null } },
 *   client: { base_url: "https://db.example.com/rest/v1" },
 *   resources: [{ name: "{table}", for_each: { field: "tables", as: "table" }, endpoint: "{table}" }],
 * }, { tables: "orders, customers" });
 * connector.resources.map((r) => typeof r === "string" ? r : r.name); // ["orders", "customers"]
 * ```
 * @param connector a validated connector.
 * @param config the resolved config values.
 * @returns the connector with concrete resources (the same object when nothing repeats).
 * @throws {ConfigError} when a field is not a list of names, two resources end up with one
 *   name, or no resource is left at all.
 */
export function expandForEach(connector: Connector, config: Record<string, unknown>): Connector {
  if (!connector.resources.some((r) => typeof r !== "string" && r.for_each)) return connector;
  const resources: (string | ResourceConfig)[] = [];
  const fields: string[] = [];
  for (const resource of connector.resources) {
    if (typeof resource === "string" || !resource.for_each) {
      resources.push(resource);
      continue;
    }
    const { field, as } = resource.for_each;
    fields.push(field);
    for (const item of configList(config[field], `sources.${connector.name}.${field}`)) {
      resources.push(fillResource(resource, as, item));
    }
  }
  checkNames(resources, fields);
  if (resources.length === 0) {
    const keys = fields.map((f) => `sources.${connector.name}.${f}`).join(", ");
    throw new ConfigError(
      `Connector "${connector.name}" has no resources to load: ${keys} ${
        fields.length > 1 ? "are" : "is"
      } empty; list what to load there, e.g. ${fields[0]} = ["a", "b"] in .dlt/config.toml`,
    );
  }
  return { ...connector, resources };
}

/**
 * Reads a config value as a list of names: a list, a JSON list in a string (`'["a","b"]'`,
 * as an env var holds it), or comma-separated names (`"a, b"`); `null` is an empty list.
 *
 * @param value the config value.
 * @param key the config key, for messages (`sources.postgrest.tables`).
 * @returns the names, trimmed, empty ones dropped.
 * @throws {ConfigError} when the value or an item is not a name.
 */
export function configList(value: unknown, key: string): string[] {
  if (value === null || value === undefined) return [];
  let list: unknown = value;
  if (typeof value === "string") {
    const text = value.trim();
    if (!text.startsWith("[")) return text.split(",").map((s) => s.trim()).filter(Boolean);
    try {
      // Exact: ids past 2^53 in the list keep their digits.
      list = parseJson(text);
    } catch {
      throw new ConfigError(`${key} is not a valid JSON list: ${text}`);
    }
  }
  if (!Array.isArray(list)) {
    throw new ConfigError(
      `${key} must be a list of names, e.g. ["orders", "customers"] (got ${stringifyJson(list)})`,
    );
  }
  return list.map((item, i) => {
    if (
      (typeof item === "string" && item.trim() !== "") || typeof item === "number" ||
      typeof item === "bigint"
    ) {
      return String(item).trim();
    }
    throw new ConfigError(
      `${key}[${i}] must be a name (a non-empty string), got ${stringifyJson(item)}`,
    );
  });
}

/** A copy of the template for one item: `{as}` filled in name, table_name and endpoint. */
function fillResource(template: ResourceConfig, as: string, item: string): ResourceConfig {
  const { for_each: _forEach, ...rest } = template;
  const placeholder = `{${as}}`;
  const out: ResourceConfig = { ...rest, name: rest.name.replaceAll(placeholder, item) };
  if (rest.table_name !== undefined) {
    out.table_name = rest.table_name.replaceAll(placeholder, item);
  }
  // Endpoint strings are templates: `{{`/`}}` stay literal, braces in the item are escaped.
  const pattern = new RegExp(`\\{\\{|\\}\\}|\\{${as}\\}`, "g");
  const escaped = item.replace(/[{}]/g, "$&$&");
  const fill = (value: unknown): unknown => {
    if (typeof value === "string") {
      return value.replace(pattern, (m) => m === placeholder ? escaped : m);
    }
    if (Array.isArray(value)) return value.map(fill);
    if (isPlainObject(value)) {
      const filled: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) filled[fill(k) as string] = fill(v);
      return filled;
    }
    return value;
  };
  if (rest.endpoint !== undefined) out.endpoint = fill(rest.endpoint) as ResourceConfig["endpoint"];
  return out;
}

function checkNames(resources: (string | ResourceConfig)[], fields: string[]): void {
  const seen = new Set<string>();
  for (const resource of resources) {
    const name = typeof resource === "string" ? resource : resource.name;
    if (seen.has(name)) {
      throw new ConfigError(
        `Two resources are named "${name}"; check the names listed in ${
          fields.join(", ")
        } for repeats or clashes with other resources`,
      );
    }
    seen.add(name);
  }
}
