/**
 * Writes a connector definition as a standalone TS module (`export default { ... };`), the
 * form `dltx add connector <built-in>` vendors so a project can customise a built-in. Built-in
 * connectors are plain data plus self-contained functions (`processing_steps`), so the
 * module needs no imports at all.
 *
 * @module
 */

import { InternalError } from "../core/errors.ts";
import type { Connector } from "../core/source/types.ts";

/** Options of {@linkcode serializeConnector}. */
export interface SerializeOptions {
  /** Comment lines put above the definition (without `//`). @default none */
  header?: string[];
  /**
   * Types the definition for editors: `import type { Connector } from "<typesFrom>";` above it
   * and `satisfies Connector` after it (erased before it runs). @default untyped
   */
  typesFrom?: string;
  /** Line width the literal is wrapped at. @default 100 */
  lineWidth?: number;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const INDENT = "  ";

/**
 * Serializes a connector as TS source.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { serializeConnector } from "./serialize_connector.ts";
 * const source = serializeConnector({
 *   name: "pets",
 *   client: { base_url: "https://api.example.com/" },
 *   resources: ["pets"],
 * });
 * match(source, /^export default \{\n  name: "pets",/m);
 * ```
 * @param connector the definition (data and self-contained functions only).
 * @param options header comment and line width.
 * @returns the module text, ending with a newline.
 * @throws {InternalError} for a value that has no source form (a native or bound function).
 */
export function serializeConnector(connector: Connector, options: SerializeOptions = {}): string {
  const width = options.lineWidth ?? 100;
  const header = (options.header ?? []).map((line) => `// ${line}`.trimEnd() + "\n").join("");
  const body = literal(connector, { indent: "", room: width - "export default ".length, width });
  if (options.typesFrom === undefined) return `${header}export default ${body};\n`;
  return `${header}import type { Connector } from ${JSON.stringify(options.typesFrom)};\n\n` +
    `export default ${body} satisfies Connector;\n`;
}

interface Layout {
  indent: string;
  /** Characters left on the current line for the value. */
  room: number;
  width: number;
}

function literal(value: unknown, layout: Layout, path = ""): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
    case "boolean":
      return String(value);
    case "function":
      return reindent(functionSource(value as (...args: unknown[]) => unknown, path), layout);
    case "object":
      return Array.isArray(value)
        ? listLiteral(value, layout, path)
        : objectLiteral(value as Record<string, unknown>, layout, path);
    default:
      throw new InternalError(`Cannot write ${path || "the connector"}: ${typeof value} value`);
  }
}

function listLiteral(items: unknown[], layout: Layout, path: string): string {
  if (items.length === 0) return "[]";
  const inner = { ...layout, indent: layout.indent + INDENT };
  const parts = items.map((item, i) =>
    literal(item, { ...inner, room: layout.width - inner.indent.length - 1 }, `${path}[${i}]`)
  );
  const flat = `[${parts.join(", ")}]`;
  if (flat.length <= layout.room && !flat.includes("\n")) return flat;
  return `[\n${parts.map((p) => `${inner.indent}${p},\n`).join("")}${layout.indent}]`;
}

function objectLiteral(object: Record<string, unknown>, layout: Layout, path: string): string {
  const entries = Object.entries(object).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "{}";
  const inner = { ...layout, indent: layout.indent + INDENT };
  const parts = entries.map(([key, v]) => {
    const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
    const room = layout.width - inner.indent.length - name.length - 3;
    const at = path ? `${path}.${key}` : key;
    return `${name}: ${literal(v, { ...inner, room }, at)}`;
  });
  const flat = `{ ${parts.join(", ")} }`;
  if (flat.length <= layout.room && !flat.includes("\n")) return flat;
  return `{\n${parts.map((p) => `${inner.indent}${p},\n`).join("")}${layout.indent}}`;
}

/** A function's source as an expression; method shorthand (`map(r) {}`) becomes `function`. */
function functionSource(fn: (...args: unknown[]) => unknown, path: string): string {
  const source = fn.toString();
  if (/\{\s*\[native code\]\s*\}$/.test(source)) {
    throw new InternalError(`Cannot write ${path}: a native or bound function has no source`);
  }
  if (compiles(source)) return source;
  const method = source.replace(/^(async\s+)?(\*?\s*)/, "$1function$2 ");
  if (compiles(method)) return method;
  throw new InternalError(`Cannot write ${path}: its function source is not an expression`);
}

/** Moves a multi-line function's continuation lines to the indentation they now sit at. */
function reindent(source: string, layout: Layout): string {
  const [first, ...rest] = source.split("\n");
  if (rest.length === 0) return source;
  const indents = rest.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length);
  const common = Math.min(...indents);
  return [first, ...rest.map((l) => l.trim() === "" ? "" : layout.indent + l.slice(common))]
    .join("\n");
}

function compiles(expression: string): boolean {
  try {
    // Compiles without running: only syntax is checked.
    new Function(`return (${expression});`);
    return true;
  } catch {
    return false;
  }
}
