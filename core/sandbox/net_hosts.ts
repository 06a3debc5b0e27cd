/**
 * Deno `net` permission entries (`host:port`) from what a connector declares: its base URL,
 * its OAuth token URL and its `allowed_hosts` (each a URL, `host:port` or `host`).
 *
 * @module
 */

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

/**
 * The `host:port` of a URL, or a `host[:port]` as given.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { netHost } from "./net_hosts.ts";
 * equal(netHost("https://api.example.com/v1/"), "api.example.com:443");
 * equal(netHost("cdn.example.com:8443"), "cdn.example.com:8443");
 * ```
 * @returns `undefined` for a value that is neither.
 */
export function netHost(value: string): string | undefined {
  const text = value.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      const port = url.port || DEFAULT_PORTS[url.protocol];
      if (!url.hostname || port === undefined) return undefined;
      return `${url.hostname}:${port}`;
    } catch {
      return undefined;
    }
  }
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:(\d{1,5}))?$/i.exec(text);
  if (!match) return undefined;
  const port = match[4];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  return text.toLowerCase();
}
