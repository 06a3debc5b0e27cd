/**
 * The built-in `rest-api-pipeline` toolkit: the skills of dlt's workflow "a connector for any
 * API in ten minutes with an assistant" — find the source, create the pipeline, then one
 * endpoint at a time: add it, adjust it, debug it, validate and view its data. Each skill is a
 * short instruction naming the dltx commands and MCP tools to use. None teaches how a TS
 * connector imports its types: that is `dltx init`'s template and docs/editor.md.
 *
 * @module
 */

import type { Toolkit } from "./toolkits.ts";

/** The skills of the toolkit, in workflow order. */
export const REST_API_PIPELINE: Toolkit = {
  name: "rest-api-pipeline",
  version: "1.0.0",
  description: "Build a REST API pipeline one endpoint at a time: find the source, create " +
    "the connector, add and adjust endpoints, debug runs, validate and view the data",
  dependencies: ["init"],
  workflowEntrySkill: "find-source",
  skills: [
    {
      name: "find-source",
      description: "Start a new dltx pipeline: find what the user's API offers (an OpenAPI " +
        "spec or its URL, or a built-in dltx connector) and scaffold the project with dltx " +
        "init. Use when the user names an API or data to load.",
      body: `# Find the source

1. Ask which API and which data the user wants, and for its docs: an OpenAPI (Swagger) spec
   file or URL is best; docs pages will do.
2. Look for a built-in connector: \`dltx init -l\`. If one fits, \`dltx init <connector> duckdb\`
   writes the pipeline, \`.dlt/config.toml\` and \`.dlt/secrets.toml\`; its docs page is
   \`connectors/<connector>.md\`.
3. With an OpenAPI spec: \`dltx init --openapi <spec file or URL> --endpoints <a,b>\` writes a
   connector for just the endpoints named. Start with one or two; add the rest later with the
   new-endpoint skill.
4. With docs only: go on with the create-rest-api-pipeline skill.
5. Credentials: the \`secrets_list\` and \`config_status\` MCP tools show what is set. Ask the
   user for a missing value and set it with \`secrets_update_fragment\`; never read
   \`.dlt/secrets.toml\`.
6. Run it: \`dltx run <connector>\`, then the validate-data skill.
`,
    },
    {
      name: "create-rest-api-pipeline",
      description: "Write a new dltx REST API connector from the API's docs: client, auth, " +
        "paginator and one first resource, then run and check it. Use when no built-in " +
        "connector or OpenAPI spec fits.",
      body: `# Create a REST API pipeline

1. From the docs, note the base URL, the auth (bearer token, API key in a header or query,
   basic, OAuth2 client credentials), the paging (next link, page number, offset, cursor) and
   where the records sit in a response.
2. Write the connector as dlt's \`RESTAPIConfig\`: a \`<name>.yaml\` file, or the \`.ts\` file
   \`dltx init\` scaffolds (docs/editor.md shows how it is typed). Put the credentials in a
   \`config\` field with \`secret: true\` and use it as \`{field}\` in \`client.auth\`; add ONE
   resource.
3. \`dltx init ./<name>.yaml duckdb\` writes the pipeline files and \`.dlt/secrets.toml\` with a
   placeholder for each secret. Ask the user for the values and set them with the
   \`secrets_update_fragment\` MCP tool; \`config_status\` confirms each field is found.
4. Check the file with the \`validate_connector\` MCP tool: it names each invalid key.
5. Look at the records without loading: \`dltx run ./<name>.yaml --to jsonl | head -n 5\`.
6. Load: \`dltx run ./<name>.yaml\`. Then the validate-data skill, then commit.
7. Go on one endpoint at a time with the new-endpoint skill.
`,
    },
    {
      name: "new-endpoint",
      description: "Add one endpoint (resource) to an existing dltx connector and load it: " +
        "path, params, paginator, data selector, primary key, parent/child. Use to grow a " +
        "pipeline one endpoint at a time.",
      body: `# Add an endpoint

1. Read the connector and its docs (\`<connector>-docs.yaml\` if there is one). Find the
   endpoint in the API's docs: path, params, paging, where the records are.
2. Add ONE resource: \`name\`, \`endpoint.path\`, \`params\`, \`data_selector\`, \`paginator\`
   if it differs from the client's, \`primary_key\`, \`write_disposition\`. For an endpoint per
   parent record, put \`{resources.<parent>.<field>}\` in the path or a param and list
   fields to keep in \`include_from_parent\`.
3. \`validate_connector\` (MCP) until it reports no problem.
4. Look at a page: \`dltx run <connector> --resources <name> --to jsonl | head -n 5\`.
5. Load it alone: \`dltx run <connector> --resources <name>\`.
6. Check it with the validate-data skill; commit when the data looks right.
`,
    },
    {
      name: "adjust-endpoint",
      description: "Change how an endpoint of a dltx connector loads: incremental cursor, " +
        "merge on a primary key, column types, nesting, table name. Use when a loaded " +
        "resource needs different loading.",
      body: `# Adjust an endpoint

1. See what is loaded first: \`table_schema\` and \`get_row_counts\` (MCP), or
   \`dltx pipeline <pipeline> schema\`.
2. Change the resource:
   - only new records each run: \`incremental\` (\`cursor_path\`, \`initial_value\`, and
     \`start_param\` to send it to the API);
   - updates instead of duplicates: \`write_disposition: merge\` with \`primary_key\`;
   - a column's type or a key: \`columns: {<col>: {data_type: ..., nullable: ...}}\`;
   - fewer child tables: \`max_table_nesting\`; another table name: \`table_name\`.
3. \`validate_connector\` (MCP), then \`dltx run <connector> --resources <name>\`.
4. A change that does not fit the loaded data (another primary key, a type): drop the table
   and load it again. Show the user \`dltx pipeline <pipeline> drop <name>
   --dry-run\` first; run it only once they agree.
5. validate-data skill, then commit.
`,
    },
    {
      name: "debug-pipeline",
      description: "Find why a dltx run failed or loaded the wrong data, from the last " +
        "trace, the state and the connector. Use when dltx run exits non-zero or the data is " +
        "missing or wrong.",
      body: `# Debug a pipeline

1. Read the last run through MCP: \`last_trace\` (steps, timings, rows, errors, HTTP
   requests) and \`pipeline_state\` (incremental cursors). On the command line:
   \`dltx pipeline <pipeline> trace\`.
2. Match the error:
   - 401/403: a credential is missing or wrong. \`config_status\` and \`secrets_list\` show
     where each value comes from; ask the user to fix the value. Never read
     \`.dlt/secrets.toml\`.
   - 404: the path or a \`{placeholder}\` in it; compare with the API's docs.
   - "Invalid connector": \`validate_connector\` names the key.
   - no rows: \`data_selector\` does not point at the records; look at a raw page with
     \`dltx run <connector> --resources <name> --to jsonl --verbose\`.
   - the same pages again and again: the paginator; set it explicitly.
   - a missing config value: the error lists every key tried.
3. Fix one thing, run again with \`--resources <name>\`, and read \`last_trace\` again.
4. An incremental resource that loads nothing new: its cursor is in \`pipeline_state\`.
`,
    },
    {
      name: "validate-data",
      description: "Check the data a dltx run loaded: row counts, nulls, types, variant " +
        "columns and child tables, through the dltx MCP tools. Use after every run and before " +
        "committing a connector.",
      body: `# Validate the data

Use the \`dltx\` MCP tools; do not trust the exit code alone.

1. \`get_row_counts\` for the pipeline: every resource has rows, child tables too. With
   \`filter: [{"column": "_dlt_load_id", "op": "=", "value": "<load id>"}]\` it counts the
   last load only (the load id is in \`last_trace\`). Compare with what the API reports.
2. \`list_tables\` and \`table_schema\` for each table: the data types fit (ids \`bigint\`,
   timestamps \`timestamp\`), the primary key is there and not nullable.
3. Variant columns (\`<column>__v_<type>\`, marked \`variant\`) mean the API sent two types for
   one field: decide the type with the user and set it in the resource's \`columns\`.
4. Nulls: \`run_query\` with
   \`SELECT count(*) AS rows, count(<col>) AS non_null FROM <dataset>.<table>\` for the key
   columns; a column that is always null may be a wrong \`data_selector\` or field name.
5. Duplicates on a merge table:
   \`SELECT <pk>, count(*) FROM <dataset>.<table> GROUP BY 1 HAVING count(*) > 1\`.
6. \`preview_table\` to look at a few rows. Report what you found to the user.
`,
    },
    {
      name: "view-data",
      description: "Show the user the data of a dltx pipeline: a table's rows, the schema as " +
        "a diagram, a query, or the dashboard. Use when the user wants to see or explore the " +
        "loaded data.",
      body: `# View the data

- A table's first rows: \`preview_table\` (MCP), with a \`filter\` for the rows of interest and
  \`output_format: markdown\` to show them as a table.
- The tables and how they link: \`export_schema\` (a Mermaid diagram; \`dbml\` or \`yaml\` too).
- A question about the data: \`run_query\` with one read-only statement; name tables
  \`<dataset>.<table>\` (\`list_pipelines\` gives the dataset). On the command line:
  \`dltx query <pipeline> "<sql>"\`.
- A browser view of state, schema, runs and a SQL explorer: the user runs
  \`dltx pipeline <pipeline> show\`.
`,
    },
  ],
};
