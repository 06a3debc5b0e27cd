/**
 * `client.auth` from the spec's `securitySchemes`: http bearer and basic, apiKey in a header,
 * query param or cookie (with its name), OAuth2 client credentials (its token URL and scopes).
 * The first scheme the chosen operations use is the connector's auth; every other one is an
 * alternative, written next to it (commented out) with its config fields, so switching is a
 * matter of uncommenting. Credentials are secret config fields, never values.
 *
 * @module
 */

import type { AuthConfig } from "../http/mod.ts";
import type { ConfigField } from "../source/mod.ts";
import { isObject, oneLine } from "./_schema.ts";
import type { Operation, SpecObject } from "./types.ts";

/** One way to authenticate. */
export interface AuthOption {
  /** The scheme's name in `securitySchemes`. */
  scheme: string;
  auth: AuthConfig;
  /** Its credentials, as secret config fields. */
  fields: Record<string, ConfigField>;
  /** What the user must know (an OAuth2 flow dltx cannot run, a guessed token prefix). */
  note?: string;
}

/** What the security schemes give the connector. */
export interface AuthPlan {
  /** The connector's auth, if the chosen operations need one. */
  active?: AuthOption;
  /** The other schemes the chosen operations accept. */
  alternatives: AuthOption[];
  /** Why a scheme (or a combination) is not mapped, one sentence each. */
  notes: string[];
  /** Every scheme of the spec, for the docs file. */
  schemes: Record<string, unknown>[];
}

/**
 * Derives the auth of the chosen operations.
 *
 * @example Usage
 * ```ts
 * import { deriveAuth } from "./auth.ts";
 * const plan = deriveAuth({
 *   security: [{ key: [] }],
 *   components: { securitySchemes: { key: { type: "apiKey", in: "header", name: "X-Key" } } },
 * }, []);
 * plan.active?.auth; // { type: "api_key", name: "X-Key", location: "header", api_key: "{api_key}" }
 * ```
 * @param document the spec (3.1 shape).
 * @param operations the chosen operations.
 * @param baseUrl the API's URL, when known, for a relative OAuth2 token URL.
 * @returns the active auth, its alternatives and notes.
 */
export function deriveAuth(
  document: SpecObject,
  operations: readonly Operation[],
  baseUrl?: string,
): AuthPlan {
  const components = isObject(document.components) ? document.components : {};
  const defined = isObject(components.securitySchemes) ? components.securitySchemes : {};
  const schemes = Object.entries(defined).filter(([, s]) => isObject(s)) as [string, SpecObject][];
  const docs = schemes.map(([name, s]) => schemeDoc(name, s));
  if (schemes.length === 0) return { alternatives: [], notes: [], schemes: docs };

  const global = Array.isArray(document.security) ? document.security.filter(isObject) : undefined;
  const requirements = operations.map((op) => op.security ?? global);
  const notes: string[] = [];
  const order: string[] = [];
  const scopes = new Map<string, Set<string>>();
  let optional = false;
  let unspecified = false;
  for (const [i, reqs] of requirements.entries()) {
    if (reqs === undefined) {
      unspecified = true;
      continue;
    }
    if (reqs.length === 0 || reqs.some((r) => Object.keys(r).length === 0)) optional = true;
    for (const req of reqs) {
      const names = Object.keys(req);
      if (names.length > 1) {
        notes.push(
          `GET ${operations[i].path} needs ${names.join(" and ")} together; dltx sends one ` +
            `auth (${names[0]}): add the others to client.headers or params yourself`,
        );
      }
      for (const name of names) {
        if (!order.includes(name)) order.push(name);
        const wanted = req[name];
        if (Array.isArray(wanted)) {
          const set = scopes.get(name) ?? new Set<string>();
          for (const scope of wanted) if (typeof scope === "string") set.add(scope);
          scopes.set(name, set);
        }
      }
    }
  }
  // A spec that defines schemes but says nothing of where they apply: offer them all.
  if (order.length === 0 && unspecified) order.push(...schemes.map(([name]) => name));
  if (order.length === 0) return { alternatives: [], notes, schemes: docs };

  const options: AuthOption[] = [];
  for (const name of order) {
    const scheme = defined[name];
    if (!isObject(scheme)) {
      notes.push(`The security requirement "${name}" names no scheme of securitySchemes`);
      continue;
    }
    const option = schemeOption(name, scheme, [...(scopes.get(name) ?? [])], baseUrl);
    if ("unsupported" in option) notes.push(option.unsupported);
    else options.push(option);
  }
  // Credentials may be left unset where the spec allows anonymous calls.
  if (optional || unspecified) {
    for (const option of options) {
      for (const field of Object.values(option.fields)) field.default = null;
    }
  }
  const [active, ...alternatives] = options;
  return { ...(active ? { active } : {}), alternatives, notes, schemes: docs };
}

/** One scheme as an auth, or why it cannot be one. */
function schemeOption(
  name: string,
  scheme: SpecObject,
  scopes: string[],
  baseUrl: string | undefined,
): AuthOption | { unsupported: string } {
  const described = oneLine(scheme.description, 300);
  // The spec's own words follow dltx's sentence.
  const what = described ? `. ${described}` : "";
  const type = String(scheme.type ?? "");
  if (type === "http") {
    const kind = String(scheme.scheme ?? "").toLowerCase();
    if (kind === "bearer") {
      const format = typeof scheme.bearerFormat === "string" ? ` (${scheme.bearerFormat})` : "";
      return {
        scheme: name,
        auth: { type: "bearer", token: "{token}" },
        fields: { token: secret(`Bearer token${format} (the ${name} scheme)${what}`) },
      };
    }
    if (kind === "basic") {
      return {
        scheme: name,
        auth: { type: "http_basic", username: "{username}", password: "{password}" },
        fields: {
          username: secret(`User name for HTTP basic auth (the ${name} scheme)${what}`),
          password: secret(`Password for HTTP basic auth (the ${name} scheme)`),
        },
      };
    }
    return {
      unsupported: `The security scheme "${name}" is HTTP ${
        kind || "(no scheme)"
      } auth, which dltx does not have (bearer and basic only); it is left out`,
    };
  }
  if (type === "apiKey") {
    const location = String(scheme.in ?? "header");
    const param = typeof scheme.name === "string" ? scheme.name : "Authorization";
    if (!["header", "query", "cookie"].includes(location)) {
      return { unsupported: `The security scheme "${name}" puts its key in "${location}"` };
    }
    // PostgREST: apiKey in Authorization, "Add the token prepending Bearer".
    if (
      location === "header" && param.toLowerCase() === "authorization" &&
      /bearer/i.test(String(scheme.description ?? ""))
    ) {
      return {
        scheme: name,
        auth: { type: "bearer", token: "{token}" },
        fields: {
          token: secret(`Token sent as Authorization: Bearer <token> (the ${name} scheme)${what}`),
        },
        note: `the spec's ${name} is an API key in the Authorization header whose description ` +
          `asks for "Bearer <token>", so it is bearer auth`,
      };
    }
    return {
      scheme: name,
      auth: {
        type: "api_key",
        name: param,
        location: location as "header" | "query" | "cookie",
        api_key: "{api_key}",
      },
      fields: {
        api_key: secret(`API key sent as the ${param} ${location} (the ${name} scheme)${what}`),
      },
    };
  }
  if (type === "oauth2") {
    const flows = isObject(scheme.flows) ? scheme.flows : {};
    const cc = isObject(flows.clientCredentials) ? flows.clientCredentials : undefined;
    if (cc && typeof cc.tokenUrl === "string") {
      const tokenUrl = absoluteUrl(cc.tokenUrl, baseUrl);
      return {
        scheme: name,
        auth: {
          type: "oauth2_client_credentials",
          access_token_url: tokenUrl,
          client_id: "{client_id}",
          client_secret: "{client_secret}",
          ...(scopes.length > 0 ? { access_token_request_data: { scope: scopes.join(" ") } } : {}),
        },
        fields: {
          client_id: secret(
            `OAuth2 client id (the ${name} scheme, client credentials flow)${what}`,
          ),
          client_secret: secret(`OAuth2 client secret (the ${name} scheme)`),
        },
        ...(tokenUrl.startsWith("http") ? {} : {
          note: `the token URL ${cc.tokenUrl} is relative and the API's URL is unknown: make ` +
            "access_token_url absolute",
        }),
      };
    }
    const names = Object.keys(flows).join(", ") || "no flows";
    return {
      scheme: name,
      auth: { type: "bearer", token: "{token}" },
      fields: {
        token: secret(
          `OAuth2 access token for the ${name} scheme, obtained outside dltx (${names})${what}`,
        ),
      },
      note: `the spec's OAuth2 scheme ${name} has ${names}, which need a browser or a user's ` +
        "password; dltx runs the client credentials flow only, so get an access token yourself " +
        "and set token",
    };
  }
  if (type === "openIdConnect") {
    return {
      scheme: name,
      auth: { type: "bearer", token: "{token}" },
      fields: { token: secret(`OpenID Connect access token for the ${name} scheme${what}`) },
      note: `the spec's OpenID Connect scheme ${name} needs a login dltx cannot do; get an ` +
        "access token yourself and set token",
    };
  }
  return {
    unsupported: `The security scheme "${name}" (${type || "no type"}) is not one dltx has ` +
      "(bearer, basic, API key, OAuth2 client credentials); it is left out",
  };
}

function secret(doc: string): ConfigField {
  return { secret: true, doc };
}

function absoluteUrl(url: string, base: string | undefined): string {
  if (/^https?:\/\//i.test(url) || !base || !/^https?:\/\//i.test(base)) return url;
  return new URL(url, base).href;
}

function schemeDoc(name: string, scheme: SpecObject): Record<string, unknown> {
  const doc: Record<string, unknown> = { name, type: scheme.type };
  for (const key of ["scheme", "bearerFormat", "in", "name", "openIdConnectUrl"]) {
    if (typeof scheme[key] === "string") doc[key === "name" ? "param" : key] = scheme[key];
  }
  const description = oneLine(scheme.description, 300);
  if (description) doc.description = description;
  if (isObject(scheme.flows)) {
    doc.flows = Object.fromEntries(
      Object.entries(scheme.flows).filter(([, f]) => isObject(f)).map(([flow, f]) => {
        const o = f as SpecObject;
        return [flow, {
          ...(typeof o.tokenUrl === "string" ? { tokenUrl: o.tokenUrl } : {}),
          ...(typeof o.authorizationUrl === "string"
            ? { authorizationUrl: o.authorizationUrl }
            : {}),
          ...(isObject(o.scopes) ? { scopes: Object.keys(o.scopes) } : {}),
        }];
      }),
    );
  }
  return doc;
}
