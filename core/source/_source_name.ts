/**
 * The name a connector file gets when it has no `name` key (dlt's `RESTAPIConfig` has none):
 * the file's stem, normalized as dlt normalizes a source's schema name (`snake_case`).
 *
 * @module
 */

import { basename, extname } from "node:path";
import { ConfigError } from "../errors.ts";

/** What `validateConnector` accepts as a name: it becomes a config section and env var part. */
const SOURCE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

// dlt's snake_case reduces a few characters to letters before anything else becomes `_`.
const REDUCE: Readonly<Record<string, string>> = {
  "+": "x",
  "-": "_",
  "*": "x",
  "@": "a",
  "|": "l",
};

/**
 * The default name of the connector in file `path`: `github.json` -> `github`,
 * `My-API.yaml` -> `my_api`, `shopOrders.json` -> `shop_orders`.
 *
 * @throws {ConfigError} when the stem does not make a name (it must start with a letter)
 */
export function sourceNameOfFile(path: string): string {
  const file = basename(path.replace(/\\/g, "/"));
  const stem = basename(file, extname(file));
  const name = stem.trim()
    .replace(/[+\-*@|]/g, (c) => REDUCE[c])
    .replace(/[^a-zA-Z0-9_]+/g, "_")
    .replace(/([^_])([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/__+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!SOURCE_NAME.test(name)) {
    throw new ConfigError(
      `Connector ${path} has no "name", and its file name "${file}" does not make one (a name ` +
        "starts with a letter and holds letters, digits, _ and -); add a name key, e.g. " +
        `name: ${/^[0-9]/.test(name) ? `api_${name}` : "my_api"}`,
    );
  }
  return name;
}
