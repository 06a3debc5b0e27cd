/**
 * The built-in `postgrest` connector: the tables (and views) and rpc functions you list, from
 * a PostgREST server or a Supabase project's REST API. Tables page with `Range`/`Content-Range`
 * headers, functions with `offset`/`limit`; a JWT goes in `Authorization: Bearer`, a Supabase
 * API key in the `apikey` header. See `connectors/postgrest.md`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import postgrest from "./postgrest.ts";
 * equal(postgrest.name, "postgrest");
 * ```
 *
 * @module
 */

// Type-only import: a connector module has no runtime imports, so it loads as a plugin anywhere.
import type { Connector } from "../core/source/types.ts";

/** Rows per request; Supabase answers at most 1000 by default (`max_rows`). */
const PAGE_SIZE = 1000;

/** The `postgrest` connector (a dlt `RESTAPIConfig` plus metadata). */
const postgrest: Connector = {
  name: "postgrest",
  version: "0.1.0",
  description: "PostgREST / Supabase REST API: the tables and rpc functions you list",
  docs_url: "connectors/postgrest.md",
  // Every field but base_url is optional (`default: null`): unset, its header or param is
  // left out of the requests.
  config: {
    base_url: {
      doc: "PostgREST URL, e.g. http://localhost:3000, or https://<project>.supabase.co/rest/v1",
    },
    tables: {
      default: null,
      doc: 'Tables or views to load, one resource each: a list (["orders", "customers"]) ' +
        "or comma-separated names",
    },
    rpc: {
      default: null,
      doc: "Functions returning a set of rows, called without arguments (POST /rpc/<name>); " +
        "one resource rpc_<name> each",
    },
    token: {
      secret: true,
      default: null,
      doc: "JWT sent as Authorization: Bearer (signed with PostgREST's jwt-secret; on " +
        "Supabase a user's access token or the legacy service_role key)",
    },
    api_key: {
      secret: true,
      default: null,
      doc: "Supabase API key sent as the apikey header (Project Settings > API Keys: the " +
        "secret key, or the legacy service_role key)",
    },
    db_schema: {
      default: null,
      doc: "Database schema to read, if not the server's first one (Accept-Profile header)",
    },
    order: {
      default: null,
      doc: "Sort order of table rows, e.g. id.asc; stable paging while tables change",
    },
  },
  client: {
    base_url: "{base_url}",
    headers: { apikey: "{api_key}", "Accept-Profile": "{db_schema}" },
    auth: { type: "bearer", token: "{token}" },
  },
  // PostgREST does not tell which columns are the primary key: each run replaces the tables.
  resource_defaults: { write_disposition: "replace" },
  resources: [
    {
      name: "{table}",
      for_each: { field: "tables", as: "table" },
      endpoint: {
        path: "{table}",
        params: { order: "{order}" },
        paginator: { type: "header_range", limit: PAGE_SIZE },
        // Rows deleted while paging can put the next range past the end; PostgREST then
        // answers 416 Range Not Satisfiable, which only means there is nothing left.
        response_actions: [{ status_code: 416, action: "ignore" }],
      },
    },
    {
      name: "rpc_{function}",
      for_each: { field: "rpc", as: "function" },
      endpoint: {
        path: "rpc/{function}",
        method: "POST",
        json: {},
        headers: { "Content-Profile": "{db_schema}" },
        // PostgREST ignores Range on POST, but honours offset/limit and still answers with
        // Content-Range, so capped pages lose no rows.
        paginator: {
          type: "header_range",
          limit: PAGE_SIZE,
          offset_param: "offset",
          limit_param: "limit",
        },
      },
    },
  ],
};

export default postgrest;
