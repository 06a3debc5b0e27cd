/**
 * Turns the `<connector>` argument into a connector: a built-in name or a path to a
 * `.ts`, `.js`, `.json` or `.yaml` file.
 *
 * @module
 */

import { isAbsolute, join } from "node:path";
import { getBuiltinConnector, listBuiltinConnectors } from "../../connectors/mod.ts";
import { ConfigError } from "../errors.ts";
import { loadConnectorFile } from "../source/mod.ts";
import type { Connector } from "../source/types.ts";

const FILE_PATTERN = /\.(ts|js|mjs|json|ya?ml)$/i;

/**
 * Resolves a connector argument.
 * @throws {ConfigError} for an unknown name or an unloadable file
 */
export async function resolveConnector(spec: string, cwd: string): Promise<Connector> {
  if (FILE_PATTERN.test(spec) || spec.includes("/") || spec.includes("\\")) {
    return await loadConnectorFile(isAbsolute(spec) ? spec : join(cwd, spec));
  }
  const builtin = getBuiltinConnector(spec);
  if (builtin) return builtin;
  const names = listBuiltinConnectors().map((c) => c.name).join(", ");
  throw new ConfigError(
    `Unknown connector "${spec}": not a built-in connector (${names}) and not a path to a ` +
      `.ts, .js, .json or .yaml file`,
  );
}
