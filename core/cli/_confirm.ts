/**
 * The confirmation a destructive command asks for, as dlt's CLI does (`[y/N]`, default no):
 * on a terminal it asks; elsewhere (a script, CI) it refuses unless `--yes` was given, so
 * nothing is dropped by a command nobody saw.
 *
 * @module
 */

import { UserError } from "../errors.ts";
import type { CliContext } from "./context.ts";

/**
 * Asks `question`, or takes `--yes` as the answer.
 *
 * @param command the command as the user typed it, named when it is refused
 * @returns whether to go on
 * @throws {UserError} when there is no terminal to ask on and `--yes` was not given
 */
export async function confirmed(
  ctx: CliContext,
  question: string,
  options: { yes?: boolean; command: string },
): Promise<boolean> {
  if (options.yes) return true;
  if (!ctx.confirm) {
    throw new UserError(
      `"${options.command}" asks for confirmation, but stdin is not a terminal: nothing was ` +
        "changed. Add --yes to go ahead without asking",
    );
  }
  return await ctx.confirm(question);
}
