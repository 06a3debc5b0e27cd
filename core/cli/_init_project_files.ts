/**
 * The project files `dltx init` shares with the user: `deno.json` (the import map that lets
 * the pipeline import `dltx`) and `.gitignore`. Both are merged into what is there, never
 * replaced: the user's own entries stay.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { builtinSpecifier } from "./_init_templates.ts";

/**
 * Where a generated project imports dltx from: a source tree (a checkout folder as a URL or a
 * `./`/`../` path relative to the project, ending in `/`), or a JSR package specifier such as
 * `jsr:@dltx/dltx@^0.1.0`.
 */
export type DltxSource =
  | { kind: "tree"; base: string }
  | { kind: "jsr"; specifier: string };

/** The `imports` and `scopes` of a deno.json. */
export interface ImportMap {
  imports: Record<string, string>;
  scopes?: Record<string, Record<string, string>>;
}

/**
 * What `.gitignore` must hold: secrets, local databases, pipeline working folders and the npm
 * packages Deno installs into the project.
 */
export const GITIGNORE_ENTRIES: readonly string[] = [
  "secrets.toml",
  "*.duckdb",
  "*.duckdb.wal",
  ".dltx/pipelines/",
  "node_modules/",
];

/**
 * Settings a project gets unless it has its own: the npm packages dltx needs (DuckDB's
 * bindings) are installed into the project's `node_modules/` on the first run, and a remote
 * dltx (JSR or a URL) into `vendor/`; `deno.lock` pins them. Later runs need no network and no
 * registry, whatever happens to Deno's global cache.
 *
 * @param source Where dltx comes from; a local tree needs no `vendor/`.
 */
export function projectSettings(source: DltxSource): Record<string, unknown> {
  const remote = source.kind === "jsr" || /^https?:/i.test(source.base);
  return remote ? { nodeModulesDir: "auto", vendor: true } : { nodeModulesDir: "auto" };
}

/**
 * The import map a project needs: `dltx` (and `dltx/connectors/<name>` for a built-in
 * connector). A source tree's own npm imports are scoped to the tree, so they never clash
 * with the project's; a JSR package brings its dependencies itself.
 *
 * @param source Where dltx comes from.
 * @param builtin The built-in connector the pipeline imports, if any.
 * @param npmImports dltx's own import map (`deno.json` `imports`), for a source tree.
 */
export function projectImportMap(
  source: DltxSource,
  builtin: string | undefined,
  npmImports: Readonly<Record<string, string>>,
): ImportMap {
  if (source.kind === "jsr") {
    const imports: Record<string, string> = { dltx: source.specifier };
    if (builtin) imports[builtinSpecifier(builtin)] = `${source.specifier}/connectors/${builtin}`;
    return { imports };
  }
  const imports: Record<string, string> = { dltx: `${source.base}mod.ts` };
  if (builtin) imports[builtinSpecifier(builtin)] = `${source.base}connectors/${builtin}.ts`;
  return { imports, scopes: { [source.base]: { ...npmImports } } };
}

/** The outcome of {@linkcode mergeDenoJson}. */
export interface MergedFile {
  /** The new text, or `undefined` when the file already has everything. */
  text?: string;
  /** Entries the file has with another value (kept unless forced), e.g. `imports."dltx"`. */
  conflicts: string[];
}

/**
 * Adds the import map's entries to a deno.json (or writes a new one).
 *
 * @param existing The file's text, or `undefined` when there is none.
 * @param wanted The entries the project needs.
 * @param options `file` names the file in errors; `force` replaces entries that differ;
 *   `settings` are top-level keys added only where the file has none (never a conflict).
 * @throws {ConfigError} when the file is not a JSON object (deno.jsonc comments included)
 */
export function mergeDenoJson(
  existing: string | undefined,
  wanted: ImportMap,
  options: { file: string; force: boolean; settings?: Readonly<Record<string, unknown>> },
): MergedFile {
  const config = existing === undefined ? {} : parseConfig(existing, options.file, wanted);
  const conflicts: string[] = [];
  let changed = existing === undefined;
  for (const [key, value] of Object.entries(options.settings ?? {})) {
    if (config[key] !== undefined) continue;
    config[key] = value;
    changed = true;
  }
  const mergeInto = (path: string[], target: Record<string, unknown>, entries: object) => {
    for (const [key, value] of Object.entries(entries)) {
      const label = [...path, key].map((k) => JSON.stringify(k)).join(".");
      const current = target[key];
      if (typeof value === "object") {
        if (current !== undefined && !isObject(current)) {
          throw new ConfigError(`${options.file}: ${label} must be an object`);
        }
        const child = (current ?? {}) as Record<string, unknown>;
        if (current === undefined) target[key] = child;
        mergeInto([...path, key], child, value);
      } else if (current === undefined) {
        target[key] = value;
        changed = true;
      } else if (current !== value) {
        conflicts.push(`${label} is ${JSON.stringify(current)}, dltx init wants "${value}"`);
        if (options.force) {
          target[key] = value;
          changed = true;
        }
      }
    }
  };
  mergeInto([], config, wanted);
  return { text: changed ? JSON.stringify(config, null, 2) + "\n" : undefined, conflicts };
}

function parseConfig(text: string, file: string, wanted: ImportMap): Record<string, unknown> {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    // deno.jsonc may have comments; rewriting it would lose them, so ask for a hand edit.
    throw new ConfigError(
      `Cannot add dltx's imports to ${file}: it is not plain JSON ` +
        `(${err instanceof Error ? err.message : err}). Add these entries yourself, then run ` +
        `dltx init again with --force: ${JSON.stringify(wanted)}`,
      { cause: err },
    );
  }
  if (!isObject(config)) throw new ConfigError(`${file} must hold a JSON object`);
  return config;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Adds the missing {@linkcode GITIGNORE_ENTRIES} to a `.gitignore`.
 *
 * @param existing The file's text, or `undefined` when there is none.
 * @returns The new text, or `undefined` when every entry is there already.
 */
export function mergeGitignore(existing: string | undefined): string | undefined {
  const present = new Set((existing ?? "").split(/\r?\n/).map((l) => l.trim()));
  const missing = GITIGNORE_ENTRIES.filter((e) => !present.has(e) && !present.has(`/${e}`));
  if (missing.length === 0) return undefined;
  const head = existing === undefined || existing === ""
    ? ""
    : existing.endsWith("\n")
    ? existing + "\n"
    : existing + "\n\n";
  return `${head}# dltx: secrets, local databases, pipeline working folders, npm packages\n${
    missing.join("\n")
  }\n`;
}
