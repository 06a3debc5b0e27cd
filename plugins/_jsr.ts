/**
 * Resolves `jsr:@scope/name[@version][/export]` through JSR's HTTP API, the way Deno does:
 * `<registry>/@scope/name/meta.json` lists the versions, `<version>_meta.json` holds the
 * exports and the sha256 of every file, and files live under `<registry>/@scope/name/<version>/`.
 *
 * @module
 */

import { ConfigError, HttpError, UserError } from "../core/errors.ts";
import { checkFetchable, fetchJson, type FetchOptions } from "./_fetch.ts";
import { compareVersions, pickVersion } from "./_semver.ts";

/** The public registry; `DLTX_JSR_URL` points elsewhere (a mirror, a test server). */
export const DEFAULT_JSR_URL = "https://jsr.io";

const JSR_SPEC = /^jsr:\/?@([a-z0-9][\w.-]*)\/([a-z0-9][\w.-]*)(?:@([^/]+))?(?:\/(.+))?$/i;

/** A parsed `jsr:` spec. */
export interface JsrSpec {
  scope: string;
  name: string;
  /** As written (`1.2.3`, `^1`); `undefined` means the latest. */
  version?: string;
  /** The export to load (`.` or `./github`). */
  exportName: string;
}

/** A resolved JSR package version. */
export interface JsrResolution {
  version: string;
  /** The package version's folder: `<registry>/@scope/name/<version>/`. */
  root: URL;
  /** The module of the export. */
  entry: URL;
  /** sha256 (hex) of the package's files, by path from the root (`mod.ts`). */
  checksums: Map<string, string>;
}

/**
 * Parses a `jsr:` spec.
 *
 * @throws {UserError} when it is not `jsr:@scope/name[@version][/path]`.
 */
export function parseJsrSpec(spec: string): JsrSpec {
  const m = JSR_SPEC.exec(spec);
  if (!m) {
    throw new UserError(
      `Invalid JSR spec "${spec}"; expected jsr:@scope/name, jsr:@scope/name@version or ` +
        `jsr:@scope/name@version/export`,
    );
  }
  return { scope: m[1], name: m[2], version: m[3], exportName: m[4] ? `./${m[4]}` : "." };
}

/**
 * Resolves a JSR spec to a version and the URL of its module.
 *
 * @param spec the `jsr:` spec.
 * @param options how to fetch, and `registry` (the `DLTX_JSR_URL`).
 * @throws {HttpError} when the registry cannot be reached.
 * @throws {UserError} for an unknown package, version or export.
 */
export async function resolveJsr(
  spec: string,
  options: Omit<FetchOptions, "what"> & { registry?: string },
): Promise<JsrResolution> {
  const parsed = parseJsrSpec(spec);
  const registry = registryUrl(options.registry);
  const pkg = `@${parsed.scope}/${parsed.name}`;
  const base = new URL(`${pkg}/`, registry);
  const what = `the JSR registry (${registry.href.replace(/\/$/, "")})`;
  const meta = await fetchMeta(new URL("meta.json", base), pkg, { ...options, what });
  const version = chooseVersion(pkg, parsed.version, meta);
  const versionMeta = await fetchJson(new URL(`${version}_meta.json`, base), {
    ...options,
    what,
  });
  const exportsMap = readExports(versionMeta);
  const target = exportsMap[parsed.exportName];
  if (typeof target !== "string") {
    const known = Object.keys(exportsMap).join(", ") || "none";
    throw new UserError(
      `${pkg}@${version} has no export "${parsed.exportName}" (its exports: ${known})`,
    );
  }
  const root = new URL(`${version}/`, base);
  return {
    version,
    root,
    entry: new URL(target.replace(/^\.?\//, ""), root),
    checksums: readChecksums(versionMeta),
  };
}

function registryUrl(configured: string | undefined): URL {
  const text = (configured || DEFAULT_JSR_URL).replace(/\/*$/, "/");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`DLTX_JSR_URL must be a URL like https://jsr.io (got "${configured}")`);
  }
  checkFetchable(url, `the JSR registry ${url.href}`);
  return url;
}

interface PackageMeta {
  latest?: string;
  versions: Record<string, { yanked?: boolean }>;
}

async function fetchMeta(url: URL, pkg: string, options: FetchOptions): Promise<PackageMeta> {
  let meta: unknown;
  try {
    meta = await fetchJson(url, options);
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) {
      throw new UserError(`JSR package ${pkg} does not exist (${url.href} returned 404)`, {
        cause: error,
      });
    }
    throw error;
  }
  const versions = (meta as { versions?: unknown })?.versions;
  if (typeof versions !== "object" || versions === null) {
    throw new UserError(`Cannot read ${url.href}: it has no "versions" object`);
  }
  return meta as PackageMeta;
}

function chooseVersion(pkg: string, wanted: string | undefined, meta: PackageMeta): string {
  const all = Object.keys(meta.versions).sort(compareVersions);
  const live = all.filter((v) => !meta.versions[v]?.yanked);
  if (wanted === undefined) {
    if (meta.latest && live.includes(meta.latest)) return meta.latest;
    const latest = pickVersion("*", live);
    if (latest) return latest;
    throw new UserError(`JSR package ${pkg} has no published version to add`);
  }
  // An exact version may be yanked (it was published once); a range only picks live ones.
  const picked = all.includes(wanted) ? wanted : pickVersion(wanted, live);
  if (picked) return picked;
  const shown = live.length > 20 ? [...live.slice(0, 3), "...", ...live.slice(-16)] : live;
  throw new UserError(
    `JSR package ${pkg} has no version "${wanted}"; available: ${shown.join(", ") || "none"}` +
      (meta.latest ? ` (latest ${meta.latest})` : ""),
  );
}

function readExports(versionMeta: unknown): Record<string, unknown> {
  const exports = (versionMeta as { exports?: unknown })?.exports;
  if (typeof exports === "string") return { ".": exports };
  if (typeof exports === "object" && exports !== null) return exports as Record<string, unknown>;
  return {};
}

function readChecksums(versionMeta: unknown): Map<string, string> {
  const checksums = new Map<string, string>();
  const manifest = (versionMeta as { manifest?: unknown })?.manifest;
  if (typeof manifest !== "object" || manifest === null) return checksums;
  for (const [path, info] of Object.entries(manifest)) {
    const checksum = (info as { checksum?: unknown })?.checksum;
    if (typeof checksum === "string" && checksum.startsWith("sha256-")) {
      checksums.set(path.replace(/^\//, ""), checksum.slice("sha256-".length).toLowerCase());
    }
  }
  return checksums;
}
