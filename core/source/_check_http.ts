/**
 * Validation of the HTTP parts of a connector: auth kinds, paginators and response actions,
 * each with its own keys (dlt's names).
 *
 * @module
 */

import { AUTH_HOST_FORMS, readAuthHost } from "../http/mod.ts";
import type { AuthConfig, PaginatorConfig, ResponseAction } from "../http/types.ts";
import { type Checker, describe, isPlainObject, join } from "./_check.ts";
import type { ClientConfig, RateLimitConfig } from "./types.ts";

// Keys of each paginator kind (dlt's names); typed by the contract so no kind is missing.
const PAGINATOR_KEYS: Record<PaginatorConfig["type"], Record<string, KeyKind>> = {
  json_link: { next_url_path: "string" },
  header_link: { links_next_key: "string" },
  offset: {
    limit: "positive",
    offset: "count",
    offset_param: "string",
    limit_param: "string",
    total_path: "path_or_null",
    maximum_offset: "count",
    stop_after_empty_page: "boolean",
    has_more_path: "string",
  },
  page_number: {
    base_page: "count",
    page: "count",
    page_param: "string",
    total_path: "path_or_null",
    maximum_page: "count",
    stop_after_empty_page: "boolean",
    has_more_path: "string",
  },
  cursor: {
    cursor_path: "string",
    cursor_param: "string",
    cursor_body_path: "string",
    has_more_path: "string",
  },
  header_cursor: { cursor_key: "string", cursor_param: "string" },
  header_range: {
    limit: "positive",
    offset: "count",
    range_unit: "string",
    maximum_offset: "count",
    offset_param: "string",
    limit_param: "string",
  },
  single_page: {},
};

// Auth kinds, dlt's names; no `type` means bearer.
const AUTH_KEYS: Record<
  NonNullable<AuthConfig["type"]>,
  { required: string[]; optional: string[] }
> = {
  bearer: { required: ["token"], optional: [] },
  api_key: { required: ["api_key"], optional: ["name", "location"] },
  http_basic: { required: ["username", "password"], optional: [] },
  oauth2_client_credentials: {
    required: ["access_token_url", "client_id", "client_secret"],
    optional: ["access_token_request_data", "default_token_expiration"],
  },
};

const PAGINATOR_TYPES = Object.keys(PAGINATOR_KEYS) as PaginatorConfig["type"][];
const AUTH_TYPES = Object.keys(AUTH_KEYS) as NonNullable<AuthConfig["type"]>[];
const SECRET_AUTH_KEYS = new Set(["token", "api_key", "password", "client_secret"]);

type KeyKind = "string" | "positive" | "count" | "boolean" | "path_or_null";

/**
 * `client.auth_hosts`: a list of origins or `host[:port]`s. Entries with a `{placeholder}` are
 * checked once it is filled in, when the source is built.
 */
export function checkAuthHosts(
  c: Checker,
  value: unknown,
  client: ClientConfig,
): string[] | undefined {
  const scheme = /^http:/i.test(client.base_url) ? "http:" : "https:";
  return c.list(value, "client.auth_hosts", (entry, path) => {
    const text = c.string(entry, path);
    if (text === undefined || text.includes("{")) return text;
    const read = readAuthHost(text, scheme);
    if ("origin" in read) return text;
    return c.fail(path, `${read.problem} (got ${describe(text)}); ${AUTH_HOST_FORMS}`);
  });
}

/** One auth config; no `type` means bearer. */
export function checkAuth(c: Checker, value: unknown, path: string): AuthConfig | undefined {
  if (!isPlainObject(value)) {
    return c.fail(path, `must be an object with a type and its keys (got ${describe(value)})`);
  }
  const type = value.type === undefined
    ? "bearer"
    : c.oneOf(value.type, join(path, "type"), AUTH_TYPES);
  if (type === undefined) return undefined;
  const { required, optional } = AUTH_KEYS[type];
  const o = c.keys(value, path, ["type", ...required, ...optional], {
    required,
    what: `${type} auth`,
  });
  if (!o) return undefined;
  const out: Record<string, unknown> = type === "bearer" && o.type === undefined ? {} : { type };
  for (const key of [...required, ...optional]) {
    const v = o[key];
    if (v === undefined) continue;
    out[key] = checkAuthValue(c, key, v, join(path, key));
  }
  return out as AuthConfig;
}

function checkAuthValue(c: Checker, key: string, value: unknown, path: string): unknown {
  switch (key) {
    case "location":
      return c.oneOf(value, path, ["header", "query", "cookie"] as const);
    case "default_token_expiration":
      return c.integer(value, path, 1);
    case "access_token_request_data":
      return c.record(value, path, (v, p) => c.scalarString(v, p));
    case "password": // an empty password is valid for http_basic (dlt's default)
      return c.anyString(value, path, { secret: true });
    default:
      return c.string(value, path, { secret: SECRET_AUTH_KEYS.has(key) });
  }
}

/**
 * A paginator type or config (`json_response` reads as `json_link`); `"auto"` and
 * `{type: "auto"}` (dlt's: detect it) read as `"auto"`.
 */
export function checkPaginator(
  c: Checker,
  value: unknown,
  path: string,
): PaginatorConfig | PaginatorConfig["type"] | "auto" | undefined {
  if (typeof value === "string") {
    if (value === "auto") return "auto";
    if (value === "json_response") return "json_link"; // dlt's deprecated alias
    return c.oneOf(value, path, PAGINATOR_TYPES);
  }
  if (!isPlainObject(value)) {
    return c.fail(
      path,
      `must be a paginator type or an object with a type (got ${describe(value)})`,
    );
  }
  if (value.type === undefined) {
    return c.fail(
      join(path, "type"),
      `is required (one of ${PAGINATOR_TYPES.join(", ")}, or auto to detect it)`,
    );
  }
  if (value.type === "auto") {
    // dlt creates no paginator for it, so it takes no parameters.
    return c.keys(value, path, ["type"], { what: "the auto paginator" }) ? "auto" : undefined;
  }
  const rawType = value.type === "json_response" ? "json_link" : value.type;
  const type = c.oneOf(rawType, join(path, "type"), PAGINATOR_TYPES);
  if (type === undefined) return undefined;
  const kinds = PAGINATOR_KEYS[type];
  const o = c.keys(value, path, ["type", ...Object.keys(kinds)], {
    required: type === "offset" || type === "header_range" ? ["limit"] : [],
    what: `the ${type} paginator`,
  });
  if (!o) return undefined;
  const out: Record<string, unknown> = { type };
  for (const [key, kind] of Object.entries(kinds)) {
    if (o[key] !== undefined) out[key] = checkKind(c, o[key], join(path, key), kind);
  }
  if (type === "cursor" && o.cursor_param !== undefined && o.cursor_body_path !== undefined) {
    c.fail(path, "has both cursor_param and cursor_body_path; the cursor goes in one place");
  }
  return out as PaginatorConfig;
}

function checkKind(c: Checker, value: unknown, path: string, kind: KeyKind): unknown {
  switch (kind) {
    case "string":
      return c.string(value, path);
    case "positive":
      return c.integer(value, path, 1);
    case "count":
      return c.integer(value, path, 0);
    case "boolean":
      return c.boolean(value, path);
    case "path_or_null":
      return value === null ? null : c.string(value, path);
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
}

/** One `response_actions` entry. */
export function checkResponseAction(
  c: Checker,
  value: unknown,
  path: string,
): ResponseAction | undefined {
  const o = c.keys(value, path, ["status_code", "content", "action"], { required: ["action"] });
  if (!o) return undefined;
  const out: ResponseAction = { action: "ignore" };
  if (o.action !== undefined) c.oneOf(o.action, join(path, "action"), ["ignore"] as const);
  if (o.status_code !== undefined) {
    out.status_code = c.integer(o.status_code, join(path, "status_code"), 100);
  }
  if (o.content !== undefined) out.content = c.string(o.content, join(path, "content"));
  if (o.status_code === undefined && o.content === undefined) {
    c.fail(path, "needs status_code, content or both to match a response");
  }
  return out;
}

/** `client.rate_limit`: `{requests_per_second: <positive number>}`. */
export function checkRateLimit(c: Checker, value: unknown): RateLimitConfig | undefined {
  const path = "client.rate_limit";
  const o = c.keys(value, path, ["requests_per_second"], { required: ["requests_per_second"] });
  if (!o) return undefined;
  const rate = o.requests_per_second;
  if (typeof rate !== "number" || !(rate > 0) || !Number.isFinite(rate)) {
    return c.fail(
      join(path, "requests_per_second"),
      `must be a positive number (got ${describe(rate)})`,
    );
  }
  return { requests_per_second: rate };
}
