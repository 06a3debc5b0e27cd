/**
 * Parses a spec's text (JSON or YAML) with an error that names the file and the line.
 *
 * @module
 */

import { parse } from "yaml";
import { ConfigError } from "../errors.ts";

/**
 * Parses JSON or YAML text. JSON goes through `JSON.parse` (big specs are JSON, and YAML's
 * parser is much slower on them); anything else through the `yaml` package.
 *
 * @param text the file's text.
 * @param label names the file or URL in errors.
 * @returns the parsed value.
 * @throws {ConfigError} when the text is neither valid JSON nor valid YAML.
 */
export function parseSpecText(text: string, label: string): unknown {
  const body = text.replace(/^\uFEFF/, "");
  if (/^\s*[{[]/.test(body)) {
    try {
      return JSON.parse(body);
    } catch (jsonError) {
      // Flow-style YAML starts with `{` too; give YAML a chance before failing.
      try {
        return parse(body, { maxAliasCount: 1000 });
      } catch {
        throw new ConfigError(
          `Cannot read the OpenAPI spec ${label}: it is not valid JSON (${
            (jsonError as Error).message
          })`,
          { cause: jsonError },
        );
      }
    }
  }
  try {
    return parse(body, { maxAliasCount: 1000 });
  } catch (error) {
    const first = (error as Error).message.split("\n")[0];
    throw new ConfigError(
      `Cannot read the OpenAPI spec ${label}: it is not valid YAML (${first})`,
      {
        cause: error,
      },
    );
  }
}
