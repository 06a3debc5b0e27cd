/**
 * Turns a `dltx add connector <spec>` spec into the plugin's files, in memory: a built-in
 * name (the definition written out as a TS module), a local path, an `https://` URL or a
 * `jsr:` package. Every runtime import must be relative; those files come along.
 *
 * @module
 */

import { basename, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ConfigError, UserError } from "../core/errors.ts";
import type { Connector } from "../core/source/types.ts";
import { collectFiles, type CollectOptions, CONNECTOR_FILE } from "../core/sandbox/mod.ts";
import { checkFetchable, fetchBytes } from "./_fetch.ts";
import { sha256Hex } from "./_hash.ts";
import { resolveJsr } from "./_jsr.ts";
import type { PluginKind } from "./lockfile.ts";
import { serializeConnector } from "./serialize_connector.ts";

/** A built-in connector as the CLI hands it over (plugins/ does not import connectors/). */
export interface BuiltinPlugin {
  connector: Connector;
  /** Its docs page (`connectors/<name>.md`), copied along when given. */
  docs?: string;
  /** The dltx version it ships with, named in the copy's header. */
  dltxVersion?: string;
}

/** A plugin resolved to its files, not stored yet. */
export interface ResolvedPlugin {
  kind: PluginKind;
  spec: string;
  /** Where it was fetched: a URL (`url`, `jsr`) or `builtin:<name>`. */
  url?: string;
  /** The entry path as given, relative to the project when inside it (`path`). */
  path?: string;
  /** The JSR package version; `null` for the others (the definition's `version` fills it). */
  version: string | null;
  /** The connector file, relative to the plugin's folder. */
  entry: string;
  /** Bytes by `/`-separated path relative to the plugin's folder. */
  files: Map<string, Uint8Array>;
  /** Names a plugin file in messages (`https://host/x.ts`, `./conn/x.ts`). */
  display(path: string): string;
}

/** Options of {@linkcode resolvePlugin}. */
export interface ResolvePluginOptions {
  /** The project root: relative paths start here. */
  cwd: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** JSR registry base (`DLTX_JSR_URL`). @default "https://jsr.io" */
  jsrUrl?: string;
  /** Looks up a built-in connector by name. */
  builtin?: (name: string) => BuiltinPlugin | undefined;
  /** Names listed when a spec is neither a built-in nor a path. */
  builtinNames?: string[];
}

/**
 * Resolves a spec to the plugin's files.
 *
 * @param spec a built-in name, a path, an `https://` URL or `jsr:@scope/name[@version]`.
 * @param options where relative paths start, how to fetch, the built-ins.
 * @returns the files and where they came from.
 * @throws {UserError} for an unknown spec, an unreachable URL or registry, an unknown version.
 * @throws {ConfigError} for a runtime import that is not relative.
 */
export async function resolvePlugin(
  spec: string,
  options: ResolvePluginOptions,
): Promise<ResolvedPlugin> {
  const kind = specKind(spec);
  switch (kind) {
    case "jsr":
      return await resolveJsrPlugin(spec, options);
    case "url":
      return await resolveUrlPlugin(spec, options);
    case "path":
      return await resolvePathPlugin(spec, options);
    case "builtin":
      return resolveBuiltin(spec, options);
    default: {
      const _exhaustive: never = kind;
      throw new ConfigError(`Unknown spec kind ${_exhaustive}`);
    }
  }
}

/**
 * Which kind of spec this is: `jsr:…`, `http(s)://…`, a path (has a `/`, `\` or a connector
 * file extension, or starts with `.`), or else a built-in name.
 *
 * @throws {UserError} for another URL scheme (`npm:`, `ftp:`).
 */
export function specKind(spec: string): PluginKind {
  if (spec.startsWith("jsr:")) return "jsr";
  if (/^https?:\/\//i.test(spec)) return "url";
  if (spec.startsWith("file:")) return "path";
  if (/^[a-z][a-z0-9+.-]+:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec)) {
    throw new UserError(
      `Cannot add connector "${spec}": expected a built-in name, a path, an https:// URL or ` +
        `jsr:@scope/name[@version]`,
    );
  }
  if (spec.includes("/") || spec.includes("\\") || spec.startsWith(".")) return "path";
  if (CONNECTOR_FILE.test(spec)) return "path";
  return "builtin";
}

function resolveBuiltin(name: string, options: ResolvePluginOptions): ResolvedPlugin {
  const builtin = options.builtin?.(name);
  if (!builtin) {
    const names = options.builtinNames?.join(", ") || "none";
    throw new UserError(
      `Unknown connector "${name}": not a built-in connector (${names}); give a path ` +
        `(./${name}.ts), an https:// URL or jsr:@scope/name`,
    );
  }
  const { connector } = builtin;
  const header = [
    `The built-in "${connector.name}" connector${
      builtin.dltxVersion ? ` of dltx ${builtin.dltxVersion}` : ""
    }, copied by \`dltx add connector ${name}\`.`,
    `Customise it, then record the new sha256 in dltx.lock: \`dltx add connector ${name} --pin\`.`,
    `Typed for the editor by a type-only import of "dltx", erased before it runs (docs/editor.md).`,
  ];
  const files = new Map<string, Uint8Array>();
  const encoder = new TextEncoder();
  const source = serializeConnector(connector, { header, typesFrom: "dltx" });
  files.set(`${name}.ts`, encoder.encode(source));
  if (builtin.docs !== undefined) files.set(`${name}.md`, encoder.encode(builtin.docs));
  return {
    kind: "builtin",
    spec: name,
    url: `builtin:${name}`,
    version: null,
    entry: `${name}.ts`,
    files,
    display: (path) => `.dltx/connectors/${name}/${path} (built-in ${name})`,
  };
}

async function resolvePathPlugin(spec: string, options: ResolvePluginOptions) {
  const absolute = spec.startsWith("file:")
    ? fileURLToPath(spec)
    : isAbsolute(spec)
    ? spec
    : resolve(options.cwd, spec);
  checkConnectorFile(spec, absolute);
  const inside = relative(options.cwd, absolute);
  const shown = (path: string) => {
    const rel = relative(options.cwd, path);
    return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
  };
  const { base, entry, files } = await collectFiles(pathToFileURL(absolute), {
    read: (url) => readLocal(url, shown, absolute),
    display: (url) => shown(fileURLToPath(url)),
  });
  return {
    kind: "path" as const,
    spec,
    path: inside.startsWith("..") || isAbsolute(inside) ? absolute : inside.replaceAll("\\", "/"),
    version: null,
    entry,
    files,
    display: (path: string) => shown(fileURLToPath(new URL(path, base))),
  };
}

async function readLocal(url: URL, shown: (path: string) => string, entry: string) {
  const path = fileURLToPath(url);
  try {
    return await Deno.readFile(path);
  } catch (error) {
    const what = path === entry ? "Connector file" : "A file the connector imports,";
    if (error instanceof Deno.errors.NotFound) {
      throw new UserError(`${what} ${shown(path)} was not found (looked at ${path})`);
    }
    throw new UserError(`Cannot read ${shown(path)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function resolveUrlPlugin(spec: string, options: ResolvePluginOptions) {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new UserError(`Invalid URL "${spec}"`);
  }
  checkFetchable(url, spec);
  checkConnectorFile(spec, url.pathname);
  const { base, entry, files } = await collectFiles(url, fetching(options, "connector plugin"));
  return {
    kind: "url" as const,
    spec,
    url: url.href,
    version: null,
    entry,
    files,
    display: (path: string) => new URL(path, base).href,
  };
}

async function resolveJsrPlugin(spec: string, options: ResolvePluginOptions) {
  const jsr = await resolveJsr(spec, {
    fetch: options.fetch ?? fetch,
    signal: options.signal,
    registry: options.jsrUrl,
  });
  checkConnectorFile(spec, jsr.entry.pathname);
  const fetchOptions = fetching(options, `the JSR package ${spec}`);
  const collected = await collectFiles(jsr.entry, {
    ...fetchOptions,
    async read(url) {
      const bytes = await fetchOptions.read(url);
      await checkJsrChecksum(url, bytes, jsr.root, jsr.checksums);
      return bytes;
    },
  });
  // Paths relative to the package root, as JSR lists them, whatever folder the entry is in.
  const files = new Map<string, Uint8Array>();
  const prefix = decodeURIComponent(collected.base.slice(jsr.root.href.length));
  for (const [path, bytes] of collected.files) files.set(prefix + path, bytes);
  return {
    kind: "jsr" as const,
    spec,
    url: jsr.entry.href,
    version: jsr.version,
    entry: prefix + collected.entry,
    files,
    display: (path: string) => new URL(path, jsr.root).href,
  };
}

async function checkJsrChecksum(
  url: URL,
  bytes: Uint8Array,
  root: URL,
  checksums: Map<string, string>,
): Promise<void> {
  const path = decodeURIComponent(url.href.slice(root.href.length));
  const expected = checksums.get(path);
  if (expected === undefined) {
    if (checksums.size === 0) return; // Old registries list no manifest; nothing to check.
    throw new UserError(`${url.href} is not part of the JSR package (not in its manifest)`);
  }
  const actual = await sha256Hex(bytes);
  if (actual !== expected) {
    throw new UserError(
      `${url.href} does not match the JSR package manifest (sha256 ${actual}, expected ` +
        `${expected}); the registry or something on the way served another file`,
    );
  }
}

function fetching(options: ResolvePluginOptions, what: string): CollectOptions {
  return {
    read: (url) => {
      checkFetchable(url, url.href);
      return fetchBytes(url, { fetch: options.fetch ?? fetch, signal: options.signal, what });
    },
    display: (url) => url.href,
  };
}

function checkConnectorFile(spec: string, path: string): void {
  if (CONNECTOR_FILE.test(path)) return;
  throw new UserError(
    `Cannot add connector ${spec}: ${basename(path) || path} is not a connector file; ` +
      `expected a .ts, .js, .mjs, .json, .yaml or .yml file`,
  );
}
