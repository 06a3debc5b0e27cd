/**
 * Loads a connector from a file: a TS/JS module's default export, a JSON file or a YAML file,
 * then validates it. A module is plugin code: its imports are scanned first (only relative
 * files it ships with), then it is evaluated in a sandbox worker that may read only those
 * files (`core/sandbox`); its functions (processing steps) run later in a hook worker.
 *
 * @module
 */

import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ConfigError, UserError } from "../errors.ts";
import { collectFiles, evaluateModule, type LogSink } from "../sandbox/mod.ts";
import { isPlainObject } from "./_check.ts";
import { jsonErrorOffset } from "./_json_error.ts";
import { sourceNameOfFile } from "./_source_name.ts";
import type { Connector } from "./types.ts";
import { validateConnector } from "./validate.ts";

const MODULE = /\.(m?[jt]s|[jt]sx)$/i;
const JSON_FILE = /\.json$/i;
const YAML_FILE = /\.ya?ml$/i;

/** Options of {@linkcode loadConnectorFile}. */
export interface LoadConnectorOptions {
  /**
   * More files a module's code may read besides the ones it imports (a vendored connector's
   * pinned files). @default none
   */
  readable?: string[];
  /** The connector as named in a module's messages. @default the path as given */
  label?: string;
  /** Time a module has to load in its sandbox, in ms. @default 30000 */
  timeoutMs?: number;
  /** Stops loading the module. */
  signal?: AbortSignal;
  /** Receives a module's `console.*` output. */
  onLog?: LogSink;
}

/**
 * Loads and validates a connector file. A TS/JS module is evaluated in a sandbox worker (it may
 * read only its own files: no network, env vars, writes or programs), which needs Deno's
 * `--unstable-worker-options` flag (`"unstable": ["worker-options"]` in deno.json); without it
 * Deno stops the process (exit code 70) rather than run the module unconfined.
 *
 * @example Usage
 * ```ts ignore
 * import { loadConnectorFile } from "./load.ts";
 * const connector = await loadConnectorFile("./connectors/demo.yaml");
 * ```
 * @param path a `.ts`/`.js`/`.mjs`/`.mts` module (default export), `.json`, `.yaml` or `.yml`;
 *   a JSON or YAML connector without `name` (dlt's `RESTAPIConfig` has none) is named after the
 *   file's stem in snake_case (`My-API.yaml` -> `my_api`).
 * @param options files a module may read besides its imports, its time to load.
 * @returns the validated connector; a module's functions are stubs its sandbox runs.
 * @throws {ConfigError} for a missing file, an unknown extension, a parse error (with its
 *   line), an import of anything but the module's own files, a permission the module's code
 *   was denied, a module without default export, or an invalid connector.
 */
export async function loadConnectorFile(
  path: string,
  options: LoadConnectorOptions = {},
): Promise<Connector> {
  const absolute = resolve(path);
  await assertFile(path, absolute);
  let input: unknown;
  if (MODULE.test(path)) input = await evaluateFile(path, absolute, options);
  else if (JSON_FILE.test(path)) {
    input = withDefaultName(path, parseJson(path, await Deno.readTextFile(absolute)));
  } else if (YAML_FILE.test(path)) {
    input = withDefaultName(path, await parseYamlFile(path, await Deno.readTextFile(absolute)));
  } else {
    throw new ConfigError(
      `Cannot load connector ${path}: expected a .ts, .js, .mjs, .json, .yaml or .yml file`,
    );
  }
  return validateConnector(input, path);
}

/**
 * dlt's `RESTAPIConfig` has no `name`: a pasted one takes its file's stem (`github.json` ->
 * `github`), which then names its config section, env vars and pipeline.
 */
function withDefaultName(path: string, input: unknown): unknown {
  if (!isPlainObject(input) || input.name !== undefined) return input;
  return { name: sourceNameOfFile(path), ...input };
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

/** Scans a module's imports, then evaluates it in a sandbox that may read only those files. */
async function evaluateFile(
  path: string,
  absolute: string,
  options: LoadConnectorOptions,
): Promise<unknown> {
  const entry = pathToFileURL(absolute);
  const label = options.label ?? path;
  const shown = (url: URL) => url.href === entry.href ? label : fileURLToPath(url);
  const collected = await collectFiles(entry, {
    read: async (url) => {
      try {
        return await Deno.readFile(url);
      } catch (error) {
        throw new UserError(
          `Cannot read ${shown(url)}, which connector ${label} imports: ${
            (error as Error).message
          }`,
          { cause: error },
        );
      }
    },
    display: (url) => shown(url),
  });
  const own = [...collected.files.keys()].map((p) => fileURLToPath(new URL(p, collected.base)));
  return await evaluateModule(
    {
      url: entry.href,
      files: [...new Set([...own, ...(options.readable ?? [])])],
      label,
    },
    options,
  );
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

async function parseYamlFile(path: string, text: string): Promise<unknown> {
  // Imported here: a run of a JSON or TS connector does not pay for loading the YAML parser.
  const { parse: parseYaml, YAMLParseError } = await import("yaml");
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
