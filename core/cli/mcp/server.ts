/**
 * The dltx MCP server: the tools an assistant in an editor uses to check its work on
 * pipelines and connectors. Every answer is JSON text; a failure is a tool error
 * (`isError: true`) carrying the message a CLI user would see.
 *
 * @module
 */

import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import denoJson from "../../../deno.json" with { type: "json" };
import { UserError } from "../../errors.ts";
import type { CliContext } from "../context.ts";
import { formatJson } from "../_format_json.ts";
import { configStatus, validateConnectorFile } from "./_connector_tools.ts";
import {
  exportSchema,
  getRowCounts,
  getTableCreateSql,
  MAX_PREVIEW_ROWS,
  OUTPUT_FORMATS,
  previewTable,
  SCHEMA_FORMATS,
} from "./_data_tools.ts";
import { FILTER_OPS, type FilterCondition, MAX_CONDITIONS } from "./_row_filter.ts";
import { secretsList, secretsUpdateFragment, secretsViewRedacted } from "./_secrets_tools.ts";
import {
  countRows,
  DEFAULT_ROW_LIMIT,
  lastTrace,
  listPipelines,
  listTables,
  MAX_ROW_LIMIT,
  pipelineState,
  runQuery,
  tableSchema,
} from "./_pipeline_tools.ts";

/** The names of the tools the server offers. */
export const MCP_TOOLS = [
  "list_pipelines",
  "pipeline_state",
  "last_trace",
  "list_tables",
  "table_schema",
  "count_rows",
  "run_query",
  "validate_connector",
  "config_status",
  "preview_table",
  "get_row_counts",
  "get_table_create_sql",
  "export_schema",
  "secrets_list",
  "secrets_view_redacted",
  "secrets_update_fragment",
] as const;

const pipeline = z.string().describe("pipeline name, as list_pipelines shows it");
const schemaName = z.string().optional().describe("schema name (default: the pipeline's)");
const table = z.string().describe("table name, as list_tables shows it");
const readOnly = { readOnlyHint: true, openWorldHint: false };

// The SDK infers handler arguments from the zod shapes only up to a depth TypeScript gives up
// on; these spell them out.
type PipelineArgs = { pipeline: string; schema?: string };
type TableArgs = PipelineArgs & { table: string };
type QueryArgs = { pipeline: string; sql: string; limit?: number };
type ConfigArgs = { connector: string; pipeline?: string };
type Format = typeof OUTPUT_FORMATS[number];
type PreviewArgs = {
  pipeline_name: string;
  table_name: string;
  limit?: number;
  filter?: FilterCondition[];
  output_format?: Format;
};
type RowCountArgs = {
  pipeline_name: string;
  table_names?: string[];
  dlt_tables?: boolean;
  filter?: FilterCondition[];
  output_format?: Format;
};
type ExportArgs = {
  pipeline_name: string;
  schema_name?: string;
  hide_columns?: boolean;
  output_format?: typeof SCHEMA_FORMATS[number];
};

// dlt's argument names for the tools dlt has (`pipeline_name`, `table_name`, `output_format`).
const pipelineName = z.string().describe("pipeline name, as list_pipelines shows it");
const tableName = z.string().describe("table name, as list_tables shows it");
const outputFormat = z.enum(OUTPUT_FORMATS).optional()
  .describe("json (default), markdown or jsonl");
const filter = z.array(z.object({
  column: z.string().describe("a column of the table"),
  op: z.enum(FILTER_OPS),
  value: z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(z.union([z.string(), z.number(), z.boolean()])),
  ]).optional().describe("a value; a list for `in`; none for is_null / is_not_null"),
})).max(MAX_CONDITIONS).optional().describe(
  "conditions on columns, all of which must hold, e.g. " +
    '[{"column": "state", "op": "=", "value": "open"}]; values are data, never SQL',
);
const secretsPath = z.string().optional().describe(
  "a secrets file as secrets_list shows it, or project / global (default: project)",
);

/**
 * Creates the MCP server with every dltx tool registered; connect it to a transport.
 *
 * @example Usage
 * ```ts ignore
 * import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
 * await createMcpServer(ctx).connect(new StdioServerTransport());
 * ```
 * @param ctx env and cwd locate the pipelines and the project's config; `ctx.masker` masks
 *   every answer.
 * @returns the server, not yet connected.
 */
export function createMcpServer(ctx: CliContext): McpServer {
  const server = new McpServer({ name: "dltx", version: denoJson.version });
  const tool = toolRunner(ctx);

  server.registerTool("list_pipelines", {
    description: "List the pipelines in the pipelines dir with their destination and dataset.",
    annotations: readOnly,
  }, () => tool(() => listPipelines(ctx)));

  server.registerTool("pipeline_state", {
    description:
      "The pipeline's state: dataset, schemas and the sources state with incremental cursors.",
    inputSchema: { pipeline },
    annotations: readOnly,
  }, (args: { pipeline: string }) => tool(() => pipelineState(ctx, args.pipeline)));

  server.registerTool("last_trace", {
    description: "The trace of the pipeline's last run: steps, timings, rows, errors.",
    inputSchema: { pipeline },
    annotations: readOnly,
  }, (args: { pipeline: string }) => tool(() => lastTrace(ctx, args.pipeline)));

  server.registerTool("list_tables", {
    description: "The tables of the pipeline's schema, with parent, resource and column count.",
    inputSchema: { pipeline, schema: schemaName },
    annotations: readOnly,
  }, (args: PipelineArgs) => tool(() => listTables(ctx, args.pipeline, args.schema)));

  server.registerTool("table_schema", {
    description: "A table's columns with data types, nullability and hints, and child tables.",
    inputSchema: { pipeline, table, schema: schemaName },
    annotations: readOnly,
  }, (args: TableArgs) => tool(() => tableSchema(ctx, args.pipeline, args.table, args.schema)));

  server.registerTool("count_rows", {
    description: "The number of rows of a table in the pipeline's dataset.",
    inputSchema: { pipeline, table },
    annotations: readOnly,
  }, (args: TableArgs) => tool(() => countRows(ctx, args.pipeline, args.table)));

  server.registerTool(
    "run_query",
    {
      description: "Run one read-only SQL statement on the pipeline's destination. Name tables " +
        "with their dataset (<dataset>.<table>). Returns rows, row_count and limited.",
      inputSchema: {
        pipeline,
        sql: z.string().describe("one SQL statement, read-only"),
        limit: z.number().int().min(1).max(MAX_ROW_LIMIT).optional()
          .describe(`most rows to return (default ${DEFAULT_ROW_LIMIT}, max ${MAX_ROW_LIMIT})`),
      },
      annotations: readOnly,
    },
    (args: QueryArgs) => tool(() => runQuery(ctx, args.pipeline, args.sql, { limit: args.limit })),
  );

  server.registerTool("validate_connector", {
    description: "Validate a connector file (.ts, .js, .json, .yaml): each invalid key with " +
      "what is expected, or a summary of its resources, auth and paginators.",
    inputSchema: { path: z.string().describe("the connector file, relative to the project") },
    annotations: readOnly,
  }, (args: { path: string }) => tool(() => validateConnectorFile(ctx, args.path)));

  server.registerTool(
    "config_status",
    {
      description: "For each config field of a connector: whether it is set and where from " +
        "(provider and key). Values are never shown.",
      inputSchema: {
        connector: z.string().describe("a connector name or file path, as `dltx run` takes it"),
        pipeline: z.string().optional().describe("pipeline name (default <connector>_pipeline)"),
      },
      annotations: readOnly,
    },
    (args: ConfigArgs) =>
      tool(() => configStatus(ctx, args.connector, { pipeline: args.pipeline })),
  );

  server.registerTool("preview_table", {
    description: "The first rows of a table (default 10), optionally only rows matching a " +
      "filter. Use it to check what a resource loaded.",
    inputSchema: {
      pipeline_name: pipelineName,
      table_name: tableName,
      limit: z.number().int().min(1).max(MAX_PREVIEW_ROWS).optional()
        .describe(`rows to return (default 10, max ${MAX_PREVIEW_ROWS})`),
      filter,
      output_format: outputFormat,
    },
    annotations: readOnly,
  }, (args: PreviewArgs) =>
    tool(() =>
      previewTable(ctx, args.pipeline_name, args.table_name, {
        limit: args.limit,
        filter: args.filter,
        format: args.output_format,
      })
    ));

  server.registerTool("get_row_counts", {
    description: "Rows per table of the pipeline's dataset (data tables; dlt_tables adds " +
      "_dlt_*), optionally only rows matching a filter; tables without a filter column are " +
      "skipped, tables not created yet are listed as not_loaded.",
    inputSchema: {
      pipeline_name: pipelineName,
      table_names: z.array(z.string()).optional().describe("count only these tables"),
      dlt_tables: z.boolean().optional().describe("also count dlt's _dlt_* tables"),
      filter,
      output_format: outputFormat,
    },
    annotations: readOnly,
  }, (args: RowCountArgs) =>
    tool(() =>
      getRowCounts(ctx, args.pipeline_name, {
        tables: args.table_names,
        dltTables: args.dlt_tables,
        filter: args.filter,
        format: args.output_format,
      })
    ));

  server.registerTool(
    "get_table_create_sql",
    {
      description: "The CREATE TABLE statement of a table in DuckDB's SQL, from the schema.",
      inputSchema: { pipeline_name: pipelineName, table_name: tableName },
      annotations: readOnly,
    },
    (args: { pipeline_name: string; table_name: string }) =>
      tool(() => getTableCreateSql(ctx, args.pipeline_name, args.table_name)),
  );

  server.registerTool("export_schema", {
    description: "The pipeline's schema as a Mermaid ER diagram (default), DBML, or the " +
      "stored schema as YAML or JSON; hide_columns for large schemas.",
    inputSchema: {
      pipeline_name: pipelineName,
      schema_name: schemaName,
      hide_columns: z.boolean().optional().describe("tables and links only"),
      output_format: z.enum(SCHEMA_FORMATS).optional()
        .describe("mermaid (default), yaml, dbml or json"),
    },
    annotations: readOnly,
  }, (args: ExportArgs) =>
    tool(() =>
      exportSchema(ctx, args.pipeline_name, {
        schema: args.schema_name,
        hideColumns: args.hide_columns,
        format: args.output_format,
      })
    ));

  server.registerTool("secrets_list", {
    description: "The secrets files (project .dlt/secrets.toml, global ~/.dlt/secrets.toml) " +
      "with the keys each sets, and the env vars setting sources' and destinations' config. " +
      "Never values. Use this instead of reading .dlt/secrets.toml.",
    annotations: readOnly,
  }, () => tool(() => secretsList(ctx)));

  server.registerTool("secrets_view_redacted", {
    description: "A secrets file as TOML with every value replaced by stars (placeholders " +
      "such as <api_key> stay): its tables and keys, never a value.",
    inputSchema: { path: secretsPath },
    annotations: readOnly,
  }, (args: { path?: string }) => tool(() => secretsViewRedacted(ctx, args.path)));

  server.registerTool(
    "secrets_update_fragment",
    {
      description: "Merge a TOML fragment into a secrets file (default the project's " +
        ".dlt/secrets.toml, created if missing), keeping its comments and other values. Only " +
        "with a fragment the user approved, holding values the user gave; never invent one. " +
        "Answers which keys it added or updated, never the values.",
      inputSchema: {
        fragment: z.string().describe(
          'TOML to merge, e.g. [sources.github]\naccess_token = "..." (tables and values)',
        ),
        path: secretsPath,
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    (args: { fragment: string; path?: string }) =>
      tool(() => secretsUpdateFragment(ctx, args.fragment, args.path)),
  );

  return server;
}

/** Runs a tool body: its value as masked JSON text, or its error as a tool error. */
function toolRunner(ctx: CliContext) {
  const mask = (text: string) => ctx.masker?.mask(text) ?? text;
  return async (body: () => Promise<unknown>): Promise<CallToolResult> => {
    try {
      const value = await body();
      // Text answers (SQL, diagrams, Markdown) go as they are; the rest as JSON.
      const text = typeof value === "string" ? value : formatJson(value);
      return { content: [{ type: "text", text: mask(text) }] };
    } catch (err) {
      let message: string;
      if (err instanceof UserError) message = err.message;
      else {
        // A bug: the assistant gets the message, the stack goes to stderr (stdout is the protocol).
        ctx.stderr.write(mask(`dltx mcp: internal error: ${(err as Error)?.stack ?? err}\n`));
        message = `internal error, please report: ${(err as Error)?.message ?? err}`;
      }
      return { isError: true, content: [{ type: "text", text: mask(message) }] };
    }
  };
}
