/**
 * `dltx mcp`: serves the dltx MCP tools over stdio until the client closes stdin.
 *
 * @module
 */

import process from "node:process";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CliContext } from "../context.ts";
import { createMcpServer } from "./server.ts";

/**
 * Runs the MCP server on stdin/stdout. stdout carries only the protocol: nothing else of
 * dltx writes there while it runs; messages go to stderr.
 *
 * @returns the exit code once the client has gone (stdin closed)
 */
export async function mcpCommand(ctx: CliContext): Promise<number> {
  const server = createMcpServer(ctx);
  const transport = new StdioServerTransport();
  // The SDK's transport does not notice stdin ending; the client closing it means "done".
  const ended = new Promise<void>((resolve) => {
    process.stdin.once("end", resolve);
    process.stdin.once("close", resolve);
    server.server.onclose = () => resolve();
    ctx.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  await server.connect(transport);
  ctx.stderr.write("dltx mcp: serving the dltx tools on stdio\n");
  await ended;
  await server.close();
  return 0;
}
