/**
 * Merging dltx's entries into files the user may own: a marked section of a Markdown file,
 * lines of an ignore file, a server of a JSON MCP config, a TOML table. Each returns the new
 * text, or `undefined` when the file already says what it should (so a re-run changes nothing).
 *
 * JSON configs are read and edited with `jsonc-parser` (VS Code's own), because editors' files
 * may hold comments and trailing commas (`.vscode/mcp.json` is JSONC): only the entry dltx sets
 * is rewritten, and the user's comments, key order and indentation stay as they were.
 *
 * @module
 */

import {
  applyEdits,
  type FormattingOptions,
  modify,
  parse as parseJsonc,
  type ParseError,
  printParseErrorCode,
} from "jsonc-parser";
import { parse as parseToml } from "smol-toml";
import { ConfigError } from "../../errors.ts";

/** Opens the section dltx owns in a Markdown file. */
export const BEGIN_MARKER = "<!-- dltx:begin -->";
/** Closes the section dltx owns in a Markdown file. */
export const END_MARKER = "<!-- dltx:end -->";

/**
 * Puts `body` between the dltx markers: replaces the marked section in place, or appends one.
 *
 * @param existing the file's text, `undefined` when there is none.
 * @param body the section's content, without markers.
 * @returns the new text, or `undefined` when unchanged.
 */
export function mergeMarkedSection(existing: string | undefined, body: string): string | undefined {
  const section = `${BEGIN_MARKER}\n${body.trimEnd()}\n${END_MARKER}\n`;
  if (existing === undefined || existing.trim() === "") return section;
  const begin = existing.indexOf(BEGIN_MARKER);
  const end = existing.indexOf(END_MARKER, begin);
  let text: string;
  if (begin >= 0 && end > begin) {
    let after = end + END_MARKER.length;
    if (existing[after] === "\n") after++;
    text = existing.slice(0, begin) + section + existing.slice(after);
  } else {
    text = `${existing.replace(/\n*$/, "\n\n")}${section}`;
  }
  return text === existing ? undefined : text;
}

/**
 * Adds the lines that are missing from an ignore file (`.cursorignore`, `.continueignore`).
 *
 * @param existing the file's text, `undefined` when there is none.
 * @param entries the patterns to have, one a line.
 * @returns the new text, or `undefined` when every entry is there.
 */
export function mergeIgnoreFile(
  existing: string | undefined,
  entries: readonly string[],
): string | undefined {
  const have = new Set((existing ?? "").split(/\r?\n/).map((l) => l.trim()));
  const missing = entries.filter((e) => !have.has(e));
  if (missing.length === 0) return undefined;
  const head = existing === undefined || existing === "" ? "" : existing.replace(/\n*$/, "\n\n");
  return `${head}# dltx: keep secrets and loaded data out of the assistant's context\n${
    missing.join("\n")
  }\n`;
}

/**
 * Sets `doc[key].dltx = server` in a JSON MCP config, keeping every other server and key and
 * the file's comments and formatting.
 *
 * @param existing the file's text, `undefined` when there is none.
 * @param key where the servers are: `mcpServers` (Claude Code, Cursor) or `servers` (VS Code).
 * @param server the dltx server entry.
 * @param file the file's path, for errors.
 * @returns the new text, or `undefined` when the entry is already there.
 * @throws {ConfigError} when the file is not a JSON (or JSONC) object
 */
export function mergeJsonServer(
  existing: string | undefined,
  key: string,
  server: Record<string, unknown>,
  file: string,
): string | undefined {
  const doc = parseJsonObject(existing, file);
  const servers = doc[key] ?? {};
  if (!isObject(servers)) {
    throw new ConfigError(`${file}: "${key}" is not an object; fix it, then run again`);
  }
  if (JSON.stringify(servers.dltx) === JSON.stringify(server)) return undefined;
  if (existing === undefined || existing.trim() === "") {
    return `${JSON.stringify({ [key]: { dltx: server } }, null, 2)}\n`;
  }
  // A missing or null `key` is set whole (jsonc-parser cannot add a key below null).
  if (doc[key] === undefined || doc[key] === null) {
    return editJson(existing, [key], { dltx: server });
  }
  return editJson(existing, [key, "dltx"], server);
}

/**
 * Adds `entries` to the string list at `path` of a JSON file (`permissions.deny` of
 * `.claude/settings.json`), keeping everything else, comments and formatting included.
 *
 * @param existing the file's text, `undefined` when there is none.
 * @param path the keys down to the list.
 * @param entries the strings to have in the list.
 * @param file the file's path, for errors.
 * @returns the new text, or `undefined` when every entry is there.
 * @throws {ConfigError} when the file or a key on the path has the wrong shape
 */
export function mergeJsonList(
  existing: string | undefined,
  path: readonly string[],
  entries: readonly string[],
  file: string,
): string | undefined {
  const doc = parseJsonObject(existing, file);
  let node: Record<string, unknown> = doc;
  // How many keys of the path the file has, from the top (null counts as missing).
  let present = 0;
  for (const [i, key] of path.slice(0, -1).entries()) {
    if (present === i && node[key] !== undefined && node[key] !== null) present++;
    const next = node[key] ?? {};
    if (!isObject(next)) throw new ConfigError(`${file}: "${key}" is not an object`);
    node = node[key] = next;
  }
  const last = path[path.length - 1];
  const list = node[last] ?? [];
  if (!Array.isArray(list)) throw new ConfigError(`${file}: "${path.join(".")}" is not a list`);
  const missing = entries.filter((e) => !list.includes(e));
  if (missing.length === 0) return undefined;
  if (existing === undefined || existing.trim() === "") {
    node[last] = [...list, ...missing];
    return `${JSON.stringify(doc, null, 2)}\n`;
  }
  // What is not there yet is created whole; an existing list gets the entries appended.
  if (!Array.isArray(node[last])) {
    const value = path.slice(present + 1).reduceRight<unknown>((v, k) => ({ [k]: v }), missing);
    return editJson(existing, path.slice(0, present + 1), value);
  }
  let text = existing;
  for (const entry of missing) text = editJson(text, [...path, -1], entry, true);
  return text;
}

/**
 * Puts a TOML table between `# dltx:begin`/`# dltx:end` comments: replaced in place when
 * marked, appended when the table is missing, left alone when the user wrote it themselves.
 *
 * @param existing the file's text, `undefined` when there is none.
 * @param table the table's dotted name, e.g. `mcp_servers.dltx`.
 * @param body the table's TOML text, header included.
 * @param file the file's path, for errors.
 * @returns the new text, or `undefined` when unchanged.
 * @throws {ConfigError} when the file is not valid TOML
 */
export function mergeTomlTable(
  existing: string | undefined,
  table: string,
  body: string,
  file: string,
): string | undefined {
  const section = `# dltx:begin\n${body.trimEnd()}\n# dltx:end\n`;
  if (existing === undefined || existing.trim() === "") return section;
  const begin = existing.indexOf("# dltx:begin");
  const end = existing.indexOf("# dltx:end", begin);
  if (begin >= 0 && end > begin) {
    let after = end + "# dltx:end".length;
    if (existing[after] === "\n") after++;
    const text = existing.slice(0, begin) + section + existing.slice(after);
    return text === existing ? undefined : text;
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(existing);
  } catch (err) {
    throw new ConfigError(`${file} is not valid TOML: ${(err as Error).message}`, { cause: err });
  }
  let node: unknown = doc;
  for (const key of table.split(".")) node = isObject(node) ? node[key] : undefined;
  // The user's own table of that name wins; we do not edit it.
  if (node !== undefined) return undefined;
  return `${existing.replace(/\n*$/, "\n\n")}${section}`;
}

/** Parses JSON with comments and trailing commas (JSONC), as editors write their configs. */
function parseJsonObject(existing: string | undefined, file: string): Record<string, unknown> {
  if (existing === undefined || existing.trim() === "") return {};
  const errors: ParseError[] = [];
  const doc: unknown = parseJsonc(existing, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const { error, offset } = errors[0];
    const before = existing.slice(0, offset).split("\n");
    const where = `line ${before.length}, column ${before[before.length - 1].length + 1}`;
    throw new ConfigError(
      `${file} is not valid JSON (${
        printParseErrorCode(error)
      } at ${where}); fix it, then run again`,
    );
  }
  if (!isObject(doc)) throw new ConfigError(`${file} is not a JSON object; fix it, then run again`);
  return doc;
}

/**
 * Sets the value at `path` by a text edit of `text`; the new value is indented as the file is.
 * A `-1` at the end of the path with `insert` appends to that list.
 */
function editJson(
  text: string,
  path: readonly (string | number)[],
  value: unknown,
  insert = false,
): string {
  const edits = modify(text, [...path], value, {
    formattingOptions: formattingOf(text),
    isArrayInsertion: insert,
  });
  return applyEdits(text, edits);
}

/** The indentation and line ending a JSON text uses (2 spaces and `\n` when it shows none). */
function formattingOf(text: string): FormattingOptions {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const indent = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indent?.startsWith("\t")) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indent?.length ?? 2, eol };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
