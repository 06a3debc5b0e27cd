/**
 * Validates a connector (dlt's `RESTAPIConfig` plus metadata) once, key for key, so the rest
 * of the engine works with typed values only.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import type { MergeStrategy, WriteDisposition } from "../schema/types.ts";
import { netHost } from "../sandbox/mod.ts";
import { Checker, describe, isPlainObject, join } from "./_check.ts";
import {
  checkColumns,
  checkIncremental,
  checkIncrementalParam,
  checkSchemaContract,
} from "./_check_hints.ts";
import {
  checkAuth,
  checkAuthHosts,
  checkPaginator,
  checkRateLimit,
  checkResponseAction,
} from "./_check_http.ts";
import type {
  ClientConfig,
  ConfigField,
  Connector,
  EndpointConfig,
  ForEachConfig,
  IncrementalParam,
  ProcessingStep,
  ResolveParam,
  ResourceConfig,
  ResourceDefaults,
} from "./types.ts";

const WRITE_DISPOSITIONS: readonly WriteDisposition[] = ["append", "replace", "merge"];
const STRATEGIES: Record<WriteDisposition, readonly string[]> = {
  append: [],
  replace: ["truncate-and-insert", "insert-from-staging", "staging-optimized"],
  merge: ["delete-insert", "upsert", "insert-only"],
};

const TOP_KEYS = [
  "name",
  "version",
  "description",
  "docs_url",
  "config",
  "client",
  "resource_defaults",
  "resources",
  "allowed_hosts",
];
const CLIENT_KEYS = [
  "base_url",
  "headers",
  "auth",
  "auth_hosts",
  "paginator",
  "concurrency",
  "rate_limit",
];
const RESOURCE_KEYS = [
  "name",
  "endpoint",
  "primary_key",
  "merge_key",
  "write_disposition",
  "table_name",
  "max_table_nesting",
  "selected",
  "include_from_parent",
  "processing_steps",
  "columns",
  "schema_contract",
  "incremental",
  "for_each",
  "parallelized",
];
const ENDPOINT_KEYS = [
  "path",
  "method",
  "params",
  "json",
  "data",
  "headers",
  "auth",
  "paginator",
  "data_selector",
  "response_actions",
  "incremental",
];
// dlt keys dltx knows but does not implement: say so instead of "unknown key".
const UNSUPPORTED_RESOURCE_KEYS: Record<string, string> = {
  table_format: "",
  file_format: "",
  nested_hints: "",
  references: "",
};

/**
 * Validates unknown input (a module's default export, parsed JSON or YAML) as a connector.
 *
 * @example Usage
 * ```ts
 * import { validateConnector } from "./validate.ts";
 * const connector = validateConnector(
 *   { name: "demo", client: { base_url: "https://api.example.com/" }, resources: ["users"] },
 *   "./demo.json",
 * );
 * ```
 * @param input the connector as loaded.
 * @param origin where it came from (a path, `built-in github`), named in errors; a `.json`,
 *   `.yaml` or `.yml` origin cannot hold functions (`processing_steps`).
 * @returns the connector, typed; `method` is upper-cased and header values are strings.
 * @throws {ConfigError} naming every bad key path and what was expected.
 */
export function validateConnector(input: unknown, origin: string): Connector {
  const c = new Checker();
  const allowCode = !/\.(json|ya?ml)$/i.test(origin);
  const connector = checkConnector(c, input, allowCode);
  if (c.problems.length > 0 || connector === undefined) {
    const name = isPlainObject(input) && typeof input.name === "string" ? ` "${input.name}"` : "";
    const [first, ...rest] = c.problems;
    const more = rest.slice(0, 9).map((p) => `\n  ${p}`).join("");
    const omitted = rest.length > 9 ? `\n  ... and ${rest.length - 9} more` : "";
    throw new ConfigError(`Invalid connector${name} (${origin}): ${first}${more}${omitted}`);
  }
  return connector;
}

function checkConnector(c: Checker, input: unknown, allowCode: boolean): Connector | undefined {
  const o = c.keys(input, "", TOP_KEYS, { required: ["name", "client", "resources"] });
  if (!o) return undefined;
  const name = o.name === undefined ? undefined : checkName(c, o.name);
  const out: Connector = { name: name ?? "", client: { base_url: "" }, resources: [] };
  for (const key of ["version", "description", "docs_url"] as const) {
    if (o[key] !== undefined) out[key] = c.string(o[key], key);
  }
  if (o.config !== undefined) {
    out.config = c.record(o.config, "config", (v, p, key) => checkConfigField(c, v, p, key));
  }
  if (o.client !== undefined) out.client = checkClient(c, o.client) ?? out.client;
  if (o.resource_defaults !== undefined) {
    out.resource_defaults = checkResourceBase(c, o.resource_defaults, "resource_defaults", {
      allowCode,
      isDefaults: true,
    });
  }
  if (o.resources !== undefined) {
    out.resources = c.list(
      o.resources,
      "resources",
      (v, p) => checkResource(c, v, p, allowCode),
      { nonEmpty: true },
    ) ?? [];
    checkUniqueNames(c, o.resources);
    checkForEachFields(c, out);
  }
  if (o.allowed_hosts !== undefined) {
    out.allowed_hosts = c.list(o.allowed_hosts, "allowed_hosts", (v, p) => checkHost(c, v, p));
  }
  return out;
}

/** An `allowed_hosts` entry: a host, `host:port` or URL, or a `{field}` filled at run time. */
function checkHost(c: Checker, value: unknown, path: string): string | undefined {
  const host = c.string(value, path);
  if (host === undefined || host.includes("{") || netHost(host) !== undefined) return host;
  return c.fail(
    path,
    `must be a host ("api.example.com"), host:port ("api.example.com:8443") or a URL (got ${
      describe(host)
    })`,
  );
}

function checkName(c: Checker, value: unknown): string | undefined {
  const name = c.string(value, "name");
  if (name === undefined) return undefined;
  // The name becomes a config section (`sources.<name>`), env var part and pipeline name.
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
    return c.fail(
      "name",
      `must start with a letter and hold only letters, digits, _ and - (got ${describe(name)})`,
    );
  }
  return name;
}

function checkConfigField(
  c: Checker,
  value: unknown,
  path: string,
  key: string,
): ConfigField | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    c.fail(
      path,
      "must be named with letters, digits and _ only (it is used as {name} placeholder)",
    );
  }
  const o = c.keys(value, path, ["secret", "default", "doc"], { what: "a config field" });
  if (!o) return undefined;
  const field: ConfigField = {};
  if (o.secret !== undefined) field.secret = c.boolean(o.secret, join(path, "secret"));
  if (o.default !== undefined) field.default = checkJson(c, o.default, join(path, "default"));
  if (o.doc !== undefined) field.doc = c.anyString(o.doc, join(path, "doc"));
  return field;
}

function checkClient(c: Checker, value: unknown): ClientConfig | undefined {
  const o = c.keys(value, "client", CLIENT_KEYS, {
    required: ["base_url"],
    unsupported: { session: "a Python requests session" },
  });
  if (!o) return undefined;
  const client: ClientConfig = { base_url: "" };
  if (o.base_url !== undefined) {
    const url = c.string(o.base_url, "client.base_url");
    if (url !== undefined && !/^(https?:\/\/|\{)/i.test(url)) {
      c.fail("client.base_url", `must be an http:// or https:// URL (got ${describe(url)})`);
    }
    client.base_url = url ?? "";
  }
  if (o.headers !== undefined) client.headers = checkHeaders(c, o.headers, "client.headers");
  if (o.auth !== undefined) client.auth = checkAuth(c, o.auth, "client.auth");
  if (o.auth_hosts !== undefined) client.auth_hosts = checkAuthHosts(c, o.auth_hosts, client);
  if (o.paginator !== undefined) {
    client.paginator = checkPaginator(c, o.paginator, "client.paginator");
  }
  if (o.concurrency !== undefined) {
    client.concurrency = c.integer(o.concurrency, "client.concurrency", 1);
  }
  if (o.rate_limit !== undefined) client.rate_limit = checkRateLimit(c, o.rate_limit);
  return client;
}

function checkResource(
  c: Checker,
  value: unknown,
  path: string,
  allowCode: boolean,
): string | ResourceConfig | undefined {
  if (typeof value === "string") return c.string(value, path);
  if (!isPlainObject(value)) {
    return c.fail(path, `must be a resource name or an object (got ${describe(value)})`);
  }
  const base = checkResourceBase(c, value, path, { allowCode, isDefaults: false });
  // A missing name was reported by checkResourceBase already.
  const name = value.name === undefined ? undefined : c.string(value.name, join(path, "name"));
  if (!base || name === undefined) return undefined;
  if (value.for_each === undefined) return { name, ...base };
  const forEach = checkForEach(c, value.for_each, join(path, "for_each"));
  if (forEach && !name.includes(`{${forEach.as}}`)) {
    c.fail(
      join(path, "name"),
      `must contain {${forEach.as}}, so that each item of ${forEach.field} makes its own resource (got ${
        describe(name)
      })`,
    );
  }
  return forEach ? { name, for_each: forEach, ...base } : undefined;
}

function checkForEach(c: Checker, value: unknown, path: string): ForEachConfig | undefined {
  const o = c.keys(value, path, ["field", "as"], { required: ["field", "as"], what: "for_each" });
  if (!o) return undefined;
  const field = c.string(o.field, join(path, "field"));
  const as = c.string(o.as, join(path, "as"));
  if (as !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(as)) {
    return c.fail(
      join(path, "as"),
      `must be a placeholder name: letters, digits and _ (got ${describe(as)})`,
    );
  }
  return field === undefined || as === undefined ? undefined : { field, as };
}

/** `for_each` reads a declared config field and its placeholder shadows none. */
function checkForEachFields(c: Checker, connector: Connector): void {
  const fields = Object.keys(connector.config ?? {});
  connector.resources.forEach((resource, i) => {
    if (typeof resource === "string" || !resource.for_each) return;
    const { field, as } = resource.for_each;
    const path = `resources[${i}].for_each`;
    if (!fields.includes(field)) {
      c.fail(
        join(path, "field"),
        `names "${field}", which is not a config field (declared: ${fields.join(", ") || "none"})`,
      );
    }
    if (fields.includes(as)) {
      c.fail(join(path, "as"), `is "${as}", which is also a config field; pick another name`);
    }
  });
}

function checkResourceBase(
  c: Checker,
  value: unknown,
  path: string,
  options: { allowCode: boolean; isDefaults: boolean },
): ResourceDefaults | undefined {
  const known = options.isDefaults
    ? RESOURCE_KEYS.filter((k) => k !== "name" && k !== "for_each")
    : RESOURCE_KEYS;
  const o = c.keys(value, path, known, {
    required: options.isDefaults ? [] : ["name"],
    unsupported: UNSUPPORTED_RESOURCE_KEYS,
    what: options.isDefaults ? "resource_defaults" : "a resource",
  });
  if (!o) return undefined;
  const at = (key: string) => join(path, key);
  const out: ResourceDefaults = {};
  if (o.endpoint !== undefined) {
    out.endpoint = checkEndpoint(c, o.endpoint, at("endpoint"), !options.isDefaults);
  }
  for (const key of ["primary_key", "merge_key"] as const) {
    if (o[key] !== undefined) out[key] = checkKeyList(c, o[key], at(key));
  }
  if (o.write_disposition !== undefined) {
    out.write_disposition = checkWriteDisposition(c, o.write_disposition, at("write_disposition"));
  }
  if (o.table_name !== undefined) out.table_name = c.string(o.table_name, at("table_name"));
  if (o.max_table_nesting !== undefined) {
    out.max_table_nesting = c.integer(o.max_table_nesting, at("max_table_nesting"), 0);
  }
  if (o.selected !== undefined) out.selected = c.boolean(o.selected, at("selected"));
  if (o.parallelized !== undefined) {
    out.parallelized = c.boolean(o.parallelized, at("parallelized"));
  }
  if (o.include_from_parent !== undefined) {
    out.include_from_parent = c.list(
      o.include_from_parent,
      at("include_from_parent"),
      (v, p) => c.string(v, p),
    );
  }
  if (o.processing_steps !== undefined) {
    out.processing_steps = checkSteps(c, o.processing_steps, at("processing_steps"), options);
  }
  if (o.columns !== undefined) out.columns = checkColumns(c, o.columns, at("columns"));
  if (o.schema_contract !== undefined) {
    out.schema_contract = checkSchemaContract(c, o.schema_contract, at("schema_contract"));
  }
  if (o.incremental !== undefined) {
    out.incremental = checkIncremental(c, o.incremental, at("incremental"), "resource");
  }
  checkOneIncremental(c, out, path);
  return out;
}

/** A resource tracks one cursor: on the resource, on its endpoint, or in one param. */
function checkOneIncremental(c: Checker, resource: ResourceDefaults, path: string): void {
  const places: string[] = [];
  if (resource.incremental) places.push("incremental");
  const endpoint = typeof resource.endpoint === "object" ? resource.endpoint : undefined;
  if (endpoint?.incremental) places.push("endpoint.incremental");
  for (const [key, value] of Object.entries(endpoint?.params ?? {})) {
    if (isPlainObject(value) && value.type === "incremental") places.push(`endpoint.params.${key}`);
  }
  if (places.length > 1) {
    c.fail(
      path,
      `has more than one incremental (${
        places.join(", ")
      }); a resource tracks one cursor, keep one`,
    );
  }
}

function checkEndpoint(
  c: Checker,
  value: unknown,
  path: string,
  allowString: boolean,
): string | EndpointConfig | undefined {
  if (typeof value === "string" && allowString) return c.string(value, path);
  const o = c.keys(value, path, ENDPOINT_KEYS, { what: "endpoint" });
  if (!o) return undefined;
  const at = (key: string) => join(path, key);
  const out: EndpointConfig = {};
  if (o.path !== undefined) out.path = c.anyString(o.path, at("path"));
  if (o.method !== undefined) {
    const method = typeof o.method === "string" ? o.method.toUpperCase() : o.method;
    out.method = c.oneOf(method, at("method"), ["GET", "POST"] as const);
  }
  if (o.params !== undefined) {
    out.params = c.record(o.params, at("params"), (v, p) => checkParam(c, v, p));
  }
  if (o.json !== undefined) out.json = checkJson(c, o.json, at("json"));
  if (o.data !== undefined) {
    out.data = c.record(o.data, at("data"), (v, p) => c.scalarString(v, p));
  }
  if (o.json !== undefined && o.data !== undefined) {
    c.fail(path, "has both json and data; use json for a JSON body or data for a form body");
  }
  if (o.headers !== undefined) out.headers = checkHeaders(c, o.headers, at("headers"));
  if (o.auth !== undefined) out.auth = checkAuth(c, o.auth, at("auth"));
  if (o.paginator !== undefined) out.paginator = checkPaginator(c, o.paginator, at("paginator"));
  if (o.data_selector !== undefined) {
    out.data_selector = c.string(o.data_selector, at("data_selector"));
  }
  if (o.response_actions !== undefined) {
    out.response_actions = c.list(
      o.response_actions,
      at("response_actions"),
      (v, p) => checkResponseAction(c, v, p),
    );
  }
  if (o.incremental !== undefined) {
    out.incremental = checkIncremental(c, o.incremental, at("incremental"), "endpoint");
  }
  return out;
}

function checkParam(
  c: Checker,
  value: unknown,
  path: string,
): string | number | boolean | ResolveParam | IncrementalParam | null | undefined {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
    return value as string | number | boolean | null;
  }
  if (isPlainObject(value) && value.type === "resolve") {
    const o = c.keys(value, path, ["type", "resource", "field"], {
      required: ["resource", "field"],
    });
    const resource = c.string(o?.resource, join(path, "resource"));
    const field = c.string(o?.field, join(path, "field"));
    if (resource === undefined || field === undefined) return undefined;
    return { type: "resolve", resource, field };
  }
  if (isPlainObject(value) && value.type === "incremental") {
    return checkIncrementalParam(c, value, path);
  }
  return c.fail(
    path,
    `must be a string, number, boolean, null, {type: "resolve", resource, field} or ` +
      `{type: "incremental", cursor_path, ...} (got ${describe(value)})`,
  );
}

function checkHeaders(
  c: Checker,
  value: unknown,
  path: string,
): Record<string, string> | undefined {
  return c.record(value, path, (v, p) => c.scalarString(v, p));
}

function checkKeyList(c: Checker, value: unknown, path: string): string | string[] | undefined {
  if (typeof value === "string") return c.string(value, path);
  if (Array.isArray(value)) {
    return c.list(value, path, (v, p) => c.string(v, p), { nonEmpty: true });
  }
  return c.fail(path, `must be a column name or a list of them (got ${describe(value)})`);
}

function checkWriteDisposition(
  c: Checker,
  value: unknown,
  path: string,
): ResourceConfig["write_disposition"] {
  if (!isPlainObject(value)) return c.oneOf(value, path, WRITE_DISPOSITIONS);
  const o = c.keys(value, path, ["disposition", "strategy"], { required: ["disposition"] });
  if (!o || o.disposition === undefined) return undefined;
  const disposition = c.oneOf(o.disposition, join(path, "disposition"), WRITE_DISPOSITIONS);
  if (disposition === undefined) return undefined;
  if (o.strategy === undefined) return { disposition };
  const allowed = STRATEGIES[disposition];
  if (allowed.length === 0) {
    return c.fail(join(path, "strategy"), `is not available for ${disposition}`);
  }
  if (o.strategy === "scd2") {
    return c.fail(
      join(path, "strategy"),
      `is "scd2", which dltx does not support yet; use ${allowed.join(", ")}`,
    );
  }
  const strategy = c.oneOf(o.strategy, join(path, "strategy"), allowed);
  return strategy === undefined ? undefined : { disposition, strategy: strategy as MergeStrategy };
}

function checkSteps(
  c: Checker,
  value: unknown,
  path: string,
  options: { allowCode: boolean },
): ProcessingStep[] | undefined {
  if (!options.allowCode) {
    return c.fail(
      path,
      "needs a TS/JS connector: processing steps are functions, which JSON and YAML cannot hold",
    );
  }
  return c.list(value, path, (v, p) => {
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && (keys[0] === "filter" || keys[0] === "map")) {
        const fn = v[keys[0]];
        if (typeof fn === "function") return v as ProcessingStep;
        return c.fail(join(p, keys[0]), `must be a function (got ${describe(fn)})`);
      }
    }
    return c.fail(p, `must be {filter: (record) => boolean} or {map: (record) => record}`);
  });
}

/** Any JSON value (objects, lists, strings, numbers, booleans, null); no functions. */
function checkJson(c: Checker, value: unknown, path: string): unknown {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return value;
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJson(c, v, `${path}[${i}]`));
    return value;
  }
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) checkJson(c, v, join(path, k));
    return value;
  }
  return c.fail(path, `must be a JSON value (got ${describe(value)})`);
}

function checkUniqueNames(c: Checker, resources: unknown): void {
  if (!Array.isArray(resources)) return;
  const seen = new Map<string, number>();
  resources.forEach((r, i) => {
    const name = typeof r === "string" ? r : isPlainObject(r) ? r.name : undefined;
    if (typeof name !== "string") return;
    const first = seen.get(name);
    if (first !== undefined) {
      c.fail(`resources[${i}]`, `reuses the name "${name}" of resources[${first}]`);
    } else seen.set(name, i);
  });
}
