/**
 * Reading responses: JSON parsing with clear errors for HTML and malformed bodies, error
 * wording as `requests` has it, body excerpts, and `response_actions` matching.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import { parseJson } from "../json/mod.ts";
import type { ResponseAction } from "./types.ts";

/**
 * Parses a response body as JSON, with exact numbers (see `parseJson`: integers past 2^53 as
 * bigints, `1.0` known as a float).
 *
 * @param text the body text.
 * @param status the HTTP status (204 means no body).
 * @param contentType the `content-type` header.
 * @param label `GET <masked url>`, for messages.
 * @param mask masks secrets in the body excerpt of a message.
 * @returns the parsed value, `undefined` for an empty body.
 * @throws {DataError} for an HTML or malformed body.
 */
export function parseJsonBody(
  text: string,
  status: number,
  contentType: string | null,
  label: string,
  mask: (text: string) => string,
): unknown {
  if (status === 204) return undefined;
  const first = firstNonSpace(text);
  if (first < 0) return undefined;
  const mediaType = (contentType ?? "").split(";")[0].trim().toLowerCase();
  const htmlError = () =>
    new DataError(
      `Response of ${label} is HTML, not JSON (content-type ${
        mediaType || "not set"
      }) — check base_url and path`,
    );
  if (text.charCodeAt(first) === 60 /* < */) throw htmlError();
  try {
    return parseJson(text);
  } catch (error) {
    // Some servers label JSON as text/html; only blame HTML once the JSON did not parse.
    if (mediaType === "text/html") throw htmlError();
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError(
      `Response of ${label} is not valid JSON (${reason}): ${mask(text.slice(0, 100))}`,
      { cause: error },
    );
  }
}

/**
 * The error message of a 4xx/5xx response, `requests`' wording plus a body excerpt.
 *
 * @param status the HTTP status.
 * @param reason the reason phrase.
 * @param maskedUrl the URL with secrets masked.
 * @param excerpt a short excerpt of the body, when useful.
 * @returns e.g. `404 Client Error: Not Found for url: https://x/y — response: {...}`.
 */
export function statusErrorMessage(
  status: number,
  reason: string,
  maskedUrl: string,
  excerpt?: string,
): string {
  const kind = status < 500 ? "Client" : "Server";
  const message = `${status} ${kind} Error: ${reason} for url: ${maskedUrl}`;
  return excerpt ? `${message} — response: ${excerpt}` : message;
}

/**
 * A short, single-line excerpt of a body for error messages.
 *
 * @param text the body text.
 * @param max the longest excerpt.
 * @returns the excerpt; an HTML page gives its `<title>` only; `undefined` when empty.
 */
export function bodyExcerpt(text: string, max = 200): string | undefined {
  const first = firstNonSpace(text);
  if (first < 0) return undefined;
  let excerpt = text;
  if (text.charCodeAt(first) === 60 /* < */) {
    // A whole HTML error page is noise; its title usually says what went wrong.
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text.slice(0, 4096))?.[1];
    if (!title?.trim()) return undefined;
    excerpt = `HTML page "${title.trim()}"`;
  }
  excerpt = excerpt.slice(0, max * 4).replace(/\s+/g, " ").trim();
  return excerpt.length > max ? `${excerpt.slice(0, max - 1)}…` : excerpt;
}

/**
 * Finds the first `response_actions` entry matching a response (dlt's rules: status and
 * content substring must both match when both are given).
 *
 * @param actions the configured actions.
 * @param status the response status.
 * @param text the response body text.
 * @returns the matching action, or `undefined`.
 */
export function matchResponseAction(
  actions: readonly ResponseAction[],
  status: number,
  text: string,
): ResponseAction | undefined {
  for (const action of actions) {
    const statusCode = action.status_code;
    const content = action.content;
    if (statusCode === undefined && content === undefined) continue;
    if (statusCode !== undefined && Number(statusCode) !== status) continue;
    if (content !== undefined && !text.includes(content)) continue;
    return action;
  }
  return undefined;
}

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // space, tab, CR, LF, and the BOM some servers prepend
    if (code !== 32 && code !== 9 && code !== 10 && code !== 13 && code !== 0xfeff) return i;
  }
  return -1;
}
