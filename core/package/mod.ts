/**
 * Load packages on disk: the job files of one load, its schema and its state, plus the job
 * file writer that fills them.
 *
 * @module
 */

export * from "./load_id.ts";
export * from "./load_package.ts";
export * from "./job_writer.ts";
