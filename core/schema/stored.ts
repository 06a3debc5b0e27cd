/**
 * The stored form of a schema, as dlt 1.26 stores it in a pipeline's working folder
 * (`schemas/<name>.schema.json`) and in `_dlt_version.schema`: `settings` (type detections,
 * default hints), `normalizers`, `previous_hashes`, the `_dlt_version`, `_dlt_loads` and
 * `_dlt_pipeline_state` tables, the merge strategy as the `x-merge-strategy` table hint. dlt
 * reads what dltx stores (`dlt pipeline <name> schema`, a dlt run continuing a dataset) and
 * dltx reads what dlt stores, keeping hints it does not use as they are.
 *
 * In memory, {@linkcode Schema.tables} holds the data tables only: the destinations make their
 * system tables themselves, and every consumer of the tables deals with data.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import type {
  Column,
  MergeStrategy,
  NormalizersConfig,
  Schema,
  SchemaSettings,
  Table,
} from "./types.ts";
import { LOADS_TABLE, SCHEMA_ENGINE_VERSION, STATE_TABLE, VERSION_TABLE } from "./types.ts";

/** A schema as stored: dlt's `TStoredSchema` (extra keys are kept). */
export interface StoredSchema {
  version: number;
  version_hash: string;
  engine_version: number;
  name: string;
  tables: Record<string, Record<string, unknown>>;
  settings: SchemaSettings;
  normalizers: NormalizersConfig;
  previous_hashes: string[];
  [key: string]: unknown;
}

/** dlt's default settings of a new schema with the relational normalizer. */
export const DEFAULT_SETTINGS: Readonly<SchemaSettings> = Object.freeze({
  detections: ["iso_timestamp"],
  default_hints: {
    not_null: ["_dlt_id", "_dlt_root_id", "_dlt_parent_id", "_dlt_list_idx", "_dlt_load_id"],
    parent_key: ["_dlt_parent_id"],
    root_key: ["_dlt_root_id"],
    unique: ["_dlt_id"],
    row_key: ["_dlt_id"],
  },
});

/** dlt's default normalizers: snake_case names and the relational JSON normalizer. */
export const DEFAULT_NORMALIZERS: Readonly<NormalizersConfig> = Object.freeze({
  names: "snake_case",
  json: { module: "dlt.common.normalizers.json.relational" },
});

/** dlt's system tables, as dlt 1.26 defines them (`version_table()` and its kin). */
const SYSTEM_TABLES: Readonly<Record<string, Record<string, unknown>>> = Object.freeze({
  [VERSION_TABLE]: {
    name: VERSION_TABLE,
    columns: columns([
      ["version", "bigint"],
      ["engine_version", "bigint"],
      ["inserted_at", "timestamp"],
      ["schema_name", "text"],
      ["version_hash", "text"],
      ["schema", "text"],
    ]),
    write_disposition: "skip",
    resource: VERSION_TABLE,
    description: "Created by DLT. Tracks schema updates",
  },
  [LOADS_TABLE]: {
    name: LOADS_TABLE,
    columns: {
      load_id: { name: "load_id", data_type: "text", nullable: false, precision: 64 },
      schema_name: { name: "schema_name", data_type: "text", nullable: true },
      status: { name: "status", data_type: "bigint", nullable: false },
      inserted_at: { name: "inserted_at", data_type: "timestamp", nullable: false },
      schema_version_hash: { name: "schema_version_hash", data_type: "text", nullable: true },
    },
    write_disposition: "skip",
    resource: LOADS_TABLE,
    description: "Created by DLT. Tracks completed loads",
  },
  [STATE_TABLE]: {
    columns: {
      ...columns([
        ["version", "bigint"],
        ["engine_version", "bigint"],
        ["pipeline_name", "text"],
        ["state", "text"],
        ["created_at", "timestamp"],
      ]),
      version_hash: { name: "version_hash", data_type: "text", nullable: true },
      _dlt_load_id: { name: "_dlt_load_id", data_type: "text", nullable: false, precision: 64 },
      _dlt_id: { name: "_dlt_id", data_type: "text", nullable: false, unique: true, row_key: true },
    },
    write_disposition: "append",
    file_format: "preferred",
    name: STATE_TABLE,
    resource: STATE_TABLE,
    "x-normalizer": { "seen-data": true },
  },
});

/**
 * dlt's system tables as tables of this model (name, data type, nullability, in dlt's column
 * order): what an SQL destination creates and a file destination reads back. Derived from the
 * stored definitions above, so the two cannot drift apart.
 */
export function systemTables(): Table[] {
  return [VERSION_TABLE, LOADS_TABLE, STATE_TABLE].map((name) => {
    const stored = SYSTEM_TABLES[name].columns as Record<string, Column>;
    const columns: Record<string, Column> = {};
    for (const { name: column, data_type, nullable } of Object.values(stored)) {
      columns[column] = { name: column, data_type, nullable };
    }
    return { name, columns };
  });
}

/** Names of dlt's system tables. */
export const SYSTEM_TABLE_NAMES: readonly string[] = [VERSION_TABLE, LOADS_TABLE, STATE_TABLE];

function columns(spec: [string, Column["data_type"]][]): Record<string, Column> {
  return Object.fromEntries(
    spec.map(([name, data_type]) => [name, { name, data_type, nullable: false }]),
  );
}

/**
 * The stored form of `schema`: its data tables between dlt's system tables, dlt's settings and
 * normalizers (the schema's own, else dlt's defaults) and `previous_hashes`. A new object;
 * `schema` is not changed.
 */
export function toStoredSchema(schema: Schema): StoredSchema {
  const tables: Record<string, Record<string, unknown>> = {
    [VERSION_TABLE]: structuredClone(SYSTEM_TABLES[VERSION_TABLE]),
    [LOADS_TABLE]: structuredClone(SYSTEM_TABLES[LOADS_TABLE]),
  };
  for (const [name, table] of Object.entries(schema.tables)) tables[name] = storedTable(table);
  tables[STATE_TABLE] = structuredClone(SYSTEM_TABLES[STATE_TABLE]);
  const stored: StoredSchema = {
    version: schema.version,
    version_hash: schema.version_hash,
    engine_version: schema.engine_version,
    name: schema.name,
    tables,
    settings: structuredClone(schema.settings ?? DEFAULT_SETTINGS),
    normalizers: structuredClone(schema.normalizers ?? DEFAULT_NORMALIZERS),
    previous_hashes: [...(schema.previous_hashes ?? [])],
  };
  if (schema.description !== undefined) stored.description = schema.description;
  return stored;
}

/** A data table as stored: the merge strategy as dlt's `x-merge-strategy` hint. */
function storedTable(table: Table): Record<string, unknown> {
  const { merge_strategy, incomplete_columns, ...rest } = structuredClone(table);
  const stored: Record<string, unknown> = rest;
  if (incomplete_columns !== undefined) {
    // Columns with hints but no data yet (from a schema dlt stored), after the complete ones.
    const all: Record<string, unknown> = { ...rest.columns };
    for (const [name, column] of Object.entries(incomplete_columns)) all[name] ??= column;
    stored.columns = all;
  }
  if (merge_strategy !== undefined) stored["x-merge-strategy"] = merge_strategy;
  return stored;
}

/**
 * The in-memory schema of a stored one, written by dlt or dltx: the system tables go, the
 * `x-merge-strategy` hint becomes `merge_strategy`, tables and columns get their names (dlt
 * may leave them out), and columns without a data type (hints dlt keeps before data arrives)
 * are set aside in `incomplete_columns`, to be stored back as they were. Everything else is
 * kept, also hints dltx does not use.
 *
 * @param doc the parsed JSON document.
 * @param where where it comes from, for the error message.
 * @throws {DataError} when `doc` is not a schema.
 */
export function fromStoredSchema(doc: unknown, where: string): Schema {
  const fail = (what: string) => new DataError(`The schema stored in ${where} ${what}`);
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw fail("is not a JSON object");
  }
  const stored = structuredClone(doc) as Record<string, unknown>;
  const { tables, name } = stored;
  if (typeof name !== "string" || name === "") throw fail("has no name");
  if (tables === null || typeof tables !== "object" || Array.isArray(tables)) {
    throw fail("has no tables");
  }
  const data: Record<string, Table> = {};
  for (const [tableName, value] of Object.entries(tables as Record<string, unknown>)) {
    if (SYSTEM_TABLE_NAMES.includes(tableName)) continue;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw fail(`has a table "${tableName}" that is not an object`);
    }
    data[tableName] = memoryTable(tableName, value as Record<string, unknown>);
  }
  const schema: Schema = {
    ...stored,
    name,
    version: typeof stored.version === "number" ? stored.version : 1,
    version_hash: typeof stored.version_hash === "string" ? stored.version_hash : "",
    engine_version: typeof stored.engine_version === "number"
      ? stored.engine_version
      : SCHEMA_ENGINE_VERSION,
    tables: data,
  };
  return schema;
}

function memoryTable(name: string, stored: Record<string, unknown>): Table {
  const { "x-merge-strategy": strategy, columns: storedColumns, ...rest } = stored;
  const table = { ...rest, name, columns: {} } as Table;
  if (typeof strategy === "string") table.merge_strategy = strategy as MergeStrategy;
  const source = storedColumns !== null && typeof storedColumns === "object"
    ? storedColumns as Record<string, Record<string, unknown>>
    : {};
  for (const [columnName, column] of Object.entries(source)) {
    if (column === null || typeof column !== "object") continue;
    const named = { ...column, name: columnName };
    if (typeof column.data_type === "string") {
      table.columns[columnName] = { nullable: true, ...named } as unknown as Column;
    } else {
      (table.incomplete_columns ??= {})[columnName] = named;
    }
  }
  return table;
}
