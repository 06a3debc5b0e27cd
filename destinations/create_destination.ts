/**
 * The destination registry: picks a destination implementation by its dlt type name.
 *
 * @module
 */

import { ConfigError } from "../core/errors.ts";
import type { Destination } from "../core/pipeline/destination.ts";
import { DuckDbDestination } from "./duckdb/mod.ts";
import { FilesystemDestination, type FilesystemOptions } from "./filesystem/mod.ts";
import {
  checkCredentials,
  parseConnectionString,
  PostgresDestination,
  type PostgresOptions,
} from "./postgres/mod.ts";

/**
 * Options of a destination, validated by the chosen destination. `duckdb` reads `path`
 * (required), `threads`, `memoryLimit`, `logger` and `deps`. `filesystem` reads `bucketUrl`
 * (required; a local folder or a `file://` URL), `fileFormat` (`parquet`, `jsonl` or `csv`),
 * `layout`, `disableCompression`, `maxStateFiles`, `logger` and `deps`. `postgres` reads `credentials` (required; a
 * `postgresql://` connection string or its parts), `createIndexes`, `replaceStrategy`,
 * `logger` and `deps`.
 */
export type DestinationOptions = Record<string, unknown>;

type Factory = (options: DestinationOptions) => Destination;

const FACTORIES: Record<string, Factory> = {
  duckdb: (options) => {
    const { path, threads, memoryLimit } = options;
    if (typeof path !== "string" || path === "") {
      throw new ConfigError(
        `The duckdb destination needs a database file path, got ${JSON.stringify(path)}`,
      );
    }
    if (threads !== undefined && (!Number.isInteger(threads) || (threads as number) < 1)) {
      throw new ConfigError(
        `The duckdb destination's threads must be a positive integer, got ${
          JSON.stringify(threads)
        }`,
      );
    }
    if (memoryLimit !== undefined && typeof memoryLimit !== "string") {
      throw new ConfigError(
        `The duckdb destination's memoryLimit must be a size like "1GB", got ${
          JSON.stringify(memoryLimit)
        }`,
      );
    }
    return new DuckDbDestination(
      options as unknown as ConstructorParameters<
        typeof DuckDbDestination
      >[0],
    );
  },
  filesystem: (options) => {
    const { bucketUrl } = options;
    if (typeof bucketUrl !== "string" || bucketUrl === "") {
      throw new ConfigError(
        "The filesystem destination needs a bucket_url (a local folder or a file:// URL; set " +
          `DESTINATION__FILESYSTEM__BUCKET_URL), got ${JSON.stringify(bucketUrl)}`,
      );
    }
    for (const key of ["fileFormat", "layout"]) {
      if (options[key] !== undefined && typeof options[key] !== "string") {
        throw new ConfigError(
          `The filesystem destination's ${key} must be a string, got ${
            JSON.stringify(options[key])
          }`,
        );
      }
    }
    const { disableCompression } = options;
    if (disableCompression !== undefined && typeof disableCompression !== "boolean") {
      throw new ConfigError(
        "The filesystem destination's disableCompression must be true or false, got " +
          JSON.stringify(disableCompression),
      );
    }
    return new FilesystemDestination(options as unknown as FilesystemOptions);
  },
  postgres: (options) => {
    const { credentials } = options;
    if (typeof credentials !== "string" && (typeof credentials !== "object" || !credentials)) {
      throw new ConfigError(
        "The postgres destination needs credentials (set DESTINATION__POSTGRES__CREDENTIALS=" +
          "postgresql://user:password@host:port/database)",
      );
    }
    const parsed = typeof credentials === "string"
      ? checkCredentials(parseConnectionString(credentials))
      : checkCredentials(credentials);
    return new PostgresDestination({
      ...(options as unknown as PostgresOptions),
      credentials: parsed,
    });
  },
};

/** The destination types {@linkcode createDestination} knows. */
export const DESTINATION_TYPES: readonly string[] = Object.keys(FACTORIES);

/**
 * Creates the destination of type `type`.
 *
 * @throws {ConfigError} for an unknown type or invalid options
 * @example Usage
 * ```ts
 * import { createDestination } from "./create_destination.ts";
 * const destination = createDestination("duckdb", { path: ":memory:" });
 * await destination.close();
 * ```
 */
export function createDestination(type: string, options: DestinationOptions): Destination {
  const factory = Object.hasOwn(FACTORIES, type) ? FACTORIES[type] : undefined;
  if (!factory) {
    throw new ConfigError(
      `Unknown destination "${type}"; available destinations: ${DESTINATION_TYPES.join(", ")}`,
    );
  }
  return factory(options);
}
