/**
 * Auth kinds (dlt's `bearer`, `api_key`, `http_basic`, `oauth2_client_credentials`) and the
 * `createAuth` registry picking one by `type`.
 *
 * @module
 */

export * from "./api_key.ts";
export * from "./bearer.ts";
export * from "./create_auth.ts";
export * from "./http_basic.ts";
export * from "./oauth2_client_credentials.ts";
