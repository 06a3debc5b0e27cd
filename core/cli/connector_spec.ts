/**
 * Turns the `<connector>` argument into a connector: a path to a `.ts`, `.js`, `.json` or
 * `.yaml` file, a connector vendored in the project (`.dltx/connectors/<name>/`, verified
 * against `dltx.lock`), or a built-in name.
 *
 * @module
 */

import { isAbsolute, join } from "node:path";
import { getBuiltinConnector, listBuiltinConnectors } from "../../connectors/mod.ts";
// Not plugins/mod.ts: `dltx run` needs only the vendored-connector check, not what installs them.
import { hasVendoredConnector, loadVendoredConnector } from "../../plugins/load_vendored.ts";
import { ConfigError } from "../errors.ts";
import { loadConnectorFile } from "../source/mod.ts";
import type { Connector } from "../source/types.ts";

const FILE_PATTERN = /\.(ts|js|mjs|json|ya?ml)$/i;

/**
 * Resolves a connector argument. A name vendored in the project wins over a built-in of the
 * same name, and is loaded only after every file's sha256 matched `dltx.lock`.
 *
 * @param spec a path, or a vendored or built-in connector name.
 * @param cwd the project root.
 * @returns the validated connector.
 * @throws {ConfigError} for an unknown name, an unloadable file, a URL or `jsr:` spec (those
 *   are added first), or a vendored file that changed since `dltx add`.
 */
export async function resolveConnector(spec: string, cwd: string): Promise<Connector> {
  if (/^(jsr:|https?:\/\/)/i.test(spec)) {
    throw new ConfigError(
      `Cannot run ${spec} directly: add it to the project first with ` +
        `\`dltx add connector ${spec}\`, then run it by its name (\`dltx run <name>\`)`,
    );
  }
  if (FILE_PATTERN.test(spec) || spec.includes("/") || spec.includes("\\")) {
    return await loadConnectorFile(isAbsolute(spec) ? spec : join(cwd, spec), { label: spec });
  }
  if (await hasVendoredConnector(cwd, spec)) {
    return (await loadVendoredConnector(cwd, spec)).connector;
  }
  const builtin = getBuiltinConnector(spec);
  if (builtin) return builtin;
  const names = listBuiltinConnectors().map((c) => c.name).join(", ");
  throw new ConfigError(
    `Unknown connector "${spec}": not added to this project (.dltx/connectors/, dltx.lock), ` +
      `not a built-in connector (${names}) and not a path to a .ts, .js, .json or .yaml file; ` +
      `add one with \`dltx add connector <name|path|url|jsr:@scope/name>\``,
  );
}
