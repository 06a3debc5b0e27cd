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
import { formatJson } from "../_format.ts";
import { configStatus, validateConnectorFile } from "./_connector_tools.ts";
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

  return server;
}

/** Runs a tool body: its value as masked JSON text, or its error as a tool error. */
function toolRunner(ctx: CliContext) {
  const mask = (text: string) => ctx.masker?.mask(text) ?? text;
  return async (body: () => Promise<unknown>): Promise<CallToolResult> => {
    try {
      const value = await body();
      return { content: [{ type: "text", text: mask(formatJson(value)) }] };
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
