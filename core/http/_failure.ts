/**
 * Describes why a request got no response (connection refused, DNS, reset, TLS), naming the
 * host but never the full URL, whose query may hold secrets.
 *
 * @module
 */

/**
 * A short reason for a failed `fetch`.
 *
 * @param error what `fetch` threw.
 * @param url the request URL (its host is named).
 * @returns e.g. `connection refused by 127.0.0.1:8080`.
 */
export function describeFetchFailure(error: unknown, url: URL): string {
  const detail = errorText(error);
  const lower = detail.toLowerCase();
  if (lower.includes("connection refused")) return `connection refused by ${url.host}`;
  if (
    lower.includes("dns error") || lower.includes("failed to lookup address") ||
    lower.includes("name or service not known") || lower.includes("no such host") ||
    lower.includes("nodename nor servname")
  ) {
    return `DNS lookup failed for host ${url.hostname}`;
  }
  if (lower.includes("connection reset")) return `connection reset by ${url.host}`;
  if (lower.includes("certificate") || lower.includes("tls") || lower.includes("ssl")) {
    return `TLS error talking to ${url.host}: ${detail}`;
  }
  return `connection error talking to ${url.host}: ${detail}`;
}

/** The innermost useful message, with any URL (it may carry secrets) cut out. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if (e instanceof Error) {
      parts.push(e.message);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  // Deno: "fetch failed" + cause "error sending request for url (...): client error ...".
  const text = parts.filter((p) => p && p !== "fetch failed").join(": ") || "unknown error";
  return text
    .replace(/error sending request for url \([^)]*\):\s*/gi, "")
    .replace(/\bhttps?:\/\/\S+/gi, "<url>");
}
