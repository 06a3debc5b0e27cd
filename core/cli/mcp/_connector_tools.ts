/**
 * What the MCP connector tools answer: whether a connector file is valid (each bad key and
 * what it expects), and where each config field of a connector is set — never its value.
 *
 * @module
 */

import { isAbsolute, join } from "node:path";
import { envKey, loadConfig } from "../../config/mod.ts";
import { ConfigError } from "../../errors.ts";
import { loadConnectorFile } from "../../source/mod.ts";
import type { Connector, EndpointConfig, ResourceConfig } from "../../source/types.ts";
import type { CliContext } from "../context.ts";
import { resolveConnector } from "../connector_spec.ts";

/**
 * `validate_connector`: loads and validates a connector file. An invalid one is an answer,
 * not an error: `problems` lists each bad key path with what was expected. A TS/JS file is
 * plugin code: its definition is only known by running it, so it is evaluated in the plugin
 * sandbox (its own files only; no network, env vars, writes or programs; 30 s at most).
 *
 * @throws {InternalError} or another non-config error only when loading fails unexpectedly
 */
export async function validateConnectorFile(
  ctx: CliContext,
  path: string,
): Promise<Record<string, unknown>> {
  const absolute = isAbsolute(path) ? path : join(ctx.cwd, path);
  let connector: Connector;
  try {
    connector = await loadConnectorFile(absolute);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { valid: false, path: absolute, problems: problemsOf(err.message) };
  }
  return { valid: true, path: absolute, ...connectorSummary(connector) };
}

/** The first line of validateConnector's message ends with the first problem; the rest follow. */
function problemsOf(message: string): string[] {
  const [first, ...rest] = message.split("\n");
  const head = first.match(/^Invalid connector[^(]*\([^)]*\): (.*)$/);
  return [head ? head[1] : first, ...rest.map((line) => line.trim())].filter(Boolean);
}

function connectorSummary(connector: Connector): Record<string, unknown> {
  const client = connector.client;
  return {
    name: connector.name,
    version: connector.version,
    base_url: client.base_url,
    auth: client.auth?.type,
    paginator: paginatorType(client.paginator),
    config_fields: Object.entries(connector.config ?? {}).map(([name, field]) => ({
      name,
      secret: field.secret ?? false,
      has_default: field.default !== undefined,
    })),
    resources: connector.resources.map((r) => resourceSummary(r, connector)),
  };
}

function resourceSummary(resource: string | ResourceConfig, connector: Connector) {
  if (typeof resource === "string") return { name: resource, path: resource };
  const endpoint: EndpointConfig = typeof resource.endpoint === "string"
    ? { path: resource.endpoint }
    : resource.endpoint ?? {};
  const defaults = connector.resource_defaults;
  const defaultEndpoint = typeof defaults?.endpoint === "object" ? defaults.endpoint : undefined;
  const disposition = resource.write_disposition ?? defaults?.write_disposition;
  return {
    name: resource.name,
    path: endpoint.path ?? resource.name,
    write_disposition: typeof disposition === "object" ? disposition.disposition : disposition,
    primary_key: resource.primary_key ?? defaults?.primary_key,
    paginator: paginatorType(endpoint.paginator ?? defaultEndpoint?.paginator),
    auth: endpoint.auth?.type,
    parent: resource.for_each?.field !== undefined ? parentOf(endpoint) : undefined,
    incremental: incrementalCursor(endpoint) ?? resource.incremental?.cursor_path,
  };
}

function paginatorType(p: EndpointConfig["paginator"]): string | undefined {
  return typeof p === "string" ? p : p?.type;
}

function parentOf(endpoint: EndpointConfig): string | undefined {
  for (const value of Object.values(endpoint.params ?? {})) {
    if (value !== null && typeof value === "object" && value.type === "resolve") {
      return value.resource;
    }
  }
  return undefined;
}

function incrementalCursor(endpoint: EndpointConfig): string | undefined {
  for (const value of Object.values(endpoint.params ?? {})) {
    if (value !== null && typeof value === "object" && value.type === "incremental") {
      return value.cursor_path;
    }
  }
  return endpoint.incremental?.cursor_path;
}

/** Options of {@linkcode configStatus}. */
export interface ConfigStatusOptions {
  /** Pipeline whose `<pipeline>.`-prefixed keys are tried first. @default "<connector>_pipeline" */
  pipeline?: string;
}

/**
 * `config_status`: for each config field of a connector, whether it is set and where from
 * (provider and key), or that its default applies. Values are never returned, secret or not.
 * A TS/JS connector is evaluated in the plugin sandbox, as `validate_connector` does.
 *
 * @throws {ConfigError} for an unknown connector or a TOML file that does not parse
 */
export async function configStatus(
  ctx: CliContext,
  spec: string,
  options: ConfigStatusOptions = {},
): Promise<Record<string, unknown>> {
  const connector = await resolveConnector(spec, ctx.cwd);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  const config = await loadConfig({ env, projectDir: ctx.cwd });
  const pipelineName = options.pipeline ?? `${connector.name}_pipeline`;
  const fields = Object.entries(connector.config ?? {}).map(([name, field]) => {
    const secret = field.secret ?? false;
    const base = { name, secret, doc: field.doc };
    try {
      const found = config.lookup(["sources", connector.name], name, { pipelineName, secret });
      if (found) return { ...base, set: true, provider: found.provider, key: found.key };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // A secret's error could quote it; say only that the value found cannot be used.
      const problem = secret
        ? "a value was found but cannot be used (check where it is set)"
        : err.message;
      return { ...base, set: false, problem };
    }
    if (field.default !== undefined) return { ...base, set: true, provider: "default" };
    const file = secret ? "secrets.toml" : "config.toml";
    const envName = envKey(["sources", connector.name, name]);
    return {
      ...base,
      set: false,
      expected_at: `.dlt/${file} [sources.${connector.name}] ${name}, or env ${envName}`,
    };
  });
  return { connector: connector.name, pipeline: pipelineName, fields };
}
