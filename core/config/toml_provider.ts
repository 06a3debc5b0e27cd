/**
 * The `secrets.toml` and `config.toml` providers: one TOML file name looked up in several
 * `.dlt` folders (project first, then home), values found by dotted key path.
 *
 * @module
 */

import { isAbsolute, join, resolve } from "node:path";
import { parse, TomlError } from "smol-toml";
import { ConfigError } from "../errors.ts";
import type { ConfigProvider, ProviderValue } from "./types.ts";

/** A parsed TOML file. */
export interface TomlFile {
  /** Absolute path it was read from. */
  path: string;
  /** Its top-level table. */
  data: Record<string, unknown>;
}

/** Options of {@linkcode TomlProvider}. */
export interface TomlProviderOptions {
  /** Every path looked for, found or not; defaults to the files' paths. */
  probed?: readonly string[];
  /**
   * Whether secret fields may be read from it.
   * @default {true}
   */
  supportsSecrets?: boolean;
}

/** Config values from TOML files; earlier files win over later ones. */
export class TomlProvider implements ConfigProvider {
  readonly name: string;
  readonly supportsSecrets: boolean;
  readonly isEmpty: boolean;
  readonly loaded: readonly string[];
  readonly probed: readonly string[];
  readonly #files: readonly TomlFile[];

  /**
   * @param name Provider name, e.g. `secrets.toml`.
   * @param files Parsed files, highest precedence first.
   * @param options Probed paths and whether secrets are allowed.
   */
  constructor(name: string, files: readonly TomlFile[], options: TomlProviderOptions = {}) {
    this.name = name;
    this.#files = files;
    this.supportsSecrets = options.supportsSecrets ?? true;
    this.loaded = files.map((f) => f.path);
    this.probed = options.probed ?? this.loaded;
    this.isEmpty = files.every((f) => Object.keys(f.data).length === 0);
  }

  /** The dotted TOML key for a path, e.g. `sources.demo.api_key`. */
  keyOf(path: readonly string[]): string {
    return path.join(".");
  }

  /**
   * The value at the path from the first file that has it. A table present in several files
   * is merged (project keys over home keys), as dlt merges its global and project TOML.
   */
  get(path: readonly string[]): ProviderValue | undefined {
    let found: ProviderValue | undefined;
    for (const file of this.#files) {
      const value = walk(file.data, path);
      if (value === undefined) continue;
      if (!found) {
        if (!isTable(value)) return { value, location: file.path };
        found = { value: mergeTables(newTable(), value), location: file.path };
      } else if (isTable(value) && isTable(found.value)) {
        // Lower-precedence file: fill in only keys the earlier files lack.
        found.value = mergeTables(mergeTables(newTable(), value), found.value);
      }
    }
    return found;
  }
}

/**
 * Reads `<dir>/<fileName>` in each folder (highest precedence first) into a provider.
 * Missing files are skipped but remembered as probed.
 *
 * @param fileName `secrets.toml` or `config.toml`; also the provider's name.
 * @param dirs Folders holding the file, e.g. `<project>/.dlt` then `~/.dlt`.
 * @param options Whether secret fields may be read from it.
 * @returns The provider.
 * @throws {ConfigError} A file has a TOML syntax error (names the file and line) or cannot be
 * read.
 */
export async function loadTomlProvider(
  fileName: string,
  dirs: readonly string[],
  options: { supportsSecrets?: boolean } = {},
): Promise<TomlProvider> {
  const probed: string[] = [];
  const files: TomlFile[] = [];
  for (const dir of dirs) {
    const path = join(isAbsolute(dir) ? dir : resolve(dir), fileName);
    if (probed.includes(path)) continue; // project dir may be the home dir
    probed.push(path);
    const text = await readOptional(path);
    if (text !== undefined) files.push({ path, data: parseToml(text, path) });
  }
  return new TomlProvider(fileName, files, { probed, supportsSecrets: options.supportsSecrets });
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`Cannot read config file ${path}: ${reason}`, { cause: error });
  }
}

/**
 * Parses TOML text, turning a syntax error into a `ConfigError` naming file and line.
 * smol-toml's code frame is left out on purpose: it quotes the line, which may hold a secret.
 */
function parseToml(text: string, path: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split("\n", 1)[0].replace(/^Invalid TOML document:\s*/, "");
    throw new ConfigError(
      `Invalid TOML in ${path} at line ${error.line}, column ${error.column}: ${reason}`,
      { cause: error },
    );
  }
}

function walk(data: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = data;
  for (const part of path) {
    if (!isTable(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

/** A TOML table (plain object), as opposed to an array, a date or a scalar. */
function isTable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

/** Deep-copies `source` into `target`; keys of `source` win. Returns `target`. */
function mergeTables(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    target[key] = isTable(value)
      ? mergeTables(isTable(current) ? current : newTable(), value)
      : value;
  }
  return target;
}

/** A prototype-less object, so a TOML key named `__proto__` stays a plain key. */
function newTable(): Record<string, unknown> {
  return Object.create(null);
}
