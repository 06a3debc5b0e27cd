/**
 * Pipeline names. A name becomes a folder of the pipelines dir (and, by default, the DuckDB
 * file `<name>.duckdb` and the dataset `<name>_dataset`), so it must be one plain path
 * component: `--pipeline ../../x` must not write outside the pipelines dir, and `a/b` must not
 * make nested folders.
 *
 * @module
 */

import { UserError } from "../errors.ts";

/** Longest pipeline name: with `.duckdb` appended it still fits a 255-byte file name. */
export const MAX_PIPELINE_NAME_LENGTH = 200;

const ALLOWED = /^[A-Za-z0-9_.-]+$/;

/** What a valid pipeline name is, for error messages. */
const RULE = 'use only letters, digits, "_", "-" and ".", not starting with "."';

/**
 * Checks a pipeline name: ASCII letters, digits, `_`, `-` and `.`; no path separators; not
 * `.` or `..` and not starting with `.` (a hidden folder, which `dltx pipeline` skips); at most
 * {@linkcode MAX_PIPELINE_NAME_LENGTH} characters.
 *
 * @example Usage
 * ```ts
 * import { checkPipelineName } from "./pipeline_name.ts";
 * checkPipelineName("github_pipeline"); // "github_pipeline"
 * ```
 *
 * @param name the name as given
 * @returns `name`, unchanged
 * @throws {UserError} naming the name and what is wrong with it
 */
export function checkPipelineName(name: string): string {
  const problem = pipelineNameProblem(name);
  if (problem !== undefined) {
    throw new UserError(
      `Invalid pipeline name ${JSON.stringify(name)}: ${problem}. A pipeline name is the name ` +
        `of its working folder; ${RULE}`,
    );
  }
  return name;
}

/** Why `name` is not a valid pipeline name, or `undefined` when it is one. */
export function pipelineNameProblem(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (name === "." || name === "..") return "it names the current or parent folder";
  if (/[/\\]/.test(name)) return "it contains a path separator";
  if (name.startsWith(".")) return 'it starts with "."';
  if (name.length > MAX_PIPELINE_NAME_LENGTH) {
    return `it is ${name.length} characters long, longer than ${MAX_PIPELINE_NAME_LENGTH}`;
  }
  if (!ALLOWED.test(name)) {
    const bad = [...new Set(name.replace(/[A-Za-z0-9_.-]/g, ""))].map((c) => JSON.stringify(c));
    return `it contains ${bad.join(", ")}`;
  }
  return undefined;
}
