/**
 * The one-line error of a connector module that could not be loaded in its sandbox.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { denialMessage, denialOf } from "./_denial.ts";

/**
 * The error of a module that could not be loaded, as one line.
 *
 * @param label the connector as named to the user.
 * @param error what the worker reported.
 */
export function loadError(label: string, error: { name: string; message: string }): ConfigError {
  const denial = denialOf(error.message);
  if (denial) return new ConfigError(denialMessage(label, denial, "while loading"));
  if (error.name === "NoDefaultExport") {
    return new ConfigError(
      `Connector module ${label} has no default export; write "export default { name, client, ` +
        `resources }"${error.message ? ` (it exports: ${error.message})` : ""}`,
    );
  }
  if (error.name === "Timeout") return new ConfigError(`${error.message}; it may be stuck`);
  return new ConfigError(`Cannot import connector module ${label}: ${error.message}`);
}
