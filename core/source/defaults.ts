/**
 * Expands a resource as dlt does: a bare string becomes `{name, endpoint: {path: name}}`, a
 * string endpoint becomes its path, and `resource_defaults` are merged in (endpoint keys
 * shallow, `params`/`json` one level deep, `columns` per column, everything else overridden).
 *
 * @module
 */

import type { PaginatorConfig } from "../http/types.ts";
import { isPlainObject } from "./_check.ts";
import type {
  ClientConfig,
  EndpointConfig,
  PaginatorSetting,
  ResourceConfig,
  ResourceDefaults,
} from "./types.ts";

/** A resource after expansion: its endpoint is an object with a path. */
export interface ExpandedResource extends Omit<ResourceConfig, "endpoint"> {
  endpoint: EndpointConfig & { path: string };
}

/**
 * Expands one resource and merges `resource_defaults` into it (neither input is changed).
 *
 * @example Usage
 * ```ts
 * import { expandResource } from "./defaults.ts";
 * const r = expandResource("users", { endpoint: { params: { per_page: 100 } } });
 * // { name: "users", endpoint: { params: { per_page: 100 }, path: "users" } }
 * ```
 * @param resource a resource name or object.
 * @param defaults the connector's `resource_defaults`.
 * @returns the merged resource; its endpoint is a fresh object.
 */
export function expandResource(
  resource: string | ResourceConfig,
  defaults: ResourceDefaults = {},
): ExpandedResource {
  const config: ResourceConfig = typeof resource === "string"
    ? { name: resource, endpoint: { path: resource } }
    : resource;
  const own: EndpointConfig = typeof config.endpoint === "string"
    ? { path: config.endpoint }
    : { ...config.endpoint };
  own.path ??= config.name;

  const base: EndpointConfig = typeof defaults.endpoint === "object" ? defaults.endpoint : {};
  const { params, json, ...rest } = own;
  const endpoint = { ...base, ...rest } as ExpandedResource["endpoint"];
  if (params !== undefined) endpoint.params = { ...base.params, ...params };
  if (json !== undefined) {
    endpoint.json = isPlainObject(json) && isPlainObject(base.json)
      ? { ...base.json, ...json }
      : json;
  }

  const merged: ExpandedResource = { ...defaults, ...config, endpoint };
  if (defaults.columns && config.columns) {
    merged.columns = mergeColumns(defaults.columns, config.columns);
  }
  return merged;
}

/**
 * The paginator a resource uses: its endpoint's (which already holds the resource_defaults
 * one after `expandResource`), else the client's; `undefined` means detect it. `"auto"` sets
 * none, as in dlt: an endpoint's falls back to the client's, the client's means detect.
 *
 * @param endpoint the expanded endpoint.
 * @param client the connector's client block.
 * @returns the paginator config or type, or `undefined`.
 */
export function effectivePaginator(
  endpoint: EndpointConfig,
  client: ClientConfig,
): PaginatorConfig | PaginatorConfig["type"] | undefined {
  const own = concrete(endpoint.paginator);
  return own ?? concrete(client.paginator);
}

function concrete(
  setting: PaginatorSetting | undefined,
): PaginatorConfig | PaginatorConfig["type"] | undefined {
  if (setting === "auto" || (typeof setting === "object" && setting.type === "auto")) {
    return undefined;
  }
  return setting as PaginatorConfig | PaginatorConfig["type"] | undefined;
}

/**
 * Whether a path asks for one entity: its last segment holds a placeholder
 * (`issues/{resources.issues.number}`, `users/{id}`). dlt then uses selector `$` and a single
 * page unless the endpoint sets its own.
 *
 * @param path an endpoint path.
 * @returns `true` for a single-entity path.
 */
export function isSingleEntityPath(path: string): boolean {
  const trimmed = path.replace(/\/+$/, "");
  const last = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  return /(^|[^{])\{[A-Za-z0-9.\-_]+\}/.test(last);
}

/** dlt's `merge_columns`: hints of a column in both are merged, resource hints win. */
function mergeColumns<T>(
  defaults: Record<string, T>,
  own: Record<string, T>,
): Record<string, T> {
  const out: Record<string, T> = { ...defaults };
  for (const [name, hints] of Object.entries(own)) {
    const base = out[name];
    out[name] = isPlainObject(base) && isPlainObject(hints) ? { ...base, ...hints } as T : hints;
  }
  return out;
}
