/**
 * Turns a validated connector into one plan per resource: defaults merged, parent found,
 * every template compiled, auth and paginator created. All config mistakes surface here,
 * before the first request.
 *
 * @module
 */

import type { Deps } from "../deps.ts";
import { ConfigError } from "../errors.ts";
import {
  type Auth,
  type AuthConfig,
  AuthScope,
  createAuth,
  createPaginator,
  type HttpClient,
  type Paginator,
  type ResponseAction,
} from "../http/mod.ts";
import type { Logger } from "../log.ts";
import { didYouMean } from "./_check.ts";
import { compileGetter } from "./_path.ts";
import {
  effectivePaginator,
  type ExpandedResource,
  expandResource,
  isSingleEntityPath,
} from "./defaults.ts";
import {
  compileTemplate,
  compileValue,
  findPlaceholders,
  type PlaceholderScope,
  type Renderer,
  type Template,
} from "./placeholders.ts";
import { Incremental, type IncrementalSettings } from "./incremental.ts";
import { findIncremental, isIncrementalParam, resourceInfo } from "./_plan_hints.ts";
import { RecordSelector } from "./selector.ts";
import { cursorStateAt } from "./_source_state.ts";
import type { Connector, ProcessingStep, ResolveParam, ResourceInfo } from "./types.ts";

/** A field copied from the parent record into each child record (`include_from_parent`). */
export interface IncludedField {
  /** Key in the child record: `_<parent>_<field>`, dots of a path as `__`. */
  key: string;
  field: string;
  get: (record: unknown) => unknown;
}

/** A resource's incremental cursor: a fresh {@linkcode Incremental} is made per extraction. */
export interface IncrementalPlan {
  settings: IncrementalSettings;
  primaryKey?: string | string[];
  /** The cursor's state from the last committed load. */
  stored: unknown;
}

/** Everything needed to request and process one resource. */
export interface ResourcePlan {
  name: string;
  info: ResourceInfo;
  parent?: string;
  children: ResourcePlan[];
  method: "GET" | "POST";
  baseUrl: string;
  path: Template;
  params: Renderer<unknown>;
  clientHeaders: Record<string, string>;
  headers: Renderer<unknown>;
  json?: Renderer<unknown>;
  data?: Renderer<unknown>;
  auth?: Auth;
  /** The origins `auth` is applied to: `client.base_url`'s and `client.auth_hosts`. */
  authScope: AuthScope;
  /** The configured paginator, cloned per request series; `undefined` means detect it. */
  paginator?: Paginator;
  selector: RecordSelector;
  responseActions?: ResponseAction[];
  include: IncludedField[];
  steps: ProcessingStep[];
  incremental?: IncrementalPlan;
  /** `parallelized: false`: one series at a time, no pages fetched ahead. */
  sequential: boolean;
}

/** Inputs of {@linkcode planResources}. */
export interface PlanOptions {
  config: Record<string, unknown>;
  logger: Logger;
  client: HttpClient;
  deps?: Deps;
  /** Receives every secret value (auth credentials) so output can mask it. */
  addSecret: (value: string) => void;
  /** The source's state from the last committed load (`sources.<source>`). */
  state?: Record<string, unknown>;
}

/**
 * Plans every resource of a connector, in connector order; `children` link each plan to the
 * resources that depend on it.
 *
 * @throws {ConfigError} for unknown placeholders or parents, cycles, and bad paginators.
 */
export function planResources(connector: Connector, options: PlanOptions): ResourcePlan[] {
  const { logger } = options;
  const expanded = connector.resources.map((r) => expandResource(r, connector.resource_defaults));
  const names = expanded.map((r) => r.name);
  const clientScope: PlaceholderScope = { resource: "client", config: options.config };
  const baseUrl = compileStatic(connector.client.base_url, clientScope, "client.base_url");
  const clientHeaders = withoutNulls(
    compileValue(connector.client.headers ?? {}, clientScope, "client.headers").render(),
  );
  const clientAuth = connector.client.auth
    ? makeAuth(connector.client.auth, clientScope, "client.auth", options)
    : undefined;
  const authScope = makeAuthScope(connector, baseUrl, clientScope, logger);

  const plans = expanded.map((resource) => {
    const parent = findParent(resource, names);
    return planOne(resource, parent, {
      ...options,
      baseUrl,
      clientHeaders,
      clientAuth,
      authScope,
      connector,
    });
  });
  const byName = new Map(plans.map((p) => [p.name, p]));
  for (const plan of plans) {
    if (plan.parent) byName.get(plan.parent)!.children.push(plan);
  }
  checkCycles(plans, byName);
  logger.debug(`Planned ${plans.length} resource(s): ${names.join(", ")}`);
  return plans;
}

interface PlanContext extends PlanOptions {
  baseUrl: string;
  clientHeaders: Record<string, string>;
  clientAuth?: Auth;
  authScope: AuthScope;
  connector: Connector;
}

function planOne(
  resource: ExpandedResource,
  parent: string | undefined,
  ctx: PlanContext,
): ResourcePlan {
  const { name, endpoint } = resource;
  const found = findIncremental(resource);
  let incremental: IncrementalPlan | undefined;
  let values: Record<string, unknown> | undefined;
  if (found) {
    const stored = ctx.state
      ? cursorStateAt(ctx.state, name, found.settings.cursor_path)
      : undefined;
    incremental = { settings: found.settings, primaryKey: resource.primary_key, stored };
    // Built once here so a bad range fails before any request; extraction makes its own.
    values = { ...new Incremental(name, found.settings, { state: stored }).values() };
  }
  const resolve: Record<string, string> = {};
  const staticParams: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(endpoint.params ?? {})) {
    if (isResolve(value)) resolve[key] = value.field;
    else if (isIncrementalParam(value)) staticParams[key] = literalParam(values?.start_value);
    else staticParams[key] = value;
  }
  if (found?.startParam) staticParams[found.startParam] = literalParam(values?.start_value);
  if (found?.endParam) staticParams[found.endParam] = literalParam(values?.end_value);
  const scope: PlaceholderScope = {
    resource: name,
    config: ctx.config,
    parent,
    resolve,
    incremental: values,
  };

  // dlt binds `{x}` in the path to a static `params.x` and drops it from the query.
  const bound: Record<string, Template> = {};
  const inPath = new Set(findPlaceholders(endpoint.path));
  for (const [key, value] of Object.entries(staticParams)) {
    if (!inPath.has(key)) continue; // compiled with the other params below
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      bound[key] = compileTemplate(String(value), scope, `endpoint.params.${key}`);
    }
  }
  const used = new Set<string>();
  const path = compileTemplate(endpoint.path, { ...scope, bound, used }, "endpoint.path");
  for (const key of Object.keys(resolve)) {
    if (!used.has(key)) {
      throw new ConfigError(
        `Resource "${name}": resolve param "${key}" is not used in endpoint.path ` +
          `${JSON.stringify(endpoint.path)}; put {${key}} in the path, or use ` +
          `{resources.<parent>.<field>} to send a parent field as a query param`,
      );
    }
  }
  for (const key of used) delete staticParams[key];

  const include = (resource.include_from_parent ?? []).map((field) => {
    if (!parent) {
      throw new ConfigError(
        `Resource "${name}" has include_from_parent but no parent; refer to the parent with ` +
          `{resources.<parent>.<field>} in its endpoint`,
      );
    }
    return includedField(parent, field);
  });

  // dlt: a path ending in a placeholder asks for one entity: selector `$`, one page.
  const singleEntity = isSingleEntityPath(endpoint.path);
  const paginatorConfig = effectivePaginator(endpoint, ctx.connector.client);
  const dataSelector = endpoint.data_selector ?? (singleEntity ? "$" : undefined);
  const paginator = endpoint.paginator === undefined && singleEntity
    ? createPaginator("single_page")
    : paginatorConfig === undefined
    ? undefined
    : createPaginator(paginatorConfig);

  if (endpoint.json !== undefined && endpoint.data !== undefined) {
    throw new ConfigError(
      `Resource "${name}": endpoint has both json and data (one may come from resource_defaults); keep one`,
    );
  }
  const method = endpoint.method ?? "GET";
  if (method === "GET" && (endpoint.json !== undefined || endpoint.data !== undefined)) {
    throw new ConfigError(
      `Resource "${name}": endpoint has a ${
        endpoint.json !== undefined ? "json" : "data"
      } body but method GET; set endpoint.method to POST`,
    );
  }
  const info = resourceInfo(resource, parent);
  return {
    name,
    info,
    parent,
    children: [],
    method,
    baseUrl: ctx.baseUrl,
    path,
    params: compileValue(staticParams, scope, "endpoint.params"),
    clientHeaders: ctx.clientHeaders,
    headers: compileValue(endpoint.headers ?? {}, scope, "endpoint.headers"),
    json: endpoint.json === undefined
      ? undefined
      : compileValue(endpoint.json, scope, "endpoint.json", { preserveTypes: true }),
    data: endpoint.data === undefined
      ? undefined
      : compileValue(endpoint.data, scope, "endpoint.data"),
    auth: endpoint.auth ? makeAuth(endpoint.auth, scope, "endpoint.auth", ctx) : ctx.clientAuth,
    authScope: ctx.authScope,
    paginator,
    selector: new RecordSelector(dataSelector, {
      resource: name,
      logger: ctx.logger,
      // Only the user's own data_selector may make a scalar body a record.
      primaryKey: endpoint.data_selector === undefined ? info.primaryKey : undefined,
    }),
    responseActions: endpoint.response_actions,
    include,
    steps: resource.processing_steps ?? [],
    incremental,
    sequential: resource.parallelized === false,
  };
}

/** A cursor value as a param that renders as itself: braces in text are escaped. */
function literalParam(value: unknown): unknown {
  return typeof value === "string" ? value.replace(/[{}]/g, "$&$&") : value ?? null;
}

/** The one parent a resource refers to, through placeholders or legacy resolve params. */
export function findParent(resource: ExpandedResource, names: string[]): string | undefined {
  const { name, endpoint } = resource;
  const parents = new Set<string>();
  for (const value of Object.values(endpoint.params ?? {})) {
    if (isResolve(value)) parents.add(value.resource);
  }
  const texts = [endpoint.path, endpoint.params, endpoint.json, endpoint.data, endpoint.headers];
  for (const placeholder of findPlaceholders(texts)) {
    const match = placeholder.match(/^resources\.([^.]+)\./);
    if (match) parents.add(match[1]);
  }
  if (parents.size > 1) {
    throw new ConfigError(
      `Resource "${name}" refers to more than one parent (${[...parents].join(", ")}); ` +
        "a resource has one parent",
    );
  }
  const [parent] = parents;
  if (parent === undefined) return undefined;
  if (parent === name) throw new ConfigError(`Resource "${name}" refers to itself as its parent`);
  if (!names.includes(parent)) {
    throw new ConfigError(
      `Resource "${name}" refers to unknown parent resource "${parent}"${
        didYouMean(parent, names)
      }; resources: ${names.join(", ")}`,
    );
  }
  return parent;
}

function checkCycles(plans: ResourcePlan[], byName: Map<string, ResourcePlan>): void {
  for (const plan of plans) {
    const chain = [plan.name];
    for (let p = plan.parent; p !== undefined; p = byName.get(p)?.parent) {
      if (chain.includes(p)) {
        throw new ConfigError(
          `Resources depend on each other in a circle: ${[...chain, p].join(" -> ")}`,
        );
      }
      chain.push(p);
    }
  }
}

function includedField(parent: string, field: string): IncludedField {
  const getPath = compileGetter(field);
  return {
    // A top-level key as dlt names it; a nested path keeps its levels apart (`user__login`).
    key: `_${parent}_${field.replace(/^\$\./, "").split(".").join("__")}`,
    field,
    // dlt reads a top-level key; a dotted path reaches into nested objects.
    get: (record) => {
      if (record !== null && typeof record === "object" && field in record) {
        return (record as Record<string, unknown>)[field];
      }
      return getPath(record);
    },
  };
}

/**
 * The auth of a client or endpoint; `undefined` when a credential is an unset optional config
 * field (`token: "{token}"` with `token` declared `default: null`): such requests go without.
 */
function makeAuth(
  config: AuthConfig,
  scope: PlaceholderScope,
  where: string,
  ctx: PlanOptions,
): Auth | undefined {
  // Credentials often come from config (`token: "{access_token}"`); they are static per run.
  const rendered = compileValue(config, { ...scope, parent: undefined, resolve: {} }, where)
    .render() as Record<string, unknown>;
  const unset = Object.keys(rendered).filter((key) => rendered[key] === null);
  if (unset.length > 0) {
    ctx.logger.debug(`${where} left out: ${unset.join(", ")} not set`);
    return undefined;
  }
  const auth = createAuth(rendered as AuthConfig, { client: ctx.client, deps: ctx.deps });
  for (const secret of auth.secrets()) ctx.addSecret(secret);
  return auth;
}

/**
 * Where credentials go: the origin of `client.base_url` and those of `client.auth_hosts`. A
 * request elsewhere (a next page link, a redirect) goes without them, with one warning per
 * origin.
 */
function makeAuthScope(
  connector: Connector,
  baseUrl: string,
  scope: PlaceholderScope,
  logger: Logger,
): AuthScope {
  const authHosts = (connector.client.auth_hosts ?? []).map((entry, i) =>
    compileStatic(entry, scope, `client.auth_hosts[${i}]`)
  );
  const authScope: AuthScope = new AuthScope(baseUrl, {
    authHosts,
    onWithheld(origin, resource) {
      const origins = authScope.origins;
      const allowed = origins.length === 1
        ? `the origin of client.base_url (${origins[0]})`
        : `${origins.join(", ")} (client.base_url and client.auth_hosts)`;
      logger.warn(
        `${resource ? `Resource "${resource}": ` : ""}not sending credentials to ${origin}: ` +
          `they go only to ${allowed}; add "${origin}" to client.auth_hosts to send them there too`,
      );
    },
  });
  return authScope;
}

function compileStatic(text: string, scope: PlaceholderScope, where: string): string {
  const rendered = compileValue(text, scope, where).render();
  if (typeof rendered !== "string") {
    throw new ConfigError(
      `${where} ${JSON.stringify(text)} has no value: the config field it names is not set`,
    );
  }
  return rendered;
}

/** Headers without the ones an unset optional config field left empty (`null`). */
function withoutNulls(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    if (value !== null && value !== undefined) out[key] = value as string;
  }
  return out;
}

function isResolve(value: unknown): value is ResolveParam {
  return value !== null && typeof value === "object" && (value as ResolveParam).type === "resolve";
}
