/**
 * A connector from a spec and the chosen GET operations: base URL and its config fields from
 * `servers`, auth from `securitySchemes`, one resource per operation that answers records,
 * parents added for children, and comments that say where each thing came from and what could
 * not be mapped (never a silent drop).
 *
 * @module
 */

import { envKey } from "../config/mod.ts";
import type { Connector } from "../source/mod.ts";
import { Annotations, type CommentLine } from "./annotations.ts";
import { type AuthPlan, deriveAuth } from "./auth.ts";
import { ConfigFields } from "./_config_fields.ts";
import { isObject, oneLine } from "./_schema.ts";
import type { OperationList } from "./operations.ts";
import { findParent, type ParentCandidate, type ParentLink } from "./parents.ts";
import { type PlannedResource, planResource } from "./_plan_resource.ts";
import { type ResponseShape, responseShape } from "./response.ts";
import { deriveServer, type ServerPlan } from "./servers.ts";
import type { OpenApiSpec, Operation, SpecObject } from "./types.ts";

export type { PlannedResource } from "./_plan_resource.ts";

/** Options of {@linkcode deriveConnector}. */
export interface DeriveOptions {
  /** The connector's name. */
  name: string;
  /** The chosen GET operations. */
  chosen: readonly Operation[];
  /** Every operation of the spec (parents come from its GET operations). */
  operations: OperationList;
  /** The spec as the user named it (a path or URL), for comments. */
  specLabel: string;
}

/** A chosen operation that is not a resource, and why. */
export interface SkippedOperation {
  operation: Operation;
  reason: string;
}

/** A connector derived from a spec, with its comments and what it was derived from. */
export interface DerivedConnector {
  connector: Connector;
  annotations: Annotations;
  /** The resources, parents before their children. */
  resources: PlannedResource[];
  skipped: SkippedOperation[];
  auth: AuthPlan;
  server: ServerPlan;
  spec: OpenApiSpec;
  /** The GET operations not chosen. */
  unchosen: Operation[];
}

/**
 * Derives a connector.
 *
 * @param spec the loaded spec.
 * @param options the name, the chosen operations and all of them.
 * @returns the connector, its comments and the plan behind it.
 */
export function deriveConnector(spec: OpenApiSpec, options: DeriveOptions): DerivedConnector {
  const { document } = spec;
  const { operations } = options.operations;
  const server = deriveServer(document, spec.source);
  const shapes = new Map<string, ResponseShape>(
    operations.map((op) => [op.path, responseShape(op)]),
  );
  const candidates: ParentCandidate[] = operations.flatMap((operation) => {
    const shape = shapes.get(operation.path)!;
    return shape.kind === "list" ? [{ operation, item: shape.item }] : [];
  });
  const fields = new ConfigFields();
  const authHeaders = apiKeyHeaders(document);
  const planned = new Map<string, PlannedResource>();
  const order: PlannedResource[] = [];
  const skipped: SkippedOperation[] = [];

  const plan = (operation: Operation, selected: boolean): PlannedResource | undefined => {
    const existing = planned.get(operation.path);
    if (existing) {
      if (selected && !existing.selected) {
        existing.selected = true;
        delete existing.resource.selected;
      }
      return existing;
    }
    const shape = shapes.get(operation.path) ?? responseShape(operation);
    if (shape.kind === "none") {
      skipped.push({ operation, reason: shape.reason });
      return undefined;
    }
    const match = findParent(operation, candidates);
    let parent: { plan: PlannedResource; link: ParentLink } | undefined;
    if (match && "link" in match) {
      const parentPlan = plan(match.link.parent.operation, false);
      if (parentPlan) parent = { plan: parentPlan, link: match.link };
    }
    const result = planResource(operation, shape, {
      fields,
      ...(parent ? { parent } : {}),
      ...(match && "note" in match ? { parentNote: match.note } : {}),
      selected,
      authHeaders,
    });
    planned.set(operation.path, result);
    order.push(result);
    return result;
  };
  for (const operation of options.chosen) plan(operation, true);

  const baseDefault = server.fields.base_url?.default;
  const auth = deriveAuth(
    document,
    order.map((r) => r.operation),
    typeof baseDefault === "string" ? baseDefault : undefined,
  );
  const config = {
    ...server.fields,
    ...(auth.active?.fields ?? {}),
    ...fields.fields,
  };
  const info = isObject(document.info) ? document.info : {};
  const externalDocs = isObject(document.externalDocs) ? document.externalDocs : {};
  const connector: Connector = {
    name: options.name,
    description: `${spec.title}${
      typeof info.version === "string" ? ` (API version ${info.version})` : ""
    }, from its OpenAPI spec`,
    version: "0.1.0",
    ...(typeof externalDocs.url === "string" ? { docs_url: externalDocs.url } : {}),
    config,
    client: {
      base_url: server.baseUrl,
      ...(auth.active ? { auth: auth.active.auth } : {}),
    },
    resource_defaults: { write_disposition: "replace" },
    resources: order.map((r) => r.resource),
  };
  const chosenPaths = new Set(options.chosen.map((op) => op.path));
  const unchosen = operations.filter((op) => !chosenPaths.has(op.path));
  const derived: DerivedConnector = {
    connector,
    annotations: new Annotations(),
    resources: order,
    skipped,
    auth,
    server,
    spec,
    unchosen,
  };
  annotate(derived, options);
  return derived;
}

/**
 * A connector's default name: the spec's title in snake_case (`Shop API` -> `shop_api`), at
 * most 40 characters, starting with a letter.
 *
 * @param title the spec's title.
 * @returns the name.
 */
export function defaultConnectorName(title: string): string {
  // Words as written (`GitHub` stays one word), apostrophes dropped (`GitHub's` -> `githubs`).
  const snake = title.toLowerCase().replace(/['\u2019]/g, "").replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+/, "").slice(0, 40).replace(/_+$/, "");
  return /^[a-z]/.test(snake) ? snake : `api${snake ? `_${snake.replace(/^_+/, "")}` : ""}`;
}

/** Header names of the spec's apiKey schemes (auth sets them; they are no params). */
function apiKeyHeaders(document: SpecObject): Set<string> {
  const components = isObject(document.components) ? document.components : {};
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  const names = new Set<string>();
  for (const scheme of Object.values(schemes)) {
    if (isObject(scheme) && scheme.type === "apiKey" && scheme.in === "header") {
      if (typeof scheme.name === "string") names.add(scheme.name.toLowerCase());
    }
  }
  return names;
}

/** Writes the comments: where things came from, what to check, what was left out. */
function annotate(derived: DerivedConnector, options: DeriveOptions): void {
  const { connector, annotations: notes, auth, spec } = derived;
  const name = connector.name;
  notes.header.push(
    `${name}: a connector for ${spec.title}, generated by dltx init --openapi from ` +
      `${options.specLabel} (${
        spec.version === "2.0" ? "Swagger 2.0" : `OpenAPI ${spec.version}`
      }).`,
    "It is yours to edit: the comments say what was derived from the spec and what was left out.",
    `${name}-docs.yaml lists the endpoints, params, auth, paging and response fields.`,
  );
  notes.before(["config"], [
    "Config fields: values go in .dlt/config.toml, secrets in .dlt/secrets.toml, or in env",
    `vars such as ${envKey(["sources", name, "base_url"])}.`,
  ]);
  notes.before(["client", "auth"], authComments(auth));
  if (!auth.active) {
    notes.after(["client"], [
      ...(auth.schemes.length === 0
        ? [
          "The spec documents no security schemes, so requests go without auth; add",
          'client.auth if the API needs it (e.g. { type: bearer, token: "{token}" } and a',
          "secret config field token).",
        ]
        : []),
      ...auth.notes.map((n) => `${n}.`),
    ]);
  }
  notes.before(["resource_defaults"], [
    "Each run loads every record again and replaces the tables: simple to check. Where a",
    "resource has an incremental hint below, turn it on once a full load looks right.",
  ]);
  derived.resources.forEach((r, i) => {
    notes.before(["resources", i], resourceComments(r));
    const hint = r.incremental;
    if (!hint?.value) return;
    const lines: CommentLine[] = [
      "Incremental loading is off for now: start with full loads and check the data. Then, as",
      `${hint.reason}, load only what changed since the last run by adding to params:`,
      { snippet: { [hint.param]: hint.value } },
      "and giving the resource write_disposition: merge" +
      (r.primaryKey ? " (its primary key replaces changed rows)." : " and a primary_key."),
    ];
    const endpoint = r.resource.endpoint as { params?: unknown };
    if (endpoint.params) notes.before(["resources", i, "endpoint", "params"], lines);
    else notes.after(["resources", i, "endpoint"], lines);
  });
  notes.after([], footerComments(derived, options));
}

function authComments(auth: AuthPlan): CommentLine[] {
  if (!auth.active) return [];
  const lines: CommentLine[] = [
    `Auth: the spec's "${auth.active.scheme}" security scheme.` +
    (auth.active.note ? ` Note: ${auth.active.note}.` : ""),
  ];
  for (const alt of auth.alternatives) {
    lines.push(
      `The spec also accepts "${alt.scheme}"${alt.note ? ` (${alt.note})` : ""}: to use it, ` +
        "replace auth with",
      { snippet: { auth: alt.auth } },
      "and declare its config fields:",
      { snippet: alt.fields as Record<string, unknown> },
    );
  }
  lines.push(...auth.notes.map((n) => `${n}.`));
  return lines;
}

function resourceComments(r: PlannedResource): CommentLine[] {
  const op = r.operation;
  const title = oneLine(op.summary, 120) ?? oneLine(op.description, 120);
  const lines: string[] = [`GET ${op.path}${title ? `: ${title}` : ""}`];
  if (op.deprecated) lines.push("The spec marks this operation deprecated.");
  if (!r.selected) {
    lines.push("Not loaded itself (selected: false): its records feed the resources below.");
  }
  if (r.parent) {
    lines.push(
      `A child of ${r.parent.name}: {${r.parent.param}} is the "${r.parent.field}" of each ` +
        `${r.parent.name} record, added to its rows as _${r.parent.name}_${r.parent.field}.`,
    );
  }
  const records = r.shape.kind === "object"
    ? "one object per request (data_selector: $)"
    : r.shape.dataSelector
    ? `the "${r.shape.dataSelector}" list of the response`
    : "the response's list";
  lines.push(`Records: ${records}. Paging: ${r.paging.reason}.`);
  if (r.incremental && !r.incremental.value) lines.push(`Incremental: ${r.incremental.reason}.`);
  for (const note of r.notes) lines.push(`Note: ${note}.`);
  return lines;
}

function footerComments(derived: DerivedConnector, options: DeriveOptions): CommentLine[] {
  const lines: CommentLine[] = [];
  if (derived.skipped.length > 0) {
    lines.push("Chosen endpoints that are not resources (skipped, and why):");
    for (const { operation, reason } of derived.skipped) {
      lines.push(`  GET ${operation.path} (${operation.name}): ${reason}.`);
    }
  }
  const others = options.operations.others;
  if (others.length > 0) {
    const counts = new Map<string, number>();
    for (const o of others) counts.set(o.method, (counts.get(o.method) ?? 0) + 1);
    const list = [...counts].map(([m, n]) => `${m} ${n}`).join(", ");
    lines.push(
      `${others.length} operation(s) of the spec are not GET (${list}): a connector reads, so ` +
        "they are left out.",
    );
  }
  if (derived.unchosen.length > 0) {
    lines.push(
      `${derived.unchosen.length} more GET endpoint(s) of the spec were not chosen; ` +
        `${derived.connector.name}-docs.yaml lists them. Add them with dltx init --openapi ` +
        `${options.specLabel} --endpoints <names> --force, or by hand.`,
    );
  }
  return lines;
}
