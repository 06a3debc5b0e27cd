/**
 * `dltx mcp`: an MCP server over stdio for assistants in editors — list pipelines, read
 * their state, trace and schemas, count rows, run read-only SQL, validate connectors and
 * tell where config is set (never the values).
 *
 * @module
 */

export * from "./server.ts";
export * from "./mcp_command.ts";
