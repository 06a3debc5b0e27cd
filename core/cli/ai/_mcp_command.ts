/**
 * How an editor starts `dltx mcp`: the `dltx` binary when this is the compiled binary, else
 * `deno run -A <checkout>/main.ts mcp` for the source checkout that is running.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** A stdio MCP server launch: the command and its arguments. */
export interface McpLaunch {
  command: string;
  args: string[];
}

/** Options of {@linkcode mcpLaunch}. */
export interface McpLaunchOptions {
  /** Whether dltx runs as the compiled binary. @default Deno.build.standalone */
  standalone?: boolean;
  /** The dltx tree. @default the tree of this module */
  root?: URL;
}

/**
 * The command that starts `dltx mcp` in the way dltx runs now.
 *
 * @param options see {@linkcode McpLaunchOptions}.
 * @returns the launch.
 */
export function mcpLaunch(options: McpLaunchOptions = {}): McpLaunch {
  const root = options.root ?? new URL("../../../", import.meta.url);
  const standalone = options.standalone ?? (Deno.build.standalone || root.protocol !== "file:");
  if (standalone) return { command: "dltx", args: ["mcp"] };
  return {
    command: "deno",
    args: ["run", "-A", fileURLToPath(new URL("main.ts", root)), "mcp"],
  };
}

/** The launch as one shell-like line, for the rules. */
export function launchLine(launch: McpLaunch): string {
  return [launch.command, ...launch.args].join(" ");
}
