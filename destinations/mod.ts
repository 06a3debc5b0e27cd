/**
 * Destinations: where loads go (a DuckDB database, Parquet/JSONL/CSV files, or a PostgreSQL database). Each
 * destination lives in its own folder and implements `Destination` of
 * `core/pipeline/destination.ts`; `createDestination()` picks one by type.
 *
 * @module
 */

export * from "./create_destination.ts";
export * from "./duckdb/mod.ts";
export * from "./filesystem/mod.ts";
export {
  checkCredentials,
  displayLocation,
  parseConnectionString,
  postgres,
  POSTGRES_MAX_IDENTIFIER_LENGTH,
  PostgresDestination,
  REPLACE_STRATEGIES,
} from "./postgres/mod.ts";
export type { PostgresCredentials, PostgresOptions } from "./postgres/mod.ts";
