/**
 * The built-in `posit_connect` connector: content (with each item's full record), users and
 * OAuth integrations of a Posit Connect server, through its API at `https://<host>/__api__`
 * with an API key (`Authorization: Key <api_key>`). See `connectors/posit_connect.md`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import positConnect from "./posit_connect.ts";
 * equal(positConnect.name, "posit_connect");
 * ```
 *
 * @module
 */

// Type-only import: a connector module has no runtime imports, so it loads as a plugin anywhere.
import type { Connector } from "../core/source/types.ts";

/** The `posit_connect` connector (a dlt `RESTAPIConfig` plus metadata). */
const positConnect: Connector = {
  name: "posit_connect",
  version: "0.1.0",
  description: "Posit Connect content, users and OAuth integrations",
  docs_url: "connectors/posit_connect.md",
  config: {
    base_url: {
      doc: "API root of the server: https://<host>/__api__ (the server's URL plus /__api__)",
    },
    api_key: {
      secret: true,
      doc: "API key (Connect > your name > API Keys > New API Key); an administrator's key " +
        "sees all content and users",
    },
  },
  client: {
    base_url: "{base_url}",
    auth: { type: "api_key", name: "Authorization", api_key: "Key {api_key}" },
    // Only /v1/users pages; the other endpoints answer everything at once.
    paginator: "single_page",
  },
  // Keyed by guid; each run replaces the tables with what the server has now.
  resource_defaults: { primary_key: "guid", write_disposition: "replace" },
  resources: [
    {
      // Tags become the child table content__tags; the owner's name lands in owner__* columns.
      name: "content",
      endpoint: { path: "v1/content", params: { include: "tags,owner" } },
    },
    {
      // One request per content item: GET /v1/content/{guid} returns its full record.
      name: "content_item",
      endpoint: { path: "v1/content/{resources.content.guid}" },
    },
    {
      name: "users",
      endpoint: {
        path: "v1/users",
        params: { page_size: 500 },
        data_selector: "results",
        // `total` counts users, not pages, so the last page is the first empty one.
        paginator: {
          type: "page_number",
          base_page: 1,
          page_param: "page_number",
          total_path: null,
        },
      },
    },
    { name: "oauth_integrations", endpoint: { path: "v1/oauth/integrations" } },
  ],
};

export default positConnect;
