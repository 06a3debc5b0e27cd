/**
 * Loads a connector from a file: a TS/JS module's default export, a JSON file or a YAML file,
 * then validates it.
 *
 * @module
 */

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { ConfigError } from "../errors.ts";
import { jsonErrorOffset } from "./_json_error.ts";
import type { Connector } from "./types.ts";
import { validateConnector } from "./validate.ts";

const MODULE = /\.(m?[jt]s|[jt]sx)$/i;
const JSON_FILE = /\.json$/i;
const YAML_FILE = /\.ya?ml$/i;

/**
 * Loads and validates a connector file.
 *
 * @example Usage
 * ```ts ignore
 * import { loadConnectorFile } from "./load.ts";
 * const connector = await loadConnectorFile("./connectors/demo.yaml");
 * ```
 * @param path a `.ts`/`.js`/`.mjs`/`.mts` module (default export), `.json`, `.yaml` or `.yml`.
 * @returns the validated connector.
 * @throws {ConfigError} for a missing file, an unknown extension, a parse error (with its
 *   line), a module without default export, or an invalid connector.
 */
export async function loadConnectorFile(path: string): Promise<Connector> {
  const absolute = resolve(path);
  await assertFile(path, absolute);
  let input: unknown;
  if (MODULE.test(path)) input = await importDefault(path, absolute);
  else if (JSON_FILE.test(path)) input = parseJson(path, await Deno.readTextFile(absolute));
  else if (YAML_FILE.test(path)) input = parseYamlFile(path, await Deno.readTextFile(absolute));
  else {
    throw new ConfigError(
      `Cannot load connector ${path}: expected a .ts, .js, .mjs, .json, .yaml or .yml file`,
    );
  }
  return validateConnector(input, path);
}

async function assertFile(path: string, absolute: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(absolute);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError(`Connector file not found: ${path} (looked at ${absolute})`);
    }
    throw new ConfigError(`Cannot read connector file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!info.isFile) throw new ConfigError(`Connector path ${path} is not a file`);
}

async function importDefault(path: string, absolute: string): Promise<unknown> {
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(absolute).href);
  } catch (error) {
    throw new ConfigError(
      `Cannot import connector module ${path}: ${(error as Error)?.message ?? error}`,
      { cause: error },
    );
  }
  if (module.default === undefined) {
    const named = Object.keys(module);
    throw new ConfigError(
      `Connector module ${path} has no default export; write "export default { name, client, ` +
        `resources }"${named.length ? ` (it exports: ${named.join(", ")})` : ""}`,
    );
  }
  return module.default;
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text);
    const where = offset === undefined ? "" : ` at ${lineColumn(text, offset)}`;
    // V8 appends the position (given above) or an excerpt of the file; keep the reason only.
    const reason = (error as Error).message
      .replace(/ in JSON at position \d+.*$/s, "")
      .replace(/, .*is not valid JSON$/s, "");
    throw new ConfigError(`Cannot parse connector ${path}${where}: ${reason}`, { cause: error });
  }
}

function parseYamlFile(path: string, text: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const pos = error.linePos?.[0];
      const where = pos ? ` at line ${pos.line}, column ${pos.col}` : "";
      const reason = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      throw new ConfigError(`Cannot parse connector ${path}${where}: ${reason}`, { cause: error });
    }
    throw new ConfigError(`Cannot parse connector ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}
