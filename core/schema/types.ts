/**
 * The table/column model, laid out as dlt stores its schema (`tables.<name>.columns.<col>`),
 * so a stored dltx schema reads like a dlt one.
 *
 * @module
 */

/** Column data types, with dlt's names. */
export type DataType =
  | "text"
  | "bigint"
  | "double"
  | "bool"
  | "timestamp"
  | "date"
  | "json"
  | "decimal";

/** Every data type, in the order variant columns prefer them. */
export const DATA_TYPES: readonly DataType[] = [
  "text",
  "bigint",
  "double",
  "bool",
  "timestamp",
  "date",
  "json",
  "decimal",
];

/** How a resource's rows are written. */
export type WriteDisposition = "append" | "replace" | "merge";

/** One column of a table. */
export interface Column {
  /** The column's name, normalized. */
  name: string;
  /** Its data type. */
  data_type: DataType;
  /** Whether it may hold null. */
  nullable: boolean;
  /** Part of the primary key. */
  primary_key?: boolean;
  /** Part of the merge key. */
  merge_key?: boolean;
  /** Unique in the table (`_dlt_id`). */
  unique?: boolean;
  /** The row's own key (`_dlt_id`). */
  row_key?: boolean;
  /** The key of the parent row, in child tables (`_dlt_parent_id`). */
  parent_key?: boolean;
  /** Set on `_dlt_root_id`: the root row's `_dlt_id` in child tables of merge resources. */
  root_key?: boolean;
  /** Set on `<col>__v_<type>` columns that hold values not fitting `<col>`'s type. */
  variant?: boolean;
  /** Merge: a row whose value here is true (or not null, for non-bool columns) is deleted. */
  hard_delete?: boolean;
  /** Merge: among rows with the same primary key, keep the one sorting first this way. */
  dedup_sort?: "asc" | "desc";
  /**
   * `decimal` columns: total digits (dlt's hint). Integers past int64 get `decimal` columns
   * with precision 38 and scale 0.
   * @default {DEFAULT_DECIMAL_PRECISION}
   */
  precision?: number;
  /** `decimal` columns: digits after the point. @default {DEFAULT_DECIMAL_SCALE} */
  scale?: number;
  /** The cursor column of the resource's incremental (dlt's hint). */
  incremental?: boolean;
  /** Other hints, as dlt allows them (`x-` prefixed); kept as they are. */
  [hint: `x-${string}`]: unknown;
}

/** dlt's precision of a `decimal` column without a `precision` hint. */
export const DEFAULT_DECIMAL_PRECISION = 38;
/** dlt's scale of a `decimal` column without hints. */
export const DEFAULT_DECIMAL_SCALE = 9;

/** What a schema contract does when data would change the schema (dlt's modes). */
export type ContractMode = "evolve" | "freeze" | "discard_row" | "discard_value";

/** A schema contract per entity, as dlt resolves it (a bare mode applies to all three). */
export interface SchemaContractSettings {
  /** Whether new tables may appear. */
  tables: ContractMode;
  /** Whether new columns may appear. */
  columns: ContractMode;
  /** Whether a value of another type may enter a column (as a variant column). */
  data_type: ContractMode;
}

/** Merge strategies (dlt's `write_disposition: {disposition: merge, strategy}`). */
export type MergeStrategy = "delete-insert" | "upsert" | "insert-only";

/** One table; a child table names its parent. */
export interface Table {
  /** The table's name, normalized. */
  name: string;
  /** Columns in creation order (object key order is kept). */
  columns: Record<string, Column>;
  /** Parent table of a child table (`orders` for `orders__items`). */
  parent?: string;
  /** Root tables only: the resource that produces it. */
  resource?: string;
  /** Root tables only; child tables follow their root. */
  write_disposition?: WriteDisposition;
  /** Root tables with write disposition `merge`. @default "delete-insert" */
  merge_strategy?: MergeStrategy;
  /** Root tables only: the contract new data is checked against. @default all "evolve" */
  schema_contract?: SchemaContractSettings;
  /** What the table holds. */
  description?: string;
  /** dlt's file format hint (`jsonl`, `parquet`, ...) of a table dlt created; kept as is. */
  file_format?: string;
  /**
   * Columns with hints but no data type yet, from a schema dlt stored (dlt keeps such columns
   * until data arrives); stored back as they are, never created in a destination.
   */
  incomplete_columns?: Record<string, Record<string, unknown>>;
  /** dlt's normalizer marks: `{"seen-data": true}` once rows went into the table. */
  "x-normalizer"?: Record<string, unknown>;
  /** Other hints, as dlt allows them (`x-` prefixed); kept as they are. */
  [hint: `x-${string}`]: unknown;
}

/** dlt's schema `settings`: type detections and default column hints by name pattern. */
export interface SchemaSettings {
  /** Type detections dlt runs on new columns (`iso_timestamp`, ...). */
  detections?: string[];
  /** Column hints given by name pattern: `{not_null: ["_dlt_id", ...]}`. */
  default_hints?: Record<string, string[]>;
  /** Other settings dlt may add; kept as they are. */
  [key: string]: unknown;
}

/** dlt's `normalizers`: the naming convention and the JSON normalizer with its config. */
export interface NormalizersConfig {
  /** The naming convention's module (`snake_case`). */
  names: string;
  /** The JSON normalizer's module and its config. */
  json: {
    /** `dlt.common.normalizers.json.relational`. */
    module: string;
    config?: {
      /** Columns copied into child rows: `tables.<root>.{_dlt_id: _dlt_root_id}`. */
      propagation?: {
        root?: Record<string, string>;
        tables?: Record<string, Record<string, string>>;
      };
      [key: string]: unknown;
    };
  };
  /** Other normalizer settings dlt may add; kept as they are. */
  [key: string]: unknown;
}

/**
 * A schema: the tables of one source, versioned. `tables` holds the data tables only; dlt's
 * `_dlt_*` tables are added when the schema is stored (see `stored.ts`).
 */
export interface Schema {
  /** The schema's name: the source's name. */
  name: string;
  /** Increases by one with every change of the content. */
  version: number;
  /** dlt's content hash of the stored schema (base64 SHA3-256), see `version.ts`. */
  version_hash: string;
  /** Version of the stored schema's format (dlt's engine version). */
  engine_version: number;
  /** The tables by name, root tables before their children. */
  tables: Record<string, Table>;
  /** dlt's settings. @default {DEFAULT_SETTINGS} */
  settings?: SchemaSettings;
  /** dlt's normalizers. @default {DEFAULT_NORMALIZERS} */
  normalizers?: NormalizersConfig;
  /** The hashes of the last versions before this one, newest first (at most 10). */
  previous_hashes?: string[];
  /** A free text, as dlt's schema may have. */
  description?: string;
}

/** dlt's schema engine version that dltx's stored schema corresponds to. */
export const SCHEMA_ENGINE_VERSION = 11;

/** Names of the destination system tables. */
export const LOADS_TABLE = "_dlt_loads";
/** Name of the table of the stored schema versions. */
export const VERSION_TABLE = "_dlt_version";
/** Name of the table of the stored pipeline states. */
export const STATE_TABLE = "_dlt_pipeline_state";
