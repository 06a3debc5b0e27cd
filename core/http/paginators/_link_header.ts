/**
 * RFC 8288 `Link` header parsing: `<https://x/p2>; rel="next", <https://x/p9>; rel="last"`.
 *
 * Follows the parsing algorithm of RFC 8288 Appendix B.2-B.4: a target in `<...>`, then
 * `;`-separated parameters whose values may be tokens or quoted strings (which may hold `;`, `,`
 * and `\`-escaped quotes), links separated by `,`, optional whitespace around every separator.
 * Unlike the appendix, a malformed link is skipped rather than ending the parse, so one odd link
 * from a server does not hide the `next` after it.
 *
 * @module
 */

/**
 * Finds the target of the link with relation `rel` (case-insensitive; a link may carry several
 * space-separated relations; only its first `rel` parameter counts, RFC 8288 §3.3).
 *
 * @param header the `Link` header value, or null.
 * @param rel the relation, e.g. `"next"`.
 * @returns the link target as written (possibly relative), or `undefined`.
 */
export function findLink(header: string | null, rel: string): string | undefined {
  if (!header) return undefined;
  const wanted = rel.toLowerCase();
  for (const link of parseLinkHeader(header)) {
    if (link.rels.includes(wanted)) return link.url;
  }
  return undefined;
}

/** One link of a `Link` header. */
interface Link {
  /** The target as written between `<` and `>`. */
  url: string;
  /** Lower-cased relation types. */
  rels: string[];
}

const OWS = /[ \t]/;

/** Parses every well-formed link of a `Link` header, in order. */
function parseLinkHeader(header: string): Link[] {
  const links: Link[] = [];
  const input = { text: header, at: 0 };
  while (input.at < input.text.length) {
    skipWhitespace(input);
    if (input.text[input.at] !== "<") {
      skipPastComma(input);
      continue;
    }
    const close = input.text.indexOf(">", input.at + 1);
    if (close < 0) break;
    const url = input.text.slice(input.at + 1, close).trim();
    input.at = close + 1;
    const params = parseParameters(input);
    skipWhitespace(input);
    if (input.at < input.text.length && input.text[input.at] !== ",") {
      // Junk after the parameters: the link is not well-formed.
      skipPastComma(input);
      continue;
    }
    input.at++;
    const rel = params.find(([name]) => name === "rel")?.[1] ?? "";
    links.push({ url, rels: rel.toLowerCase().split(/\s+/).filter(Boolean) });
  }
  return links;
}

interface Input {
  text: string;
  at: number;
}

/** RFC 8288 B.3: `;` name [ `=` ( token | quoted-string ) ], repeated; names lower-cased. */
function parseParameters(input: Input): [string, string][] {
  const params: [string, string][] = [];
  for (;;) {
    skipWhitespace(input);
    if (input.text[input.at] !== ";") return params;
    input.at++;
    skipWhitespace(input);
    const name = consumeUntil(input, /[ \t=;,]/).toLowerCase();
    skipWhitespace(input);
    let value = "";
    if (input.text[input.at] === "=") {
      input.at++;
      skipWhitespace(input);
      value = input.text[input.at] === '"'
        ? parseQuotedString(input)
        : consumeUntil(input, /[;,]/).trim();
    }
    if (name) params.push([name, value]);
  }
}

/** RFC 8288 B.4: a quoted string with `\` escapes; an unclosed one runs to the end. */
function parseQuotedString(input: Input): string {
  let value = "";
  input.at++;
  while (input.at < input.text.length) {
    const ch = input.text[input.at++];
    if (ch === '"') return value;
    if (ch === "\\" && input.at < input.text.length) value += input.text[input.at++];
    else value += ch;
  }
  return value;
}

function consumeUntil(input: Input, stop: RegExp): string {
  const start = input.at;
  while (input.at < input.text.length && !stop.test(input.text[input.at])) input.at++;
  return input.text.slice(start, input.at);
}

function skipWhitespace(input: Input): void {
  while (input.at < input.text.length && OWS.test(input.text[input.at])) input.at++;
}

/** Skips past the next `,` that is outside `<...>` and quoted strings (or to the end). */
function skipPastComma(input: Input): void {
  while (input.at < input.text.length) {
    const ch = input.text[input.at];
    if (ch === '"') parseQuotedString(input);
    else if (ch === "<") {
      const close = input.text.indexOf(">", input.at);
      input.at = close < 0 ? input.text.length : close + 1;
    } else {
      input.at++;
      if (ch === ",") return;
    }
  }
}
