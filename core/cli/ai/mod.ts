/**
 * AI-assistant setup for a dltx project: `dltx ai init --agent <agent>` (alias `ai setup`)
 * writes an editor's rules and secrets rule, registers `dltx mcp` in its MCP config and keeps
 * secrets out of its context; `dltx ai toolkit` installs toolkits of skills (the built-in
 * `rest-api-pipeline`); `dltx ai status` shows what is set up; `dltx init --agent` also writes
 * `<connector>-docs.yaml`.
 *
 * @module
 */

export * from "./setup.ts";
export * from "./toolkits.ts";
export * from "./connector_docs.ts";
export * from "./ai_command.ts";
