/**
 * The ways a secret can be spelled in text dltx prints or stores: as it is, URL-encoded the
 * ways a URL or a form gets it, and JSON-escaped (a body or a log line that quotes it). A
 * server echoing a request (a 401 body with the URL, an OAuth error with the form) gives it
 * back in one of these spellings, so the masker has to know them all.
 *
 * @module
 */

/**
 * Secrets shorter than this are not masked at all (in any spelling): replacing every `abc` in
 * the output would garble it, and so short a value protects nothing anyway.
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * Every spelling of `secret` worth masking, the value itself first; none when the secret is
 * shorter than {@linkcode MIN_SECRET_LENGTH}.
 *
 * - as it is;
 * - `encodeURIComponent` (`%20` for a space) and `encodeURI`;
 * - form encoding, as `URLSearchParams` and `URL.searchParams` write query strings and
 *   `application/x-www-form-urlencoded` bodies (`+` for a space, `%21` for `!`, `%7E` for `~`);
 * - as the URL parser leaves a value put raw into a path or a query (a `{placeholder}` in a
 *   path or `base_url`): `%20` for a space, `!~()` kept;
 * - each of those JSON-escaped (`\"`, `\\`, `\n`), plus JSON with non-ASCII as `\u00e9`
 *   (Python's `json.dumps`) and with `/` as `\/` (PHP's `json_encode`).
 *
 * @example Usage
 * ```ts
 * import { secretSpellings } from "./secret_spellings.ts";
 * import { ok } from "node:assert/strict";
 *
 * const spellings = secretSpellings("SPECIAL secret!~(x)");
 * ok(spellings.includes("SPECIAL+secret%21%7E%28x%29")); // a form or a query string
 * ok(spellings.includes("SPECIAL%20secret!~(x)")); // encodeURIComponent
 * ```
 *
 * @param secret the secret value.
 * @returns distinct spellings, each at least {@linkcode MIN_SECRET_LENGTH} characters long.
 */
export function secretSpellings(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  const out = new Set<string>();
  const urlForms = [
    secret,
    tryEncode(encodeURIComponent, secret),
    tryEncode(encodeURI, secret),
    formEncode(secret),
    urlParserForm(secret, "path"),
    urlParserForm(secret, "query"),
  ];
  for (const form of urlForms) {
    if (form === undefined) continue;
    out.add(form);
    out.add(jsonEscape(form));
  }
  out.add(jsonEscapeAscii(secret));
  if (secret.includes("/")) out.add(jsonEscape(secret).replaceAll("/", "\\/"));
  return [...out];
}

/** `encodeURI*` throw on a lone surrogate; such a value has no URL spelling. */
function tryEncode(encode: (text: string) => string, text: string): string | undefined {
  try {
    return encode(text);
  } catch {
    return undefined;
  }
}

/** `application/x-www-form-urlencoded`, exactly as `URLSearchParams` writes a value. */
function formEncode(text: string): string {
  return new URLSearchParams([["", text]]).toString().slice(1);
}

/** Characters that end a path or a query: the URL parser never keeps them in one. */
const STRUCTURAL: Record<"path" | "query", string> = { path: "/\\?#", query: "#" };

/**
 * How the URL parser spells `text` placed raw into a path segment or a query: it encodes
 * fewer characters than `encodeURI` (`|`, `^`, `[` stay), a few others differently (`'` in a
 * query). Built character by character, because parsing the whole text would read a `/` or a
 * `#` in it as URL structure.
 */
function urlParserForm(text: string, where: "path" | "query"): string | undefined {
  let out = "";
  for (const char of text) {
    if (STRUCTURAL[where].includes(char)) {
      // In an http(s) path the parser reads a backslash as a slash.
      out += where === "path" && char === "\\" ? "/" : char;
      continue;
    }
    try {
      const url = new URL(where === "path" ? `http://h/a${char}b` : `http://h/?a${char}b`);
      const part = where === "path" ? url.pathname : url.search;
      // `/a` or `?a` before, `b` after: what is left is the character's spelling.
      out += part.slice(2, -1);
    } catch {
      return undefined;
    }
  }
  return out;
}

/** The text as it appears between the quotes of a JSON string (`JSON.stringify`'s escapes). */
function jsonEscape(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** JSON-escaped with every non-ASCII character as `\uXXXX` (lower-case hex, Python's way). */
function jsonEscapeAscii(text: string): string {
  return jsonEscape(text).replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
