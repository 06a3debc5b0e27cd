/**
 * AI-assistant setup for a dltx project: `dltx ai setup <agent>` writes an editor's rules,
 * registers `dltx mcp` in its MCP config and keeps secrets out of its context;
 * `dltx init --agent` also writes `<connector>-docs.yaml`.
 *
 * @module
 */

export * from "./setup.ts";
export * from "./connector_docs.ts";
export * from "./ai_command.ts";
