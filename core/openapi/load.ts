/**
 * Loads an OpenAPI spec (3.0, 3.1 or Swagger 2.0) from a file or a URL, checks it, and hands
 * it on in one shape: OpenAPI 3.1 with every `$ref` resolved. The checking, upgrading and
 * resolving are Scalar's (`@scalar/openapi-parser`, `@scalar/json-magic`), never ours.
 *
 * Network: a spec given as a file is read offline; its `$ref`s to other local files are read,
 * and a `$ref` to a URL is refused. A spec given as a URL is fetched (https, or http to this
 * machine), and so are the files its `$ref`s point to, under the same rule; it cannot make
 * dltx read local files.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { bundle } from "@scalar/json-magic/bundle";
import { dereference, upgrade, validate } from "@scalar/openapi-parser";
import { ConfigError } from "../errors.ts";
import { checkSpecUrl, fetchSpecText } from "./_fetch_spec.ts";
import { parseSpecText } from "./_parse_text.ts";
import type { OpenApiSpec, SpecObject, SpecSource } from "./types.ts";

/** Options of {@linkcode loadOpenApi}. */
export interface LoadOpenApiOptions {
  /** Where a relative path is resolved. */
  cwd: string;
  /** The fetch for URL specs. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Reads, checks and resolves a spec.
 *
 * @example Usage
 * ```ts ignore
 * import { loadOpenApi } from "./load.ts";
 * const spec = await loadOpenApi("petstore.yaml", { cwd: Deno.cwd() });
 * spec.version; // "3.0.3"
 * ```
 * @param location a file path, or an `https://` URL (`http://` to 127.0.0.1 or localhost).
 * @param options where relative paths start, and the fetch to use.
 * @returns the spec in OpenAPI 3.1's shape, `$ref`s resolved.
 * @throws {ConfigError} for an unreadable or invalid spec, naming its first problem.
 * @throws {HttpError} when a URL cannot be fetched.
 */
export async function loadOpenApi(
  location: string,
  options: LoadOpenApiOptions,
): Promise<OpenApiSpec> {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
  const source: SpecSource = isUrl
    ? { kind: "url", url: new URL(location).href }
    : { kind: "file", path: resolve(options.cwd, location) };
  const label = location;
  const text = source.kind === "url"
    ? await fetchSpecText(new URL(source.url), fetchFn)
    : await readSpecFile(source.path, label);
  const raw = parseSpecText(text, label);
  const version = specVersion(raw, label);

  // Bundling walks the whole document; most specs are one file and need none (GitHub's 13 MB
  // spec would spend seconds here).
  const bundled = hasExternalRef(raw)
    ? await bundle(raw as SpecObject, {
      treeShake: false,
      origin: source.kind === "url" ? source.url : source.path,
      plugins: [source.kind === "url" ? urlLoader(label, fetchFn) : fileLoader(label)],
    }) as SpecObject
    : raw as SpecObject;

  const checked = await validate(bundled);
  if (!checked.valid) {
    const first = deepestProblem(checked.errors ?? []);
    throw new ConfigError(
      `The OpenAPI spec ${label} is invalid: ${first ? describeProblem(first) : "unknown problem"}`,
    );
  }
  const { specification } = upgrade(bundled);
  if (!specification) {
    throw new ConfigError(`The OpenAPI spec ${label} could not be read as OpenAPI 3.1`);
  }
  const resolved = await dereference(specification);
  if (resolved.errors && resolved.errors.length > 0) {
    throw new ConfigError(
      `The OpenAPI spec ${label} is invalid: ${describeProblem(resolved.errors[0])}`,
    );
  }
  const document = resolved.schema as SpecObject;
  const info = document.info as SpecObject | undefined;
  const title = typeof info?.title === "string" && info.title.trim() !== ""
    ? info.title.trim()
    : basename(source.kind === "file" ? source.path : new URL(source.url).pathname);
  return { document, version, source, title };
}

async function readSpecFile(path: string, label: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError(`Cannot read the OpenAPI spec ${label}: no such file`, {
        cause: error,
      });
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw new ConfigError(`Cannot read the OpenAPI spec ${label}: it is a folder`, {
        cause: error,
      });
    }
    throw new ConfigError(`Cannot read the OpenAPI spec ${label}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The spec's version; anything but OpenAPI 3.0, 3.1 or Swagger 2.0 is refused here. */
function specVersion(raw: unknown, label: string): string {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError(
      `The OpenAPI spec ${label} is not an OpenAPI document: it holds ${
        Array.isArray(raw) ? "a list" : raw === null ? "null" : `a ${typeof raw}`
      }, not an object with "openapi" or "swagger"`,
    );
  }
  const doc = raw as SpecObject;
  if (doc.swagger !== undefined) {
    if (String(doc.swagger) === "2.0") return "2.0";
    throw new ConfigError(
      `The OpenAPI spec ${label} says swagger: ${
        JSON.stringify(doc.swagger)
      }; dltx reads Swagger "2.0" and OpenAPI 3.0 and 3.1`,
    );
  }
  if (typeof doc.openapi === "string") {
    if (/^3\.[01](\.|$)/.test(doc.openapi)) return doc.openapi;
    throw new ConfigError(
      `The OpenAPI spec ${label} is OpenAPI ${doc.openapi}; dltx reads OpenAPI 3.0 and 3.1 ` +
        `and Swagger 2.0`,
    );
  }
  throw new ConfigError(
    `The OpenAPI spec ${label} is not an OpenAPI document: it has neither "openapi: 3.x" ` +
      `nor "swagger: 2.0" at the top`,
  );
}

/** Whether any `$ref` points outside the document. */
function hasExternalRef(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null) continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && !value.startsWith("#")) return true;
      if (typeof value === "object" && value !== null) stack.push(value);
    }
  }
  return false;
}

/** `$ref`s of a file spec: other local files, read as they are; URLs are refused. */
function fileLoader(label: string) {
  return {
    type: "loader" as const,
    validate: () => true,
    exec: async (ref: string) => {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) {
        throw new ConfigError(
          `The OpenAPI spec ${label} has a $ref to ${ref}; dltx does not fetch remote $refs ` +
            `of a spec given as a file (it works offline). Pass the spec's URL instead, or ` +
            `download the referenced file and point the $ref at it`,
        );
      }
      let text: string;
      try {
        text = await readFile(ref, "utf8");
      } catch (error) {
        throw new ConfigError(
          `The OpenAPI spec ${label} has a $ref to ${ref}, which cannot be read (${
            (error as Error).message
          })`,
          { cause: error },
        );
      }
      return { ok: true as const, data: parseSpecText(text, ref), raw: text };
    },
  };
}

/** `$ref`s of a URL spec: other URLs under the same rules; never a local file. */
function urlLoader(label: string, fetchFn: typeof fetch) {
  return {
    type: "loader" as const,
    validate: () => true,
    exec: async (ref: string) => {
      let url: URL;
      try {
        url = new URL(ref);
      } catch {
        throw new ConfigError(
          `The OpenAPI spec ${label} has a $ref to ${ref}, which is not a URL; a spec fetched ` +
            `from a URL cannot refer to local files`,
        );
      }
      checkSpecUrl(url, `${url.href} (a $ref of ${label})`);
      const text = await fetchSpecText(url, fetchFn);
      return { ok: true as const, data: parseSpecText(text, url.href), raw: text };
    },
  };
}

/**
 * The problem to report: the one deepest in the document. A schema validator reports a bad
 * value at every level above it too ("property get is not expected" for a path whose operation
 * has one wrong key); the deepest says what to fix.
 */
function deepestProblem<T extends { path?: string | string[] }>(problems: T[]): T | undefined {
  const depth = (p: T) =>
    Array.isArray(p.path) ? p.path.length : (p.path ?? "").split("/").filter(Boolean).length;
  let best: T | undefined;
  for (const problem of problems) if (!best || depth(problem) > depth(best)) best = problem;
  return best;
}

/** A validator error as one phrase: where (as a path into the spec) and what. */
function describeProblem(
  problem: { message?: string; path?: string | string[]; code?: string },
): string {
  const message = (problem.message ?? problem.code ?? "unknown problem").trim();
  if (!problem.path || problem.path.length === 0) return message;
  const pointer = Array.isArray(problem.path)
    ? `/${problem.path.map((s) => s.replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`
    : problem.path;
  return `${pointerToPath(pointer)} ${message}`;
}

/** `/paths/~1items/get/parameters/0/in` -> `paths["/items"].get.parameters[0].in`. */
export function pointerToPath(pointer: string): string {
  const segments = pointer.replace(/^#?\//, "").split("/").filter((s) => s !== "")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  let out = "";
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === "" ? "(top level)" : out;
}
