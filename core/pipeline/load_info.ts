/**
 * What a finished run reports, worded as dlt's load info so dlt users read it at a glance.
 *
 * @module
 */

/** The outcome of one load package. */
export interface LoadPackageInfo {
  /** The package's load id. */
  loadId: string;
  /** `loaded`, or `failed` when a job failed. */
  state: "loaded" | "failed";
  /** The jobs that failed, with their messages. */
  failedJobs: { file: string; message: string }[];
}

/** The result of `Pipeline.run()`. */
export interface LoadInfo {
  /** The pipeline that ran. */
  pipelineName: string;
  /** Destination type as dlt names it (`duckdb`). */
  destinationType: string;
  /** Where the destination stores data (`duckdb:/abs/path.duckdb`). */
  destinationLocation: string;
  /** The dataset loaded into. */
  datasetName: string;
  /** Seconds the load step took. */
  loadSeconds: number;
  /** The load packages of the run. */
  packages: LoadPackageInfo[];
  /** Rows loaded per table in this run, root and child tables. */
  rowCounts: Record<string, number>;
  /** Records extracted per resource in this run. */
  recordCounts: Record<string, number>;
}

/**
 * Formats load info with dlt's wording.
 *
 * @example Usage
 * ```ts
 * import { formatLoadInfo } from "./load_info.ts";
 * const text = formatLoadInfo({
 *   pipelineName: "demo_pipeline",
 *   destinationType: "duckdb",
 *   destinationLocation: "duckdb:/tmp/demo_pipeline.duckdb",
 *   datasetName: "demo_pipeline_dataset",
 *   loadSeconds: 0.26,
 *   packages: [{ loadId: "1749667187.541553", state: "loaded", failedJobs: [] }],
 *   rowCounts: {},
 *   recordCounts: {},
 * });
 * if (!text.startsWith("Pipeline demo_pipeline load step completed in 0.26 seconds")) {
 *   throw new Error(text);
 * }
 * ```
 */
export function formatLoadInfo(info: LoadInfo): string {
  const lines = [
    `Pipeline ${info.pipelineName} load step completed in ${info.loadSeconds.toFixed(2)} seconds`,
    `${info.packages.length} load package(s) were loaded to destination ${info.destinationType} ` +
    `and into dataset ${info.datasetName}`,
    `The ${info.destinationType} destination used ${info.destinationLocation} location to store data`,
  ];
  for (const pkg of info.packages) {
    if (pkg.failedJobs.length === 0) {
      lines.push(`Load package ${pkg.loadId} is LOADED and contains no failed jobs`);
    } else {
      lines.push(
        `Load package ${pkg.loadId} is LOADED and contains ${pkg.failedJobs.length} FAILED job(s)!`,
      );
      for (const job of pkg.failedJobs) lines.push(`\t${job.file}: ${job.message}`);
    }
  }
  return lines.join("\n");
}
