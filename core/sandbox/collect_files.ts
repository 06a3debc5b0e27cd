/**
 * Gathers a plugin's files: the entry, then every file it imports at run time, transitively.
 * Only relative imports may appear (the plugin is self-contained); anything else is an error
 * naming the file, the line and the specifier. These files are all a plugin's code may read
 * in its sandbox, so none may be a project's config (`.dlt/`, `package.json`), and only ES
 * modules and JSON can be imported: Deno does not check what a CommonJS `require()`, a Wasm
 * module's imports or a JSX import-source pragma load.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { checkRawImports } from "./_raw_imports.ts";
import { type ImportRef, scanImports } from "./scan_imports.ts";

/** Files whose imports are followed: ES modules (no CommonJS `.cjs`/`.cts`). */
export const MODULE_FILE = /\.(m?[jt]s|[jt]sx)$/i;
/** Files a connector can be: a module, JSON or YAML. */
export const CONNECTOR_FILE = /\.(m?[jt]s|[jt]sx|json|ya?ml)$/i;
/** Files a plugin module may import: ES modules and JSON. */
const IMPORTABLE_FILE = /\.(m?[jt]s|[jt]sx|json)$/i;
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
      checkImportable(next.pathname, `${options.display(url)} imports "${target}", which`);
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
 * Checks that a file may be imported by plugin code: an ES module or JSON, not a project's
 * config.
 *
 * @param path the file's path (or URL path).
 * @param subject how the message starts (`shop.ts imports "./x.cjs", which`).
 * @throws {ConfigError} naming the file and why.
 */
export function checkImportable(path: string, subject: string): void {
  const segments = decodeURIComponent(path).split(/[\\/]/);
  const name = segments.at(-1) ?? "";
  if (segments.includes(".dlt") || name === "package.json") {
    throw new ConfigError(
      `Connector plugin ${subject} is a project's config, not a file of the plugin; a plugin ` +
        `may not read .dlt/ (secrets) or package.json`,
    );
  }
  if (!IMPORTABLE_FILE.test(name)) {
    throw new ConfigError(
      `Connector plugin ${subject} is neither an ES module nor JSON; a plugin may import only ` +
        `.ts, .js, .mjs, .mts, .jsx, .tsx and .json files`,
    );
  }
}

/**
 * The relative specifiers a module loads at run time.
 *
 * @param source the module's text.
 * @param file the module's name in errors.
 * @throws {ConfigError} for any other runtime import, a JSX import-source pragma, or text that
 *   could hide one from the tokenizer (`_raw_imports.ts`).
 */
export function relativeImports(source: string, file: string): string[] {
  // Deno adds `import "<source>/jsx-runtime"` for this pragma, which no scanner sees.
  const pragma = /@jsxImportSource\s+(\S+)/.exec(source);
  if (pragma) {
    throw new ConfigError(
      `Connector plugin ${file} sets @jsxImportSource ${pragma[1]}, which imports a module at ` +
        `run time; a plugin may import only relative files it ships with`,
    );
  }
  const out: string[] = [];
  for (const ref of scanImports(source)) {
    if (ref.typeOnly) continue;
    const specifier = checkRuntimeImport(ref, file);
    if (!out.includes(specifier)) out.push(specifier);
  }
  // After the scanner, whose messages are more precise for what it can see.
  checkRawImports(source, file);
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
  if (/^(dltx|jsr:@dltx\/dltx)(@[^/]*)?(\/|$)/.test(spec)) {
    // dltx itself: a connector needs only its types, which are erased before it runs.
    throw new ConfigError(
      `Connector plugin ${where} imports "${spec}" at run time; a connector is plain data, ` +
        `typed without loading dltx: write \`import type { Connector } from "${spec}";\` and ` +
        `\`export default { ... } satisfies Connector;\` (defineConnector() is for pipeline ` +
        `scripts, which run with the library)`,
    );
  }
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
