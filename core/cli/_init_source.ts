/**
 * Where a project scaffolded by `dltx init` imports dltx from. Run from a dltx checkout: the
 * checkout itself (a `file:` URL; no registry needed, and the very code that scaffolded it).
 * Run as the compiled binary, which has no library on disk: the JSR package
 * `jsr:@dltx/dltx@^<version>`. `--dltx <folder|jsr:...|https://...>` picks another.
 *
 * @module
 */

import { isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import denoJson from "../../deno.json" with { type: "json" };
import { ConfigError } from "../errors.ts";
import { exists } from "../exists.ts";
import type { DltxSource } from "./_init_project_files.ts";

/** The dltx tree this module belongs to. */
const DLTX_ROOT = new URL("../../", import.meta.url);

/**
 * The source of `--dltx`, or the default one.
 *
 * @param value `--dltx`: a checkout folder (relative to `cwd`, or absolute, or a `file:` URL),
 *   a `jsr:` specifier or an `https://` URL of a dltx tree.
 * @param cwd the project folder.
 * @throws {ConfigError} for a folder without `mod.ts`
 */
export async function dltxSource(value: string | undefined, cwd: string): Promise<DltxSource> {
  return value === undefined ? await defaultSource() : await sourceOf(value, cwd);
}

async function defaultSource(): Promise<DltxSource> {
  // The compiled binary's files are not a library the project could import; a checkout is.
  if (!Deno.build.standalone && await exists(fileURLToPath(new URL("mod.ts", DLTX_ROOT)))) {
    return { kind: "tree", base: DLTX_ROOT.href };
  }
  return { kind: "jsr", specifier: `jsr:${denoJson.name}@^${denoJson.version}` };
}

/** The `--dltx` value as a source; a relative folder stays relative, to move with the project. */
async function sourceOf(value: string, cwd: string): Promise<DltxSource> {
  if (value.startsWith("jsr:")) return { kind: "jsr", specifier: value };
  if (/^https?:\/\//i.test(value)) return { kind: "tree", base: withSlash(value) };
  const dir = value.startsWith("file:") ? fileURLToPath(value) : resolve(cwd, value);
  if (!await exists(join(dir, "mod.ts"))) {
    throw new ConfigError(
      `--dltx "${value}": ${dir} has no mod.ts; expected a dltx checkout folder, a jsr: ` +
        `specifier (jsr:${denoJson.name}@^${denoJson.version}) or an https:// URL of a dltx tree`,
    );
  }
  if (value.startsWith("file:") || isAbsolute(value)) {
    return { kind: "tree", base: withSlash(pathToFileURL(dir).href) };
  }
  const rel = relative(cwd, dir).replaceAll("\\", "/");
  return {
    kind: "tree",
    base: rel === "" ? "./" : withSlash(rel.startsWith("../") ? rel : `./${rel}`),
  };
}

/**
 * Checks that a local tree has the built-in connector's module where the import map points.
 * @throws {ConfigError} when it has not
 */
export async function checkBuiltinModule(
  source: DltxSource,
  name: string,
  cwd: string,
): Promise<void> {
  if (source.kind !== "tree" || /^https?:/i.test(source.base)) return;
  const url = new URL(`connectors/${name}.ts`, new URL(source.base, pathToFileURL(join(cwd, "/"))));
  if (!await exists(fileURLToPath(url))) {
    throw new ConfigError(
      `The dltx tree at ${source.base} has no connectors/${name}.ts for the built-in ` +
        `connector "${name}"; pass --dltx with a dltx checkout that has it`,
    );
  }
}

function withSlash(base: string): string {
  return base.endsWith("/") ? base : `${base}/`;
}
