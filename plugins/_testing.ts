/**
 * Test fixtures: a JSR registry answering as jsr.io does (`meta.json`, `<version>_meta.json`
 * with the files' sha256, the files), as a request handler for `Deno.serve` or a fake fetch.
 *
 * @module
 */

import { sha256Hex } from "./_hash.ts";

/** One published version: files by path from the package root, and its exports. */
export interface FixtureVersion {
  files: Record<string, string>;
  /** @default { ".": "./mod.ts" } */
  exports?: Record<string, string>;
  yanked?: boolean;
}

/** A package of the fixture registry. */
export interface FixturePackage {
  scope: string;
  name: string;
  versions: Record<string, FixtureVersion>;
  latest?: string;
}

/** Every request the registry answered, as `<method> <path>`. */
export type RequestLog = string[];

/**
 * A JSR registry serving `packages` under `/@scope/name/...`.
 *
 * @returns the handler and the log of paths requested.
 */
export function jsrRegistry(packages: FixturePackage[]): {
  handler: (req: Request) => Promise<Response>;
  requests: RequestLog;
} {
  const requests: RequestLog = [];
  const handler = async (req: Request): Promise<Response> => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    requests.push(`${req.method} ${path}`);
    for (const pkg of packages) {
      const prefix = `/@${pkg.scope}/${pkg.name}/`;
      // The registry may sit below a path (`http://host/registry/@scope/name/...`).
      const at = path.indexOf(prefix);
      if (at < 0) continue;
      const rest = path.slice(at + prefix.length);
      if (rest === "meta.json") return json(packageMeta(pkg));
      const meta = /^(.+)_meta\.json$/.exec(rest);
      if (meta && pkg.versions[meta[1]]) return json(await versionMeta(pkg.versions[meta[1]]));
      const slash = rest.indexOf("/");
      const version = pkg.versions[rest.slice(0, slash)];
      const file = version?.files[rest.slice(slash + 1)];
      if (file !== undefined) return new Response(file, { headers: contentType(path) });
    }
    return new Response("Not Found", { status: 404 });
  };
  return { handler, requests };
}

/** A `fetch` that answers from a handler, without a network. */
export function handlerFetch(handler: (req: Request) => Promise<Response>): typeof fetch {
  return (input, init) => handler(new Request(input, init));
}

function packageMeta(pkg: FixturePackage) {
  const versions: Record<string, { yanked?: boolean }> = {};
  for (const [v, info] of Object.entries(pkg.versions)) {
    versions[v] = info.yanked ? { yanked: true } : {};
  }
  return { scope: pkg.scope, name: pkg.name, latest: pkg.latest, versions };
}

async function versionMeta(version: FixtureVersion) {
  const manifest: Record<string, { size: number; checksum: string }> = {};
  for (const [path, text] of Object.entries(version.files)) {
    const bytes = new TextEncoder().encode(text);
    manifest[`/${path}`] = { size: bytes.length, checksum: `sha256-${await sha256Hex(bytes)}` };
  }
  return { manifest, exports: version.exports ?? { ".": "./mod.ts" }, moduleGraph2: {} };
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
}

function contentType(path: string): HeadersInit {
  if (path.endsWith(".ts")) return { "content-type": "text/typescript" };
  if (path.endsWith(".json")) return { "content-type": "application/json" };
  return { "content-type": "text/plain" };
}
