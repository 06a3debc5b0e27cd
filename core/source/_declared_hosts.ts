/**
 * The hosts a connector declares, as its sandboxed hooks may reach them: the host and port of
 * its `client.base_url`, of each OAuth token URL (`access_token_url`), and of each entry of
 * `allowed_hosts`, placeholders filled from the resolved config.
 *
 * @module
 */

import type { AuthConfig } from "../http/mod.ts";
import { ConfigError } from "../errors.ts";
import { netHost } from "../sandbox/mod.ts";
import { compileValue } from "./placeholders.ts";
import type { Connector, EndpointConfig, ResourceConfig } from "./types.ts";

/**
 * `host:port` entries for Deno's `net` permission, sorted, without duplicates.
 *
 * @throws {ConfigError} for an `allowed_hosts` entry that is not a host once filled in.
 */
export function declaredHosts(connector: Connector, config: Record<string, unknown>): string[] {
  const hosts = new Set<string>();
  const render = (value: string, where: string) => {
    try {
      const text = compileValue(value, { resource: "client", config }, where).render();
      return typeof text === "string" ? text : undefined;
    } catch {
      return undefined; // a placeholder it cannot fill; planning reports it
    }
  };
  const add = (value: string, where: string) => {
    const text = render(value, where);
    const host = text === undefined ? undefined : netHost(text);
    if (host) hosts.add(host);
  };
  add(connector.client.base_url, "client.base_url");
  for (const [auth, where] of auths(connector)) {
    if (auth.type === "oauth2_client_credentials") add(auth.access_token_url, `${where}.auth`);
  }
  (connector.allowed_hosts ?? []).forEach((value, i) => {
    const where = `allowed_hosts[${i}]`;
    const text = render(value, where);
    const host = text === undefined ? undefined : netHost(text);
    if (!host) {
      throw new ConfigError(
        `Connector "${connector.name}": ${where} ${JSON.stringify(text ?? value)} is not a ` +
          `host; write "api.example.com", "api.example.com:8443" or a URL`,
      );
    }
    hosts.add(host);
  });
  return [...hosts].sort();
}

function auths(connector: Connector): [AuthConfig, string][] {
  const out: [AuthConfig, string][] = [];
  if (connector.client.auth) out.push([connector.client.auth, "client"]);
  const endpointAuth = (endpoint: ResourceConfig["endpoint"], where: string) => {
    const auth = typeof endpoint === "object" ? (endpoint as EndpointConfig).auth : undefined;
    if (auth) out.push([auth, where]);
  };
  endpointAuth(connector.resource_defaults?.endpoint, "resource_defaults.endpoint");
  connector.resources.forEach((resource, i) => {
    if (typeof resource === "object") endpointAuth(resource.endpoint, `resources[${i}].endpoint`);
  });
  return out;
}
