/**
 * `client.base_url` from the spec's `servers`: a `base_url` config field defaulting to the
 * first server (so a staging server or a local mock is one env var away), or, when the server
 * URL has variables, a URL template whose variables are config fields.
 *
 * @module
 */

import type { ConfigField } from "../source/mod.ts";
import { isObject, oneLine } from "./_schema.ts";
import { snakeCase } from "./_names.ts";
import type { SpecObject, SpecSource } from "./types.ts";

/** What the servers give the connector. */
export interface ServerPlan {
  /** `client.base_url`: `{base_url}` or a template such as `https://{region}.example.com/`. */
  baseUrl: string;
  /** The config fields it reads. */
  fields: Record<string, ConfigField>;
  /** Server URLs of the spec, resolved, for the docs. */
  servers: string[];
}

/** Hosts a server binds to, not addresses a client can reach (PostgREST says `0.0.0.0`). */
const UNSPECIFIED_HOSTS = new Set(["0.0.0.0", "[::]", "::"]);

/**
 * Derives the base URL.
 *
 * @example Usage
 * ```ts
 * import { deriveServer } from "./servers.ts";
 * const plan = deriveServer(
 *   { servers: [{ url: "https://api.example.com/v1" }] },
 *   { kind: "file", path: "/specs/api.yaml" },
 * );
 * plan.fields.base_url.default; // "https://api.example.com/v1/"
 * ```
 * @param document the spec (3.1 shape).
 * @param source where the spec came from: a relative server URL resolves against a spec URL.
 * @returns `client.base_url` and its config fields.
 */
export function deriveServer(document: SpecObject, source: SpecSource): ServerPlan {
  const list = Array.isArray(document.servers) ? document.servers.filter(isObject) : [];
  const servers = list.filter((s) => typeof s.url === "string");
  const resolved = servers.map((s) => resolveServerUrl(String(s.url), source));
  const first = servers[0];
  const variables = first && isObject(first.variables) ? first.variables : {};
  const names = Object.keys(variables);
  const others = resolved.slice(1).map((r) => r.url);
  const otherDoc = others.length > 0 ? ` Other servers of the spec: ${others.join(", ")}.` : "";

  if (first && names.length > 0) {
    // The variables become fields; the template keeps their places.
    let template = resolved[0].url;
    const fields: Record<string, ConfigField> = {};
    for (const name of names) {
      const variable = isObject(variables[name]) ? variables[name] as SpecObject : {};
      const field = snakeCase(name) || "server_variable";
      template = template.replaceAll(`{${name}}`, `{${field}}`);
      const values = Array.isArray(variable.enum) ? variable.enum.map(String) : [];
      const doc = [
        oneLine(variable.description, 300) ??
          `The server variable "${name}" of ${resolved[0].url}.`,
        values.length > 0 ? `One of: ${values.join(", ")}.` : "",
      ].filter((s) => s !== "").join(" ");
      fields[field] = {
        ...(variable.default !== undefined ? { default: String(variable.default) } : {}),
        doc: doc + otherDoc,
      };
    }
    return { baseUrl: withSlash(template), fields, servers: resolved.map((r) => r.url) };
  }

  const doc = "The API's base URL" + (first ? " (the spec's first server)" : "") +
    "; point it at another server, a staging API or a local mock to load from there." +
    otherDoc;
  if (!first || resolved[0].relative) {
    const what = first
      ? `The API's base URL, ending in ${String(first.url)}: the spec's server is relative ` +
        "and the spec was read from a file, so the address is not known."
      : "The API's base URL: the spec names no server.";
    return {
      baseUrl: "{base_url}",
      fields: { base_url: { doc: `${what}${otherDoc}` } },
      servers: resolved.map((r) => r.url),
    };
  }
  return {
    baseUrl: "{base_url}",
    fields: { base_url: { default: withSlash(resolved[0].url), doc } },
    servers: resolved.map((r) => r.url),
  };
}

/**
 * A server URL made absolute: against the spec's URL when relative; an unspecified host
 * (`0.0.0.0`) takes the spec URL's origin. A relative URL of a file spec stays relative.
 */
function resolveServerUrl(url: string, source: SpecSource): { url: string; relative: boolean } {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
  if (source.kind === "file") return { url, relative: !absolute };
  const specUrl = new URL(source.url);
  if (!absolute) {
    // Keep `{variables}` readable: URL() would percent-encode the braces.
    const base = new URL(url.replace(/[{}]/g, (c) => c === "{" ? "%7B" : "%7D"), specUrl);
    return { url: decodeBraces(base.href), relative: false };
  }
  const parsed = safeUrl(url);
  if (parsed && UNSPECIFIED_HOSTS.has(parsed.hostname)) {
    return { url: `${specUrl.origin}${parsed.pathname}${parsed.search}`, relative: false };
  }
  return { url, relative: false };
}

function decodeBraces(text: string): string {
  return text.replaceAll("%7B", "{").replaceAll("%7D", "}");
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
