/**
 * The rules an AI assistant gets for a dltx project: how to write a connector (dlt's
 * RESTAPIConfig keys), where config and secrets live, and the workflow (one endpoint at a
 * time, run, check the data, commit). One Markdown text for every editor.
 *
 * @module
 */

/**
 * The rules, as Markdown (a level-2 heading down, so they sit in a user's `CLAUDE.md`).
 *
 * @param mcpCommand how the editor starts `dltx mcp`, shown to the assistant.
 * @returns the Markdown text.
 */
export function rulesMarkdown(mcpCommand: string): string {
  return `## dltx: loading REST APIs into DuckDB

This project loads REST API data with **dltx** (a Deno port of dlt's \`rest_api\` source). A
connector is dlt's \`RESTAPIConfig\`, key for key, in a \`.ts\` file (a default-exported object,
typed with \`satisfies Connector\`) or a \`.yaml\`/\`.json\` file.

### Writing a connector

\`\`\`ts
// Only types come from dltx: a connector imports nothing at run time.
import type { Connector } from "dltx";

export default {
  name: "example",
  config: {
    api_key: { secret: true, doc: "API key (Settings > API)" },
    since: { default: "2024-01-01T00:00:00Z", doc: "first updated_at to load" },
  },
  client: {
    base_url: "https://api.example.com/v1/",
    auth: { type: "bearer", token: "{api_key}" },
    paginator: { type: "json_link", next_url_path: "next" },
  },
  resource_defaults: { primary_key: "id", write_disposition: "merge" },
  resources: [
    {
      name: "orders",
      endpoint: {
        path: "orders",
        params: { per_page: 100 },
        data_selector: "data",
        incremental: { cursor_path: "updated_at", initial_value: "{since}", start_param: "since" },
      },
    },
    {
      name: "order_items",
      endpoint: { path: "orders/{resources.orders.id}/items" },
      include_from_parent: ["id"],
    },
  ],
} satisfies Connector;
\`\`\`

- Top level: \`name\`, \`config\` (fields the connector reads), \`client\`, \`resource_defaults\`,
  \`resources\`, \`allowed_hosts\` (more hosts its processing steps may fetch from). Resource keys: \`name\`, \`endpoint\` (a path or \`{path, method, params, json,
  headers, paginator, data_selector, response_actions, incremental}\`), \`primary_key\`,
  \`merge_key\`, \`write_disposition\`, \`table_name\`, \`max_table_nesting\`, \`selected\`,
  \`include_from_parent\`, \`columns\`, \`schema_contract\`, \`processing_steps\`.
- Write \`import type { Connector } from "dltx"\` (never a runtime import of dltx, nor
  \`import { type Connector }\`) and end the object with \`satisfies Connector\`: \`deno check\`
  and the editor then flag a wrong key. A YAML/JSON connector may leave out \`name\` (it takes
  the file's name).
- A TS connector runs in a sandbox: its code may read only its own files and import only its own
  relative files (no npm:, jsr: or URL imports, no \`eval\`), has no env vars and cannot write
  files; its \`processing_steps\` may fetch only from the hosts of \`client.base_url\` and
  \`allowed_hosts\`. Secrets reach the API through \`config\` fields and \`{field}\`, never
  through the connector's code.
- \`{field}\` in strings is replaced by a config field; \`{resources.<parent>.<field>}\` in a path
  or param makes a child resource, fetched once per parent record.
- Auth \`type\`: \`bearer\` (\`token\`), \`api_key\` (\`name\`, \`api_key\`, \`location\`: header,
  query or cookie), \`http_basic\` (\`username\`, \`password\`), \`oauth2_client_credentials\`
  (\`access_token_url\`, \`client_id\`, \`client_secret\`).
  Credentials go only to the origin of \`client.base_url\`: a next page link or redirect to
  another host gets none unless \`client.auth_hosts\` lists it (\`["https://files.example.com"]\`).
- Paginator \`type\`: \`json_link\` (\`next_url_path\`), \`header_link\`, \`offset\` (\`limit\`,
  \`offset_param\`, \`limit_param\`, \`total_path\`), \`page_number\` (\`base_page\`, \`page_param\`,
  \`total_path\`), \`cursor\` (\`cursor_path\`, \`cursor_param\`), \`header_cursor\`,
  \`header_range\`, \`single_page\`. Without one, dltx detects it from the first response.
- \`data_selector\`: a JSONPath (\`$.data[*]\`) or dotted path (\`data.items\`) to the records.
- \`incremental\`: \`cursor_path\`, \`initial_value\`, \`end_value\`, \`start_param\`,
  \`end_param\`, \`last_value_func\` (max, min), \`lag\`, \`row_order\`; the last value is kept
  in the pipeline state, so each run fetches only what is new.
- \`write_disposition\`: \`append\` (default), \`replace\`, or \`merge\` (needs \`primary_key\`
  or \`merge_key\`; \`{disposition: "merge", strategy: "delete-insert" | "upsert" | "insert-only"}\`).
- Nested objects become columns \`a__b\`; nested lists become child tables \`<table>__<field>\`.

### Config and secrets

- A field \`<f>\` of connector \`<c>\` is looked up, first found wins: env
  \`SOURCES__<C>__<F>\`, \`.dlt/secrets.toml\` then \`.dlt/config.toml\` (\`[sources.<c>]\`, key
  \`<f>\`), then its \`default\`. Fields with \`secret: true\` belong in \`.dlt/secrets.toml\`.
- **Never read, print or commit \`.dlt/secrets.toml\`**, and never put a secret value in a
  connector file, a command line or a commit. Ask the user to fill it in. To know whether a
  value is set, use the MCP tools: they say where it comes from, never the value.

### Workflow

1. Add **one endpoint at a time** to the connector: the resource, its paginator, its
   \`data_selector\`.
2. Check the file: \`dltx run <connector file> --to jsonl\` prints the records without loading,
   and the \`dltx\` MCP server's validate tool names each invalid key.
3. Load it: \`dltx run <connector file>\` (\`--resources <name>\` for just the new one).
4. Check the data: \`dltx pipeline <pipeline> info\`, \`dltx pipeline <pipeline> schema\`, and
   \`dltx query <pipeline> "select count(*) from <dataset>.<table>"\`, or the MCP tools (list
   tables, count rows, run a read-only query). Look at the columns and row counts, not only at
   the exit code.
5. Commit the connector once the data looks right, then go on with the next endpoint.

The MCP server \`dltx\` (\`${mcpCommand}\`) lists pipelines, shows their state, trace and
schemas, counts rows, runs read-only SQL and validates connector files.
`;
}
