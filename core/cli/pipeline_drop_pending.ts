/**
 * `dltx pipeline <name> drop-pending-packages [--yes]`: deletes the packages an interrupted run
 * left behind (extracted or normalized, not loaded), after asking, as dlt's command does. The
 * state is not reverted: a package the destination had already committed is found there by
 * the next run (it restores the newer state), one it had not is fetched again.
 *
 * @module
 */

import { listPackages, LoadPackage, type PackageSummary } from "../package/mod.ts";
import { acquirePipelineLock } from "../pipeline/mod.ts";
import type { CliContext } from "./context.ts";
import { confirmed } from "./_confirm.ts";
import { foundLine, openPipelineFolder } from "./_pipelines.ts";

/** Options of `dltx pipeline <name> drop-pending-packages`. */
export interface DropPendingOptions {
  /** Delete without asking. */
  yes?: boolean;
}

/**
 * Lists the pending packages and deletes them once confirmed.
 *
 * @returns the exit code
 * @throws {UserError} when the pipeline does not exist, another process runs it, or there is
 *   no terminal to confirm on and `--yes` was not given
 */
export async function pipelineDropPendingCommand(
  ctx: CliContext,
  name: string,
  options: DropPendingOptions = {},
): Promise<number> {
  const folder = await openPipelineFolder(ctx, name);
  // A run in progress has a pending package too: that one is not left behind.
  const lock = await acquirePipelineLock(folder.workingDir, name);
  try {
    const all = await listPackages(folder.workingDir.loadDir);
    const extracted = all.filter((p) => p.state === "new" || p.state === "extracted");
    const normalized = all.filter((p) => p.state === "normalized");
    let out = foundLine(folder);
    out += listing(extracted, "extracted packages ready to be normalized");
    out += listing(normalized, "normalized packages ready to be loaded");
    if (extracted.length + normalized.length === 0) {
      ctx.stdout.write(`${out}No pending packages found\n`);
      return 0;
    }
    ctx.stdout.write(out);
    const command = `dltx pipeline ${name} drop-pending-packages`;
    if (!(await confirmed(ctx, "Delete the above packages?", { ...options, command }))) {
      ctx.stdout.write("Nothing was deleted.\n");
      return 0;
    }
    for (const summary of [...extracted, ...normalized]) {
      await (await LoadPackage.open(summary.dir)).delete();
    }
    ctx.stdout.write("Pending packages deleted\n");
    return 0;
  } finally {
    await lock.release();
  }
}

/** dlt's wording: `Has 2 normalized packages ready to be loaded with following load ids:`. */
function listing(packages: PackageSummary[], what: string): string {
  if (packages.length === 0) return "";
  return `Has ${packages.length} ${what} with following load ids:\n` +
    packages.map((p) => `${p.loadId}\n`).join("");
}
