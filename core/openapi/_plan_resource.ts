/**
 * One resource from one GET operation: its endpoint path (path params filled from the parent
 * record or config), params (required ones from config, page sizes), data selector,
 * paginator and primary key, and what each param of the operation became.
 *
 * @module
 */

import type { EndpointConfig, ResourceConfig } from "../source/mod.ts";
import type { ConfigFields } from "./_config_fields.ts";
import { isObject, oneLine, schemaTypes } from "./_schema.ts";
import { type IncrementalHint, incrementalHint } from "./incremental.ts";
import { detectPaging, type Paging } from "./paginator.ts";
import type { ParentLink } from "./parents.ts";
import { primaryKeyOf } from "./primary_key.ts";
import type { ResponseShape } from "./response.ts";
import type { Operation, Parameter } from "./types.ts";

/** What one param of the operation became. */
export interface ParamUse {
  param: Parameter;
  /** `config field owner`, `the parent's number`, `paginator`, `not sent`, ... */
  use: string;
}

/** A resource derived from an operation. */
export interface PlannedResource {
  operation: Operation;
  shape: Extract<ResponseShape, { kind: "list" | "object" }>;
  paging: Paging;
  primaryKey?: string[];
  /** The parent resource's name and how it fills a path param. */
  parent?: { name: string; param: string; field: string };
  /** `false`: added only as the parent of a chosen resource. */
  selected: boolean;
  incremental?: IncrementalHint;
  params: ParamUse[];
  /** Partial mappings and guesses, one sentence each. */
  notes: string[];
  resource: ResourceConfig;
  /** The placeholder of each path param (`issue_number` -> `resources.issues.number`). */
  placeholders: Map<string, string>;
}

/** What {@linkcode planResource} needs besides the operation. */
export interface PlanContext {
  fields: ConfigFields;
  /** The resource this one is a child of, already planned, and the link. */
  parent?: { plan: PlannedResource; link: ParentLink };
  /** Why a path param could not come from a parent (from `findParent`). */
  parentNote?: string;
  selected: boolean;
  /** Header names auth sets (never a config field of their own). */
  authHeaders: Set<string>;
}

/** Request headers that are the client's business, not the user's. */
const MANAGED_HEADERS = new Set(["accept", "content-type", "authorization", "range", "range-unit"]);

/**
 * Plans the resource of an operation whose response holds records.
 *
 * @param operation the operation.
 * @param shape its response (a list or an object).
 * @param ctx the config fields, the parent, and whether the resource is loaded.
 * @returns the planned resource.
 */
export function planResource(
  operation: Operation,
  shape: PlannedResource["shape"],
  ctx: PlanContext,
): PlannedResource {
  const paging = detectPaging(operation, shape);
  const notes: string[] = [];
  const uses: ParamUse[] = [];
  const name = operation.name;
  const placeholders = pathPlaceholders(operation, ctx, uses, notes);
  const path = operation.path.replace(/^\/+/, "").replace(
    /\{([^}]+)\}/g,
    (_, param: string) => `{${placeholders.get(param)}}`,
  );

  const params: NonNullable<EndpointConfig["params"]> = { ...paging.params };
  const headers: Record<string, string> = {};
  for (const param of operation.parameters) {
    if (param.in === "path") continue;
    const lower = param.name.toLowerCase();
    if (param.in === "query" && param.name in paging.params) {
      uses.push({ param, use: `page size ${paging.params[param.name]}` });
    } else if (paging.owns.includes(param.name) || (param.in === "header" && lower === "range")) {
      uses.push({ param, use: "set by the paginator" });
    } else if (
      param.in === "header" && (MANAGED_HEADERS.has(lower) || ctx.authHeaders.has(lower))
    ) {
      uses.push({ param, use: "set by dltx (auth, paging or content type)" });
    } else if (!param.required) {
      uses.push({ param, use: "not sent (optional)" });
    } else if (param.in === "cookie") {
      uses.push({ param, use: "not sent: dltx sends no cookie params" });
      notes.push(`the required cookie "${param.name}" is not sent: dltx has no cookie params`);
    } else {
      const value = requiredValue(param, ctx.fields);
      if (param.in === "query") params[param.name] = value.value;
      else headers[param.name] = String(value.value);
      uses.push({ param, use: value.use });
    }
  }

  const endpoint: EndpointConfig = { path };
  if (Object.keys(params).length > 0) endpoint.params = params;
  if (Object.keys(headers).length > 0) endpoint.headers = headers;
  if (shape.kind === "object") endpoint.data_selector = "$";
  else if (shape.dataSelector) endpoint.data_selector = shape.dataSelector;
  if (paging.paginator) endpoint.paginator = paging.paginator;
  if (paging.paginator?.type === "header_range") {
    // Rows deleted while paging can put the next range past the end; PostgREST then answers
    // 416 Range Not Satisfiable, which only means there is nothing left.
    endpoint.response_actions = [{ status_code: 416, action: "ignore" }];
  }

  const primaryKey = primaryKeyOf(shape.item, name);
  const resource: ResourceConfig = { name };
  if (!ctx.selected) resource.selected = false;
  if (primaryKey) resource.primary_key = primaryKey.length === 1 ? primaryKey[0] : primaryKey;
  if (ctx.parent) resource.include_from_parent = [ctx.parent.link.field];
  resource.endpoint = endpoint;

  if (shape.kind === "list" && shape.otherLists.length > 0) {
    notes.push(
      `the response has more lists (${shape.otherLists.join(", ")}); data_selector picks ` +
        `"${shape.dataSelector}" and the others are not loaded: change it if another holds ` +
        "the records",
    );
  }
  if (ctx.parentNote) notes.push(ctx.parentNote);
  return {
    operation,
    shape,
    paging,
    ...(primaryKey ? { primaryKey } : {}),
    ...(ctx.parent
      ? {
        parent: {
          name: ctx.parent.plan.operation.name,
          param: ctx.parent.link.param,
          field: ctx.parent.link.field,
        },
      }
      : {}),
    selected: ctx.selected,
    ...withIncremental(operation, shape),
    params: uses,
    notes,
    resource,
    placeholders,
  };
}

function withIncremental(operation: Operation, shape: PlannedResource["shape"]) {
  if (shape.kind !== "list") return {};
  const hint = incrementalHint(operation, shape.item);
  return hint ? { incremental: hint } : {};
}

/**
 * The placeholder of each path param: the parent's record field for the linked param, the
 * parent's own placeholder (through its records) for params it shares, else a config field.
 */
function pathPlaceholders(
  operation: Operation,
  ctx: PlanContext,
  uses: ParamUse[],
  notes: string[],
): Map<string, string> {
  const placeholders = new Map<string, string>();
  const parent = ctx.parent;
  const params = operation.parameters.filter((p) => p.in === "path");
  for (const name of pathParamNames(operation.path)) {
    const param = params.find((p) => p.name === name) ??
      { name, in: "path" as const, required: true };
    if (parent && name === parent.link.param) {
      const parentName = parent.plan.operation.name;
      placeholders.set(name, `resources.${parentName}.${parent.link.field}`);
      uses.push({ param, use: `the "${parent.link.field}" of each ${parentName} record` });
      continue;
    }
    const inherited = parent?.plan.placeholders.get(name);
    if (parent && inherited?.startsWith("resources.")) {
      // The parent got it from its own parent and carries it in its records
      // (include_from_parent adds `_<grandparent>_<field>`).
      const [, grandparent, ...field] = inherited.split(".");
      const key = `_${grandparent}_${field.join("__")}`;
      placeholders.set(name, `resources.${parent.plan.operation.name}.${key}`);
      uses.push({ param, use: `the "${key}" the ${parent.plan.operation.name} records carry` });
      continue;
    }
    if (inherited !== undefined) {
      placeholders.set(name, inherited);
      uses.push({ param, use: `config field ${inherited}` });
      continue;
    }
    const field = ctx.fields.add(name, {
      doc: paramDoc(param, `The {${name}} of GET ${operation.path}`),
    });
    placeholders.set(name, field);
    uses.push({ param, use: `config field ${field}` });
  }
  if (params.some((p) => !placeholders.has(p.name))) {
    const unused = params.filter((p) => !placeholders.has(p.name)).map((p) => p.name);
    notes.push(`path params ${unused.join(", ")} are documented but not in the path`);
  }
  return placeholders;
}

function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

/** A required query or header param: a fixed value the spec allows only, else a config field. */
function requiredValue(
  param: Parameter,
  fields: ConfigFields,
): { value: string | number | boolean; use: string } {
  const values = Array.isArray(param.schema?.enum) ? param.schema.enum : [];
  if (values.length === 1 && isScalar(values[0])) {
    return { value: values[0], use: `always ${JSON.stringify(values[0])} (its only value)` };
  }
  const fallback = param.schema?.default;
  const field = fields.add(param.name, {
    ...(isScalar(fallback) ? { default: fallback } : {}),
    doc: paramDoc(param, `The required ${param.in} param "${param.name}"`),
  });
  return { value: `{${field}}`, use: `config field ${field}` };
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** A param's doc: its description, type and allowed values. */
function paramDoc(param: Parameter, fallback: string): string {
  const parts = [oneLine(param.description, 300) ?? `${fallback}.`];
  const types = schemaTypes(param.schema);
  if (types.length > 0 && !types.includes("string")) parts.push(`(${types.join(" or ")})`);
  const values = isObject(param.schema) && Array.isArray(param.schema.enum)
    ? param.schema.enum.filter(isScalar)
    : [];
  if (values.length > 0) parts.push(`One of: ${values.join(", ")}.`);
  return parts.join(" ");
}
