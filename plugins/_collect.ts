/**
 * Gathers a plugin's files: the entry, then every file it imports at run time, transitively.
 * Only relative imports may appear (the plugin is self-contained); anything else is an error
 * naming the file, the line and the specifier.
 *
 * @module
 */

import { ConfigError } from "../core/errors.ts";
import { type ImportRef, scanImports } from "./scan_imports.ts";

/** Files whose imports are followed. */
export const MODULE_FILE = /\.(m?[jt]s|[jt]sx|cjs)$/i;
/** Files a connector can be: a module, JSON or YAML. */
export const CONNECTOR_FILE = /\.(m?[jt]s|[jt]sx|json|ya?ml)$/i;
/** More files than any plugin has: stop a runaway import graph. */
const MAX_FILES = 500;

/** A plugin's files, relative to their common folder. */
export interface CollectedFiles {
  /** The files' deepest common folder (a URL ending in `/`). */
  base: string;
  /** The entry's path in `files`. */
  entry: string;
  /** Bytes by relative `/`-separated path, in the order found. */
  files: Map<string, Uint8Array>;
}

/** How to read a file and how to name it in errors. */
export interface CollectOptions {
  read(url: URL): Promise<Uint8Array>;
  display(url: URL): string;
}

/**
 * Reads the entry and the closure of its relative runtime imports.
 *
 * @param entry the connector file's URL (`file:`, `https:`).
 * @throws {ConfigError} for a runtime import that is not relative, or a computed `import()`.
 */
export async function collectFiles(entry: URL, options: CollectOptions): Promise<CollectedFiles> {
  const found = new Map<string, Uint8Array>();
  const queue = [entry];
  const seen = new Set([entry.href]);
  while (queue.length > 0) {
    const url = queue.shift()!;
    const bytes = await options.read(url);
    found.set(url.href, bytes);
    if (!MODULE_FILE.test(url.pathname)) continue;
    const text = new TextDecoder().decode(bytes);
    for (const target of relativeImports(text, options.display(url))) {
      const next = new URL(target, url);
      if (seen.has(next.href)) continue;
      if (seen.size >= MAX_FILES) {
        throw new ConfigError(
          `Connector plugin ${options.display(entry)} imports more than ${MAX_FILES} files`,
        );
      }
      seen.add(next.href);
      queue.push(next);
    }
  }
  return relativize(entry, found);
}

/**
 * The relative specifiers a module loads at run time.
 *
 * @param source the module's text.
 * @param file the module's name in errors.
 * @throws {ConfigError} for any other runtime import.
 */
export function relativeImports(source: string, file: string): string[] {
  const out: string[] = [];
  for (const ref of scanImports(source)) {
    if (ref.typeOnly) continue;
    const specifier = checkRuntimeImport(ref, file);
    if (!out.includes(specifier)) out.push(specifier);
  }
  return out;
}

function checkRuntimeImport(ref: ImportRef, file: string): string {
  const where = `${file} line ${ref.line}`;
  if (ref.specifier === undefined) {
    throw new ConfigError(
      `Connector plugin ${where}: import() with a computed specifier cannot be checked or ` +
        `vendored; import each file it may load with a string literal ("./x.ts")`,
    );
  }
  const spec = ref.specifier;
  if (!spec.startsWith("./") && !spec.startsWith("../")) {
    throw new ConfigError(
      `Connector plugin ${where} imports "${spec}" at run time; a plugin may import only ` +
        `relative files it ships with ("./helper.ts"). Copy the code into the plugin, or use ` +
        `\`import type\` when only types are needed (\`import { type X }\` still loads the module)`,
    );
  }
  if (/[?#]/.test(spec)) {
    throw new ConfigError(
      `Connector plugin ${where} imports "${spec}"; a plugin's relative imports name files ` +
        `without ?query or #fragment`,
    );
  }
  return spec;
}

/** Paths relative to the files' deepest common folder; the layout then works anywhere. */
function relativize(entry: URL, found: Map<string, Uint8Array>): CollectedFiles {
  const dirs = [...found.keys()].map((href) => href.slice(0, href.lastIndexOf("/") + 1));
  let base = dirs[0];
  for (const dir of dirs) {
    while (!dir.startsWith(base)) base = base.slice(0, base.lastIndexOf("/", base.length - 2) + 1);
  }
  const files = new Map<string, Uint8Array>();
  for (const [href, bytes] of found) files.set(relativePath(href, base), bytes);
  return { base, entry: relativePath(entry.href, base), files };
}

function relativePath(href: string, base: string): string {
  const segments = href.slice(base.length).split("/").map((s) => decodeURIComponent(s));
  if (segments.some((s) => s === "" || s === "." || s === ".." || /[\\/:*?"<>|]/.test(s))) {
    throw new ConfigError(`Cannot store plugin file ${href}: its path is not a plain file name`);
  }
  return segments.join("/");
}
