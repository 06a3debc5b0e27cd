/**
 * TOML for the MCP secrets tools: the keys of a document, a redacted copy of it, and merging a
 * fragment into a file in place. The merge edits the text rather than re-serialising it, so
 * every comment, blank line and other value of `.dlt/secrets.toml` stays as the user wrote it:
 * `toml-eslint-parser` gives the exact place of each key and value, only the values the
 * fragment sets are replaced and its new keys inserted into their table (or a new table at the
 * end), and the result is parsed again and compared with what it must hold before anything is
 * written. No error of this module quotes a value: smol-toml's messages show the offending
 * line, which may hold a secret, so only line and column are passed on.
 *
 * @module
 */

import { parse, stringify, TomlError } from "smol-toml";
import { type AST, parseTOML } from "toml-eslint-parser";
import { UserError } from "../../errors.ts";

/** A TOML document as smol-toml reads it. */
export type TomlDoc = Record<string, unknown>;

/** One value of a document and the keys leading to it. */
export interface TomlLeaf {
  path: string[];
  value: unknown;
}

/** What {@linkcode mergeTomlFragment} did. */
export interface FragmentMerge {
  /** The new text of the file. */
  text: string;
  /** Dotted keys the file did not have. */
  added: string[];
  /** Dotted keys whose value was replaced. */
  updated: string[];
}

/**
 * Parses TOML; a syntax error names the place only, never the text there.
 *
 * @param what names the document in the error (`The fragment`, `/p/.dlt/secrets.toml`).
 * @throws {UserError} when `text` is not valid TOML
 */
export function parseTomlQuietly(text: string, what: string): TomlDoc {
  try {
    return parse(text) as TomlDoc;
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const reason = err.message.split("\n", 1)[0].replace(/^Invalid TOML document:\s*/, "");
    // A reason that quotes the input (a key or a character) is left out.
    const said = /^[\w\s,.()-]+$/.test(reason) ? `: ${reason}` : "";
    throw new UserError(
      `${what} is not valid TOML (line ${err.line}, column ${err.column}${said})`,
      { cause: err },
    );
  }
}

/** Every value of `doc` that is not a table, depth first, in document order. */
export function tomlLeaves(doc: TomlDoc, prefix: string[] = []): TomlLeaf[] {
  const leaves: TomlLeaf[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const path = [...prefix, key];
    if (isTable(value)) leaves.push(...tomlLeaves(value, path));
    else leaves.push({ path, value });
  }
  return leaves;
}

/** A key path as TOML writes it: `sources.github.access_token`, `sources."my api".key`. */
export function dottedKey(path: readonly string[]): string {
  return path.map(tomlKeyPart).join(".");
}

/** Text that reads as a placeholder rather than a value: `<configure me>`, `<api_key>`. */
export function isPlaceholder(value: unknown): boolean {
  return typeof value === "string" && /^<[^<>\n]*>$/.test(value);
}

/** What every redacted value becomes: as long as any short secret, so no length shows. */
export const REDACTED = "**********";

/**
 * `doc` as TOML with every value replaced by {@linkcode REDACTED}, except placeholders,
 * which show which keys still need a value. Tables and keys stay; comments are not kept (a
 * comment may hold an old secret).
 */
export function redactToml(doc: TomlDoc): string {
  return stringify(redactTable(doc));
}

function redactTable(table: TomlDoc): TomlDoc {
  const out: TomlDoc = {};
  for (const [key, value] of Object.entries(table)) {
    if (isTable(value)) out[key] = redactTable(value);
    else if (Array.isArray(value) && value.length > 0 && value.every(isTable)) {
      out[key] = value.map(redactTable);
    } else out[key] = isPlaceholder(value) ? value : REDACTED;
  }
  return out;
}

/**
 * Merges a TOML fragment into a file's text: a key the file has gets the fragment's value in
 * place, a new key goes at the end of its table (or into a new table at the end of the file),
 * and nothing else changes. Keys are compared as TOML reads them, so `a.b = 1` and
 * `[a]\nb = 1` are the same key.
 *
 * @param existing the file's text (`""` for a new file).
 * @param fragment the TOML to merge: tables and values; no arrays of tables.
 * @param file the file's path, for errors.
 * @returns the new text and the keys added and updated.
 * @throws {UserError} when the fragment or the file is not valid TOML, the fragment sets no
 *   value, gives a table a value (or a value a table), or the file holds the key where it
 *   cannot be changed in place (an inline table, an array of tables)
 */
export function mergeTomlFragment(
  existing: string,
  fragment: string,
  file: string,
): FragmentMerge {
  // As dlt's secrets tool: a fragment passed through a shell may carry `\n` for line breaks.
  const source = fragment.includes("\\n") && !fragment.includes("\n")
    ? fragment.replaceAll("\\n", "\n")
    : fragment;
  const leaves = tomlLeaves(parseTomlQuietly(source, "The fragment"));
  if (leaves.length === 0) throw new UserError("The fragment sets no value: nothing to merge");
  for (const leaf of leaves) {
    if (Array.isArray(leaf.value) && leaf.value.some(isTable)) {
      throw new UserError(
        `The fragment sets ${dottedKey(leaf.path)} to an array of tables, which dltx does not ` +
          "merge; set its values one key at a time",
      );
    }
  }
  const oldDoc = parseTomlQuietly(existing, file);
  for (const leaf of leaves) checkShape(oldDoc, leaf.path, file);

  const eol = existing.includes("\r\n") ? "\r\n" : "\n";
  const layout = readLayout(existing, file);
  const edits: Edit[] = [];
  const added: string[] = [];
  const updated: string[] = [];
  const inserts = new Map<string, { table: TableInfo | undefined; lines: string[] }>();
  for (const { path, value } of leaves) {
    const key = dottedKey(path);
    const place = layout.values.get(key);
    if (place) {
      edits.push({ start: place[0], end: place[1], text: tomlValue(value) });
      updated.push(key);
      continue;
    }
    if (hasPath(oldDoc, path)) {
      throw new UserError(
        `${key} is set inside an inline table or an array in ${file}; change it there by hand`,
      );
    }
    const parent = path.slice(0, -1);
    const table = tableFor(layout, parent);
    const id = table ? `t${table.index}` : `new:${dottedKey(parent)}`;
    const group = inserts.get(id) ?? { table, lines: [] };
    const relative = path.slice(table ? table.path.length : parent.length);
    group.lines.push(`${dottedKey(relative)} = ${tomlValue(value)}`);
    inserts.set(id, group);
    added.push(key);
  }
  let tail = "";
  for (const [id, { table, lines }] of inserts) {
    if (table) {
      edits.push({ start: table.insertAt, end: table.insertAt, text: lines.join(eol) + eol });
    } else {
      const header = `[${id.slice("new:".length)}]`;
      tail += `${eol}${header}${eol}${lines.join(eol)}${eol}`;
    }
  }
  let text = existing;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    let insert = edit.text;
    // An insertion needs a line of its own.
    if (edit.start === edit.end && edit.start > 0 && text[edit.start - 1] !== "\n") {
      insert = eol + insert;
    }
    text = text.slice(0, edit.start) + insert + text.slice(edit.end);
  }
  if (tail !== "") {
    const body = text.replace(/(\r?\n)*$/, "");
    text = body === "" ? tail.slice(eol.length) : body + eol + tail;
  }
  verifyMerge(oldDoc, leaves, text, file);
  return { text, added, updated };
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** A table of the file: its keys' path and where a new key of it goes. */
interface TableInfo {
  index: number;
  path: string[];
  /** Whether the table is `[[array]]` (its keys cannot be named by a path). */
  array: boolean;
  /** Full paths of its keys, dotted. */
  keys: string[];
  insertAt: number;
}

interface Layout {
  /** Where the value of each key of the file is: `[start, end)` of its text. */
  values: Map<string, [number, number]>;
  tables: TableInfo[];
}

function readLayout(text: string, file: string): Layout {
  let program: AST.TOMLProgram;
  try {
    program = parseTOML(text);
  } catch (err) {
    throw new UserError(`dltx cannot edit ${file} in place; edit it by hand`, { cause: err });
  }
  const top = program.body[0];
  const headers = top.body.filter((n): n is AST.TOMLTable => n.type === "TOMLTable");
  const values = new Map<string, [number, number]>();
  const tables: TableInfo[] = [];
  const addTable = (path: (string | number)[], body: AST.TOMLKeyValue[], end: number) => {
    const array = path.some((p) => typeof p === "number");
    const names = path.map(String);
    const keys: string[] = [];
    for (const kv of body) {
      const full = dottedKey([...names, ...kv.key.keys.map(keyName)]);
      keys.push(full);
      if (!array) values.set(full, [kv.value.range[0], kv.value.range[1]]);
    }
    tables.push({ index: tables.length, path: names, array, keys, insertAt: end });
  };
  const topKeys = top.body.filter((n): n is AST.TOMLKeyValue => n.type === "TOMLKeyValue");
  addTable([], topKeys, sectionEnd(text, headers[0]));
  headers.forEach((table, i) =>
    addTable(table.resolvedKey, table.body, sectionEnd(text, headers[i + 1]))
  );
  return { values, tables };
}

/**
 * Where a key added to a table goes: at the end of its section, before the blank lines and
 * the comments right above the next table's header (they describe that table).
 */
function sectionEnd(text: string, next: AST.TOMLTable | undefined): number {
  let pos = next ? text.lastIndexOf("\n", next.range[0] - 1) + 1 : text.length;
  const skip = (test: (line: string) => boolean) => {
    while (pos > 0) {
      const end = text[pos - 1] === "\n" ? pos - 1 : pos;
      const start = text.lastIndexOf("\n", end - 1) + 1;
      if (!test(text.slice(start, end).trim())) break;
      pos = start;
    }
  };
  if (next) skip((line) => line.startsWith("#"));
  skip((line) => line === "");
  return pos;
}

/** The table a new key under `parent` belongs to: `[parent]`, or one defining it by dots. */
function tableFor(layout: Layout, parent: string[]): TableInfo | undefined {
  const own = layout.tables.find((t) => !t.array && samePath(t.path, parent));
  if (own) return own;
  const prefix = dottedKey(parent) + ".";
  return layout.tables.find((t) =>
    !t.array && t.path.length < parent.length && parent.slice(0, t.path.length).every(
      (p, i) => p === t.path[i],
    ) && t.keys.some((k) => k.startsWith(prefix))
  ) ?? (parent.length === 0 ? layout.tables[0] : undefined);
}

/** A value must replace a value, a table extend a table. */
function checkShape(doc: TomlDoc, path: string[], file: string): void {
  let node: unknown = doc;
  for (let i = 0; i < path.length; i++) {
    if (node === undefined) return;
    if (!isTable(node)) {
      throw new UserError(
        `${dottedKey(path.slice(0, i))} is a value in ${file}, but the fragment makes it a ` +
          `table (${dottedKey(path)}); fix the fragment or the file`,
      );
    }
    node = node[path[i]];
  }
  if (isTable(node)) {
    throw new UserError(
      `${dottedKey(path)} is a table in ${file}, but the fragment gives it a value; set its ` +
        "keys instead",
    );
  }
}

/** Parses the merged text and checks it holds the old values with the fragment's on top. */
function verifyMerge(old: TomlDoc, leaves: TomlLeaf[], text: string, file: string): void {
  const expected = copyTables(old);
  for (const { path, value } of leaves) {
    let node = expected;
    for (const key of path.slice(0, -1)) {
      if (!isTable(node[key])) node[key] = {};
      node = node[key] as TomlDoc;
    }
    node[path[path.length - 1]] = value;
  }
  let merged: TomlDoc | undefined;
  try {
    merged = parse(text) as TomlDoc;
  } catch {
    merged = undefined;
  }
  if (merged === undefined || canonical(merged) !== canonical(expected)) {
    throw new UserError(
      `dltx could not merge the fragment into ${file} without changing its other values ` +
        "(its tables may be defined in a way dltx does not extend); nothing was written: " +
        "edit the file by hand",
    );
  }
}

/** A copy of the tables of `doc`; values are shared (a TomlDate must stay one). */
function copyTables(doc: TomlDoc): TomlDoc {
  const out: TomlDoc = {};
  for (const [k, v] of Object.entries(doc)) out[k] = isTable(v) ? copyTables(v) : v;
  return out;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (isTable(v)) return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a < b ? -1 : 1));
    return v;
  });
}

function hasPath(doc: TomlDoc, path: string[]): boolean {
  let node: unknown = doc;
  for (const key of path) {
    if (!isTable(node) || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

function tomlValue(value: unknown): string {
  return stringify({ v: value }).replace(/^v = /, "").replace(/\n$/, "");
}

function tomlKeyPart(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

function keyName(key: AST.TOMLBare | AST.TOMLQuoted): string {
  return key.type === "TOMLBare" ? key.name : key.value;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

function isTable(value: unknown): value is TomlDoc {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}
