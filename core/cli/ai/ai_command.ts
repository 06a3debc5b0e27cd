/**
 * `dltx ai setup <agent>`: sets up an editor's AI assistant for the project in the current
 * folder (see `setup.ts`).
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { parseAgent, setupAgent, setupSummary } from "./setup.ts";

/**
 * Runs `dltx ai setup <agent>`.
 *
 * @param ctx the CLI context; files are written in `ctx.cwd`.
 * @param agent the editor: claude, cursor, codex, copilot or continue.
 * @returns the exit code.
 * @throws {UserError} for an unknown agent
 * @throws {ConfigError} for an existing config file that cannot be merged
 */
export async function aiSetupCommand(ctx: CliContext, agent: string): Promise<number> {
  const known = parseAgent(agent);
  const files = await setupAgent(ctx.cwd, known);
  ctx.stdout.write(setupSummary(known, files));
  return 0;
}
