/**
 * `dltx mcp`: serves the dltx MCP tools over stdio until the client closes stdin, or with
 * `--http` over MCP's Streamable HTTP transport on 127.0.0.1 until interrupted.
 *
 * The HTTP server answers only requests that pass the dashboard's guard
 * (`local_server_guard.ts`): its own `Host`, no foreign `Origin`, a JSON body, and the token
 * made at each start as `Authorization: Bearer <token>` (refusals are 403s). It is stateless:
 * each request gets a fresh server and transport, so clients share nothing.
 *
 * @module
 */

import process from "node:process";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import {
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { UserError } from "../../errors.ts";
import type { CliContext } from "../context.ts";
import { newToken, serveGuarded } from "../local_server_guard.ts";
import { createMcpServer } from "./server.ts";

/** Options of `dltx mcp`. */
export interface McpCommandOptions {
  /** Serve Streamable HTTP instead of stdio. @default false */
  http?: boolean;
  /** `--http`: the port; 0 picks a free one. @default 0 */
  port?: string | number;
}

/** The path the HTTP transport serves, as dlt's MCP server. */
export const MCP_HTTP_PATH = "/mcp";

/** Env var that fixes the HTTP token (for an editor config that names it); else a new one. */
export const MCP_TOKEN_ENV = "DLTX_MCP_TOKEN";

/**
 * Runs the MCP server on stdin/stdout, or on HTTP with `options.http`. On stdio, stdout
 * carries only the protocol: nothing else of dltx writes there while it runs.
 *
 * @returns the exit code once the client has gone (stdin closed) or the server was stopped
 * @throws {UserError} for a bad port, a port in use or a too short `DLTX_MCP_TOKEN`
 */
export async function mcpCommand(
  ctx: CliContext,
  options: McpCommandOptions = {},
): Promise<number> {
  if (options.http) return await serveHttp(ctx, options);
  if (options.port !== undefined) throw new UserError("--port needs --http");
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

async function serveHttp(ctx: CliContext, options: McpCommandOptions): Promise<number> {
  const port = parsePort(options.port);
  const token = ctx.env[MCP_TOKEN_ENV] || newToken();
  if (token.length < 32 || /\s/.test(token)) {
    throw new UserError(`${MCP_TOKEN_ENV} must be at least 32 characters without spaces`);
  }
  await serveGuarded({
    port,
    token,
    handler: (req) => handleMcp(ctx, req),
    onListening: (bound) => {
      const url = `http://127.0.0.1:${bound}${MCP_HTTP_PATH}`;
      ctx.stdout.write(
        `dltx mcp: serving the dltx tools at ${url}\n` +
          `Send the header: Authorization: Bearer ${token}\nPress Ctrl-C to stop\n`,
      );
    },
    signal: ctx.signal,
  });
  return 0;
}

async function handleMcp(ctx: CliContext, req: Request): Promise<Response> {
  if (new URL(req.url).pathname !== MCP_HTTP_PATH) {
    return Response.json({ error: `Not found; the MCP endpoint is ${MCP_HTTP_PATH}` }, {
      status: 404,
    });
  }
  const server = createMcpServer(ctx);
  // Stateless, with plain JSON answers: one request, one server, nothing kept between them.
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    return await transport.handleRequest(req);
  } finally {
    await server.close();
  }
}

function parsePort(port: string | number | undefined): number {
  if (port === undefined) return 0;
  const n = Number(port);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UserError(
      `--port must be a port number from 0 to 65535, got ${JSON.stringify(port)}`,
    );
  }
  return n;
}
