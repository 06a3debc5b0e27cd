/**
 * `dltx pipeline <name> failed-jobs`: the failed jobs of the pipeline's loaded and normalized
 * packages, with their files and messages, worded as dlt's `dlt pipeline <name> failed-jobs`.
 *
 * @module
 */

import { extname } from "node:path";
import { listPackages, LoadPackage } from "../package/mod.ts";
import type { CliContext } from "./context.ts";
import { foundLine, openPipelineFolder } from "./_pipelines.ts";

/**
 * Prints the failed jobs, package by package.
 *
 * @returns the exit code
 * @throws {UserError} when the pipeline does not exist
 */
export async function pipelineFailedJobsCommand(ctx: CliContext, name: string): Promise<number> {
  const folder = await openPipelineFolder(ctx, name);
  let out = foundLine(folder);
  const packages = (await listPackages(folder.workingDir.loadDir))
    .filter((p) => p.state === "loaded" || p.state === "normalized");
  if (packages.length === 0) out += "No loaded or normalized packages found\n";
  for (const summary of packages) {
    out += `Checking failed jobs in load id '${summary.loadId}'\n`;
    const pkg = await LoadPackage.open(summary.dir);
    const failed = await pkg.jobs("failed_jobs");
    if (failed.length === 0) out += "No failed jobs found\n";
    for (const job of failed) {
      out += `JOB: ${job.fileName.replace(/\.[^.]+$/, "")}(${job.table})\n`;
      out += `JOB file type: ${extname(job.fileName).slice(1)}\n`;
      out += `JOB file path: ${job.path}\n`;
      out += `${(await pkg.failedMessage(job)) ?? "(no message)"}\n\n`;
    }
  }
  ctx.stdout.write(ctx.masker?.mask(out) ?? out);
  return 0;
}
