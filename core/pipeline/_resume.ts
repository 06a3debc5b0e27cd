/**
 * Before a run: packages that an interrupted run left behind are finished or discarded.
 * A package whose extraction did not complete is discarded (its state never reached the
 * destination, so the next extraction fetches the same data again); a `normalized` package is
 * loaded, exactly once.
 *
 * @module
 */

import type { Logger } from "../log.ts";
import { listPackages, LoadPackage } from "../package/mod.ts";
import { commitPackage } from "./_package_load.ts";
import type { Destination } from "./destination.ts";
import type { WorkingDir } from "./working_dir.ts";

/** Finishes or discards every pending package, oldest first; returns the load ids loaded. */
export async function resumePending(options: {
  workingDir: WorkingDir;
  destination: Destination;
  /** The pipeline's dataset: where an unfinished package's load may have left files. */
  datasetName: string;
  keepCompletedJobs: boolean;
  logger: Logger;
}): Promise<string[]> {
  const loaded: string[] = [];
  for (const summary of await listPackages(options.workingDir.loadDir)) {
    if (summary.state === "loaded" || summary.state === "aborted") continue;
    const pkg = await LoadPackage.open(summary.dir);
    if (summary.state !== "normalized") {
      options.logger.info(
        `Discarding load package ${summary.loadId} (${summary.state}) of an interrupted run: ` +
          "its extraction did not finish, this run fetches the data again",
      );
      await options.destination.discardLoad?.(options.datasetName, summary.loadId);
      await pkg.delete();
      continue;
    }
    options.logger.info(
      `Loading package ${summary.loadId} that an interrupted run left normalized`,
    );
    await commitPackage(pkg, { ...options });
    loaded.push(summary.loadId);
  }
  return loaded;
}
