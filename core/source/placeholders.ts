/**
 * `{placeholder}` templates, as dlt formats them (Python `str.format` rules): `{field}` takes a
 * config value, `{resources.<parent>.<field>}` (or a legacy resolve param name) takes a field of
 * the parent record, `{incremental.start_value}` (and `initial_value`, `last_value`,
 * `end_value`) the resource's incremental range, `{{` and `}}` are literal braces. A value that
 * is one placeholder of an unset optional config field (`default: null`) renders as `null`, so
 * the param, header or auth is left out. Templates are compiled once per resource and rendered
 * once per parent record, so no string is parsed twice.
 *
 * @module
 */

import { ConfigError, DataError } from "../errors.ts";
import { stringifyJson } from "../json/mod.ts";
import { compileGetter } from "./_path.ts";

/** What placeholders may refer to while compiling one resource's request parts. */
export interface PlaceholderScope {
  /** Resource name for errors; `client` for the client block. */
  resource: string;
  /** Resolved config values by field name. */
  config: Record<string, unknown>;
  /** The parent resource, for a child resource. */
  parent?: string;
  /** Legacy resolve params: placeholder name -> field of the parent record. */
  resolve?: Record<string, string>;
  /** Static params that a path may bind (`{page}` + `params.page`), dlt's legacy form. */
  bound?: Record<string, Template>;
  /** Filled while compiling: names of `resolve` and `bound` entries used. */
  used?: Set<string>;
  /**
   * Values of `{incremental.<name>}` for a resource with an incremental cursor (`null` when
   * unset); without it, such placeholders are an error.
   */
  incremental?: Readonly<Record<string, unknown>>;
}

/** The names `{incremental.<name>}` may use. */
const INCREMENTAL_NAMES = ["start_value", "initial_value", "last_value", "end_value"];

/** A reference to a field of the parent record. */
export interface FieldRef {
  /** The placeholder as written, without braces. */
  expr: string;
  /** The field path into the parent record. */
  field: string;
  /** Reads the field. */
  get: (record: unknown) => unknown;
  parent: string;
  resource: string;
}

/** A compiled string: literal text and parent-field references, in order. */
export interface Template {
  parts: (string | FieldRef)[];
}

/** A compiled value that renders for a parent record (static values ignore it). */
export interface Renderer<T> {
  /** Whether rendering depends on the parent record. */
  readonly dynamic: boolean;
  render(parent?: unknown): T;
}

const NAME = /^[A-Za-z_][\w.\-]*$/;

/**
 * Placeholder names in a value (strings, and keys and values of objects and lists, deeply).
 *
 * @example Usage
 * ```ts
 * import { findPlaceholders } from "./placeholders.ts";
 * findPlaceholders({ q: "{resources.issues.id}", page: "{{literal}}" }); // ["resources.issues.id"]
 * ```
 * @param value a string, object or list.
 * @returns the names, in order of appearance (with repeats).
 */
export function findPlaceholders(value: unknown): string[] {
  const names: string[] = [];
  walkStrings(value, (text) => {
    if (text.includes("{")) {
      for (const token of tokenize(text)) if (typeof token !== "string") names.push(token.name);
    }
  });
  return names;
}

/**
 * Compiles a string template.
 *
 * @param text the template.
 * @param scope what the placeholders may refer to.
 * @param where the key path, for errors (`endpoint.path`).
 * @returns the compiled template.
 * @throws {ConfigError} for an unknown placeholder, naming it and the resource.
 */
export function compileTemplate(text: string, scope: PlaceholderScope, where: string): Template {
  if (!text.includes("{") && !text.includes("}")) return { parts: [text] };
  const parts: (string | FieldRef)[] = [];
  for (const token of tokenize(text)) {
    if (typeof token === "string") parts.push(token);
    else parts.push(...resolveName(token.name, scope, where, text));
  }
  return { parts: mergeLiterals(parts) };
}

/**
 * Renders a template for a parent record.
 *
 * @throws {DataError} when the parent record lacks a referenced field.
 */
export function renderTemplate(template: Template, parent?: unknown): string {
  const { parts } = template;
  if (parts.length === 1 && typeof parts[0] === "string") return parts[0];
  let out = "";
  for (const part of parts) {
    out += typeof part === "string" ? part : toText(readField(part, parent));
  }
  return out;
}

/**
 * Compiles a value of any shape (params, headers, json, data): every string in it (keys
 * included) is a template.
 *
 * @param value the value.
 * @param scope what the placeholders may refer to.
 * @param where the key path, for errors.
 * @param options `preserveTypes`: a string that is one placeholder and nothing else renders as
 *   the value itself (a number stays a number), as dlt does for `json` bodies.
 * @returns a renderer; static when nothing refers to the parent record.
 * @throws {ConfigError} for an unknown placeholder.
 */
export function compileValue(
  value: unknown,
  scope: PlaceholderScope,
  where: string,
  options: { preserveTypes?: boolean } = {},
): Renderer<unknown> {
  if (typeof value === "string") return compileStringValue(value, scope, where, options);
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileValue(v, scope, `${where}[${i}]`, options));
    if (!items.some((r) => r.dynamic)) return fixed(items.map((r) => r.render()));
    return { dynamic: true, render: (p) => items.map((r) => r.render(p)) };
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => {
      const key = compileTemplate(k, scope, `${where}.${k}`);
      return [key, compileValue(v, scope, `${where}.${k}`, options)] as const;
    });
    const dynamic = entries.some(([k, v]) => v.dynamic || isDynamic(k));
    const render = (p?: unknown) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of entries) out[renderTemplate(k, p)] = v.render(p);
      return out;
    };
    return dynamic ? { dynamic, render } : fixed(render());
  }
  return fixed(value);
}

/** A value as text in a URL, header or body string (Python's `str()` for the usual types). */
export function toText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return stringifyJson(value);
  return String(value);
}

function compileStringValue(
  text: string,
  scope: PlaceholderScope,
  where: string,
  options: { preserveTypes?: boolean },
): Renderer<unknown> {
  const tokens = text.includes("{") ? tokenize(text) : [text];
  if (tokens.length === 1 && typeof tokens[0] !== "string" && isIncremental(tokens[0].name)) {
    // A value that is one incremental placeholder keeps the value's type; an unset one is
    // `null`, so a param is left out (as requests drops None) and a json field is null.
    return fixed(incrementalValue(tokens[0].name, scope, where, text) ?? null);
  }
  if (tokens.length === 1 && typeof tokens[0] !== "string" && isUnset(tokens[0].name, scope)) {
    // An optional config field left unset (declared with `default: null`) is `null` too: a
    // param, header or auth made of it alone is left out, a json field is null.
    return fixed(null);
  }
  if (options.preserveTypes && tokens.length === 1 && typeof tokens[0] !== "string") {
    const { name } = tokens[0];
    // A config value keeps its type too: `"limit": "{page_size}"` sends a number.
    if (!isParentName(name, scope) && scope.config[name] !== undefined) {
      return fixed(scope.config[name]);
    }
    const parts = resolveName(name, scope, where, text);
    if (parts.length === 1 && typeof parts[0] !== "string") {
      const ref = parts[0];
      return { dynamic: true, render: (p) => readField(ref, p) };
    }
  }
  const template = compileTemplate(text, scope, where);
  if (!isDynamic(template)) return fixed(renderTemplate(template));
  return { dynamic: true, render: (p) => renderTemplate(template, p) };
}

/** Whether `name` is a config field whose value is `null` (optional and not set). */
function isUnset(name: string, scope: PlaceholderScope): boolean {
  return !isParentName(name, scope) && !isIncremental(name) &&
    Object.hasOwn(scope.config, name) && scope.config[name] === null;
}

function isParentName(name: string, scope: PlaceholderScope): boolean {
  return name.startsWith("resources.") || scope.resolve?.[name] !== undefined ||
    scope.bound?.[name] !== undefined;
}

function resolveName(
  name: string,
  scope: PlaceholderScope,
  where: string,
  text: string,
): (string | FieldRef)[] {
  const at = () => `${where} ${JSON.stringify(text)}`;
  const owner = scope.resource === "client" ? "client" : `Resource "${scope.resource}"`;
  if (name.startsWith("resources.")) {
    const [, parent, field] = name.match(/^resources\.([^.]+)\.(.+)$/) ?? [];
    if (!parent) {
      throw new ConfigError(
        `${owner}: placeholder {${name}} in ${at()} must have the form {resources.<parent>.<field>}`,
      );
    }
    if (scope.parent !== parent) {
      throw new ConfigError(
        `${owner}: placeholder {${name}} in ${at()} refers to resource "${parent}", ` +
          (scope.parent
            ? `but its parent is "${scope.parent}" (a resource has one parent)`
            : "which a client setting cannot use"),
      );
    }
    return [fieldRef(name, field, scope)];
  }
  if (isIncremental(name)) {
    const value = incrementalValue(name, scope, where, text);
    if (value === null || value === undefined) {
      throw new ConfigError(
        `${owner}: placeholder {${name}} in ${at()} has no value on this run; set the ` +
          `incremental's ${name.endsWith("end_value") ? "end_value" : "initial_value"}`,
      );
    }
    return [toText(value)];
  }
  const resolveField = scope.resolve?.[name];
  if (resolveField !== undefined) {
    scope.used?.add(name);
    return [fieldRef(name, resolveField, scope)];
  }
  const bound = scope.bound?.[name];
  if (bound !== undefined) {
    scope.used?.add(name);
    return bound.parts;
  }
  if (isUnset(name, scope)) {
    throw new ConfigError(
      `${owner}: placeholder {${name}} in ${at()} needs config field "${name}", which is not ` +
        `set; set it, or make {${name}} the whole value, so that an unset field leaves the ` +
        "param, header or auth out",
    );
  }
  if (scope.config[name] !== undefined) return [toText(scope.config[name])];
  const fields = Object.keys(scope.config);
  throw new ConfigError(
    `${owner}: unknown placeholder {${name}} in ${at()}; placeholders are config fields (${
      fields.length ? fields.join(", ") : "none declared"
    }) or {resources.<parent>.<field>}; write {{ and }} for literal braces`,
  );
}

function isIncremental(name: string): boolean {
  return name.startsWith("incremental.");
}

/** The value of `{incremental.<name>}`; `null` when the range has no such bound. */
function incrementalValue(
  name: string,
  scope: PlaceholderScope,
  where: string,
  text: string,
): unknown {
  const owner = scope.resource === "client" ? "client" : `Resource "${scope.resource}"`;
  const at = `${where} ${JSON.stringify(text)}`;
  const key = name.slice("incremental.".length);
  if (!INCREMENTAL_NAMES.includes(key)) {
    throw new ConfigError(
      `${owner}: unknown placeholder {${name}} in ${at}; incremental placeholders are ${
        INCREMENTAL_NAMES.map((n) => `{incremental.${n}}`).join(", ")
      }`,
    );
  }
  if (scope.incremental === undefined) {
    throw new ConfigError(
      `${owner}: placeholder {${name}} in ${at} needs an incremental cursor; set ` +
        "incremental on the resource or its endpoint, or a param of type incremental",
    );
  }
  return scope.incremental[key];
}

function fieldRef(expr: string, field: string, scope: PlaceholderScope): FieldRef {
  return {
    expr,
    field,
    get: compileGetter(field),
    parent: scope.parent ?? "",
    resource: scope.resource,
  };
}

function readField(ref: FieldRef, parent: unknown): unknown {
  const value = ref.get(parent);
  if (value !== undefined) return value;
  const keys = parent !== null && typeof parent === "object" ? Object.keys(parent).join(", ") : "";
  throw new DataError(
    `Resource "${ref.resource}" needs field "${ref.field}" of its parent "${ref.parent}" ` +
      `for {${ref.expr}}, but a record of "${ref.parent}" lacks it; the record has: ${
        keys || "no fields"
      }`,
  );
}

type Token = string | { name: string };

/** Splits a template into literal text and placeholders; `{{`/`}}` become literal braces. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    const next = nextBrace(text, i);
    if (next < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, next);
    const ch = text[next];
    if (text[next + 1] === ch) {
      literal += ch; // `{{` or `}}`
      i = next + 2;
      continue;
    }
    if (ch === "{") {
      const close = text.indexOf("}", next + 1);
      const name = close < 0 ? "" : text.slice(next + 1, close);
      if (NAME.test(name)) {
        if (literal) tokens.push(literal);
        literal = "";
        tokens.push({ name });
        i = close + 1;
        continue;
      }
    }
    // A lone brace that opens no placeholder (`{ "a": 1 }`) stays as written.
    literal += ch;
    i = next + 1;
  }
  if (literal || tokens.length === 0) tokens.push(literal);
  return tokens;
}

function nextBrace(text: string, from: number): number {
  const open = text.indexOf("{", from);
  const close = text.indexOf("}", from);
  if (open < 0) return close;
  if (close < 0) return open;
  return Math.min(open, close);
}

function mergeLiterals(parts: (string | FieldRef)[]): (string | FieldRef)[] {
  const out: (string | FieldRef)[] = [];
  for (const part of parts) {
    const last = out.length - 1;
    const prev = out[last];
    if (typeof part === "string" && typeof prev === "string") out[last] = prev + part;
    else out.push(part);
  }
  return out.length ? out : [""];
}

function isDynamic(template: Template): boolean {
  return template.parts.some((p) => typeof p !== "string");
}

function fixed<T>(value: T): Renderer<T> {
  return { dynamic: false, render: () => value };
}

function walkStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === "string") visit(value);
  else if (Array.isArray(value)) { for (const v of value) walkStrings(v, visit); }
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      visit(k);
      walkStrings(v, visit);
    }
  }
}
