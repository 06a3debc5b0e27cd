/**
 * RFC 8288 `Link` header parsing: `<https://x/p2>; rel="next", <https://x/p9>; rel="last"`.
 *
 * @module
 */

/**
 * Finds the target of the link with relation `rel` (case-insensitive; a link may carry several
 * space-separated relations).
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
  url: string;
  /** Lower-cased relation types. */
  rels: string[];
}

/** Parses every link; tolerates commas inside `<...>` and inside quoted parameter values. */
function parseLinkHeader(header: string): Link[] {
  const links: Link[] = [];
  let i = 0;
  const n = header.length;
  while (i < n) {
    const open = header.indexOf("<", i);
    if (open < 0) break;
    const close = header.indexOf(">", open + 1);
    if (close < 0) break;
    const url = header.slice(open + 1, close).trim();
    // Parameters run until a comma outside quotes.
    let j = close + 1;
    let inQuotes = false;
    while (j < n) {
      const ch = header[j];
      if (ch === '"') inQuotes = !inQuotes;
      else if (ch === "\\" && inQuotes) j++;
      else if (ch === "," && !inQuotes) break;
      j++;
    }
    links.push({ url, rels: relsOf(header.slice(close + 1, j)) });
    i = j + 1;
  }
  return links;
}

function relsOf(params: string): string[] {
  for (const param of params.split(";")) {
    const eq = param.indexOf("=");
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== "rel") continue;
    let value = param.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1);
    }
    return value.toLowerCase().split(/\s+/).filter(Boolean);
  }
  return [];
}
