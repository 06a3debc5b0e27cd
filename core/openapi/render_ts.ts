/**
 * A derived connector as a TS module, the one place its template lives. It runs in dltx's
 * plugin sandbox as it is: no runtime import, only a type-only import of `dltx` (erased before
 * it runs) and `satisfies Connector`, which keeps the literal types for checking and
 * completion (see docs/editor.md).
 *
 * @module
 */

import { Annotations, type CommentLine, type NodePath, wrapLines } from "./annotations.ts";
import type { DerivedConnector } from "./derive.ts";

/** Comment text width: 100 columns less the `// ` and some indentation. */
const WIDTH = 90;
/** Objects under these keys go on one line when they fit. */
const INLINE_KEYS = new Set(["paginator", "auth", "access_token_request_data"]);

/**
 * Renders the connector as a TS module with its comments.
 *
 * @param derived the derived connector.
 * @returns the module's text.
 */
export function renderConnectorTs(derived: DerivedConnector): string {
  const { connector, annotations } = derived;
  const header = wrapLines(annotations.header, WIDTH).map((l) => ` * ${l}`.trimEnd());
  const lines = [
    "/**",
    ...header,
    " *",
    " * A plugin module: dltx runs it in a sandbox, so it imports nothing at run time (the",
    " * type-only import below is erased before it runs).",
    " *",
    " * @module",
    " */",
    "",
    'import type { Connector } from "dltx";',
    "",
    `export default ${printValue(connector, [], "", annotations)} satisfies Connector;`,
  ];
  const footer = commentLines(annotations.afterOf([]), "");
  if (footer.length > 0) lines.push("", ...footer);
  return lines.join("\n") + "\n";
}

function printValue(
  value: unknown,
  path: NodePath,
  indent: string,
  notes: Annotations,
): string {
  if (Array.isArray(value)) {
    if (value.every(isScalar) && inline(value).length < 60) return inline(value);
    const inner = indent + "  ";
    const items = value.flatMap((item, i) => [
      ...commentLines(notes.beforeOf([...path, i]), inner),
      `${inner}${printValue(item, [...path, i], inner, notes)},`,
    ]);
    return ["[", ...items, ...commentLines(notes.afterOf(path), inner), `${indent}]`].join("\n");
  }
  if (isRecord(value)) {
    const key = path[path.length - 1];
    const text = inline(value);
    const hasNotes = notes.afterOf(path).length > 0 ||
      Object.keys(value).some((k) => notes.beforeOf([...path, k]).length > 0);
    if (typeof key === "string" && INLINE_KEYS.has(key) && !hasNotes && text.length < 80) {
      return text;
    }
    const inner = indent + "  ";
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).flatMap((
      [k, v],
    ) => [
      ...commentLines(notes.beforeOf([...path, k]), inner),
      `${inner}${printKey(k)}: ${printValue(v, [...path, k], inner, notes)},`,
    ]);
    // The document's closing comments go after the module's last line, not in the object.
    const closing = path.length === 0 ? [] : commentLines(notes.afterOf(path), inner);
    return ["{", ...entries, ...closing, `${indent}}`].join("\n");
  }
  return inline(value);
}

/** A value on one line: `{ type: "bearer", token: "{token}" }`, `["id"]`, `"text"`. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(", ")}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    return `{ ${entries.map(([k, v]) => `${printKey(k)}: ${inline(v)}`).join(", ")} }`;
  }
  if (value === undefined) return "undefined";
  return JSON.stringify(value);
}

function printKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}

function commentLines(lines: readonly CommentLine[], indent: string): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (typeof line === "string") {
      out.push(...wrapLines([line], WIDTH).map((l) => `${indent}// ${l}`.trimEnd()));
    } else {
      for (const [key, value] of Object.entries(line.snippet)) {
        const one = `${printKey(key)}: ${inline(value)},`;
        const text = one.length <= WIDTH - 2
          ? one
          : `${printKey(key)}: ${printValue(value, [], "", new Annotations())},`;
        for (const part of text.split("\n")) out.push(`${indent}//   ${part}`);
      }
    }
  }
  return out;
}

function isScalar(value: unknown): boolean {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
