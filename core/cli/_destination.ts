/**
 * The destination a run or load writes to, built from its `--to` type and the config:
 * `duckdb` (the default) at `DESTINATION__DUCKDB__CREDENTIALS` or `<pipeline>.duckdb`, and
 * `filesystem` at `DESTINATION__FILESYSTEM__BUCKET_URL`, and `postgres` at
 * `DESTINATION__POSTGRES__CREDENTIALS` (dlt's keys).
 *
 * @module
 */

import { isAbsolute, join } from "node:path";
import { createDestination, DESTINATION_TYPES } from "../../destinations/mod.ts";
import type { ConfigResolver, Masker } from "../config/mod.ts";
import { ConfigError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Destination } from "../pipeline/mod.ts";
import { postgresOptions } from "./_postgres_config.ts";

/** What building a destination needs. */
export interface DestinationSetup {
  config: ConfigResolver;
  /** Relative paths in the config are relative to it. */
  cwd: string;
  pipelineName: string;
  logger: Logger;
  /** Learns the secrets of the destination's config (the postgres password). */
  masker?: Masker;
}

/** The file formats of the filesystem destination (dlt's `loader_file_format`). */
const FILE_FORMATS = ["parquet", "jsonl", "csv"];

/**
 * Checks a `--to` value.
 * @throws {ConfigError} naming the value and the destinations there are
 */
export function checkDestinationType(type: string, extra: readonly string[] = []): void {
  const known = [...DESTINATION_TYPES, ...extra];
  if (!known.includes(type)) {
    throw new ConfigError(
      `Unknown destination "${type}" for --to; expected one of ${known.join(", ")}`,
    );
  }
}

/**
 * Builds the destination of type `type`.
 * @throws {ConfigError} for an unknown type, a missing `bucket_url`, a bad file format or
 *   missing postgres credentials
 */
export function targetDestination(type: string, setup: DestinationSetup): Destination {
  checkDestinationType(type);
  const { logger } = setup;
  switch (type) {
    case "duckdb":
      return createDestination(type, { path: duckdbPath(setup), logger });
    case "filesystem":
      return createDestination(type, { ...filesystemOptions(setup), logger });
    case "postgres":
      return createDestination(type, { ...postgresOptions(setup.config, setup), logger });
    default:
      return createDestination(type, { logger });
  }
}

/** The DuckDB file: `DESTINATION__DUCKDB__CREDENTIALS` (path or `duckdb:///path`) or `<pipeline>.duckdb`. */
function duckdbPath({ config, cwd, pipelineName }: DestinationSetup): string {
  const credentials = config.get("destination.duckdb.credentials")?.value;
  if (typeof credentials === "string" && credentials !== "") {
    const path = credentials.replace(/^duckdb:\/\/\//, "");
    if (path === ":memory:") return path;
    return isAbsolute(path) ? path : join(cwd, path);
  }
  return join(cwd, `${pipelineName}.duckdb`);
}

/**
 * Options of the filesystem destination: `bucket_url` (required; a relative path is relative to
 * `cwd`), `loader_file_format` (default parquet), `layout` and `data_writer.disable_compression`
 * (JSONL and CSV files are gzipped unless it is true), under dlt's keys.
 * @throws {ConfigError} dlt's missing-field error for `bucket_url`, or a bad format or layout
 */
export function filesystemOptions({ config, cwd, pipelineName }: DestinationSetup) {
  const { values } = config.resolveFields(
    ["destination", "filesystem"],
    [{ name: "bucket_url", type: "string" }],
    { pipelineName, configName: "FilesystemDestinationClientConfiguration" },
  );
  const bucketUrl = String(values.bucket_url);
  const format = config.get("destination.filesystem.loader_file_format")?.value ??
    config.get("normalize.loader_file_format")?.value ?? "parquet";
  if (typeof format !== "string" || !FILE_FORMATS.includes(format)) {
    throw new ConfigError(
      `loader_file_format of the filesystem destination must be one of ${
        FILE_FORMATS.join(", ")
      }, got ${JSON.stringify(format)}`,
    );
  }
  const layout = config.get("destination.filesystem.layout")?.value;
  if (layout !== undefined && typeof layout !== "string") {
    throw new ConfigError(
      `destination.filesystem.layout must be a text template, got ${JSON.stringify(layout)}`,
    );
  }
  // dlt reads the data writer's settings per stage; the normalize stage writes the files.
  const disableCompression = config.get("normalize.data_writer.disable_compression", {
    expect: "boolean",
  }) ?? config.get("data_writer.disable_compression", { expect: "boolean" });
  return {
    // A relative local path is relative to the project, not to wherever the binary runs.
    bucketUrl: /^[a-z][a-z0-9+.-]*:\/\//i.test(bucketUrl) || isAbsolute(bucketUrl)
      ? bucketUrl
      : join(cwd, bucketUrl),
    fileFormat: format,
    disableCompression: disableCompression?.value === true,
    ...(layout !== undefined ? { layout } : {}),
  };
}
