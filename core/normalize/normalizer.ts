/**
 * The streaming relational normalizer: turns nested JSON records into rows of a root table and
 * child tables, the way dlt's relational normalizer does, evolving the schema as it goes.
 *
 * @module
 */

import {
  type Column,
  DLT_ID,
  DLT_LIST_IDX,
  DLT_LOAD_ID,
  DLT_PARENT_ID,
  DLT_ROOT_ID,
  type Schema,
  type Table,
  VALUE_COLUMN,
} from "../schema/mod.ts";
import type { ResourceInfo } from "../source/mod.ts";
import { childRowId, newRowId } from "./_ids.ts";
import { nullValueError, putValue, RowBuffer } from "./_put_value.ts";
import { type FieldNode, TableState } from "./_table_state.ts";
import { normalizePath, PATH_SEPARATOR } from "./naming.ts";

/** A change the normalizer made to the schema: a new table, or a new column of a table. */
export type SchemaChange =
  | { kind: "table"; table: string; parent?: string }
  | { kind: "column"; table: string; column: Column };

/** Receives each normalized row: the table name and the row (column name -> value). */
export type RowSink = (table: string, row: Record<string, unknown>) => void;

/** Options of a {@linkcode Normalizer}. */
export interface NormalizerOptions {
  /** Load id written to `_dlt_load_id` of every root row. */
  loadId: string;
  /**
   * Nesting depth below which nested objects and lists are stored as `json` instead of being
   * flattened or split into child tables; 0 means no child tables at all. A resource's own
   * `maxTableNesting` takes precedence.
   * @default 1000
   */
  maxTableNesting?: number;
}

type Row = Record<string, unknown>;
/** Lists met while flattening a row: node, items, node, items, ... */
type PendingLists = unknown[];

/** Per-resource settings, computed once per resource. */
interface RootState {
  info: ResourceInfo;
  table: TableState;
  maxNesting: number;
  merge: boolean;
}

const DEFAULT_MAX_NESTING = 1000;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

function sameResource(a: ResourceInfo, b: ResourceInfo): boolean {
  return a.tableName === b.tableName && a.writeDisposition === b.writeDisposition &&
    a.maxTableNesting === b.maxTableNesting && sameKeys(a.primaryKey, b.primaryKey) &&
    sameKeys(a.mergeKey, b.mergeKey);
}

/**
 * Normalizes records into relational rows, dlt-compatible:
 * - the root table is the snake_cased `tableName` of the resource; object fields flatten into
 *   `parent__child` columns; lists become child tables `<table>__<field>` (recursively), lists
 *   of scalars rows with a `value` column; a record that is not an object becomes a row with a
 *   `value` column;
 * - root rows get `_dlt_load_id` and a random `_dlt_id`; child rows `_dlt_parent_id`,
 *   `_dlt_list_idx` and an `_dlt_id` derived from those (plus `_dlt_root_id` with `merge`);
 * - past `max_table_nesting`, objects and lists are stored as `json`;
 * - nulls are not emitted, so a column that only saw nulls is not created; columns are typed by
 *   their first value; later values are coerced to that type or go to a variant column
 *   `<col>__v_<type>`.
 *
 * The schema passed in is updated in place (new tables and columns, in creation order);
 * {@linkcode Normalizer.changes} lists what appeared. Memory stays flat: besides the schema,
 * only caches of names per key path are kept.
 *
 * @example Usage
 * ```ts
 * import { Normalizer } from "./normalizer.ts";
 * import { newSchema } from "../schema/mod.ts";
 *
 * const schema = newSchema("demo");
 * const normalizer = new Normalizer(schema, { loadId: "1700000000.1" });
 * const resource = {
 *   name: "issues", tableName: "issues", writeDisposition: "append" as const,
 *   primaryKey: ["id"], mergeKey: [], selected: true,
 * };
 * const rows: [string, Record<string, unknown>][] = [];
 * normalizer.normalize(
 *   { id: 1, user: { login: "octocat" }, labels: [{ name: "bug" }] },
 *   resource,
 *   (table, row) => rows.push([table, row]),
 * );
 * // rows: issues {id, user__login, _dlt_load_id, _dlt_id}, issues__labels {name, ...}
 * ```
 */
export class Normalizer {
  /** Tables and columns added to the schema by this normalizer, in order. */
  readonly changes: SchemaChange[] = [];
  readonly #schema: Schema;
  readonly #loadId: string;
  readonly #defaultMaxNesting: number;
  readonly #roots = new Map<string, RootState>();
  readonly #tables = new Map<string, TableState>();
  /** Resource of the record being normalized, for error messages. */
  #resource = "";
  /** The row being built, reused for every row. */
  readonly #row = new RowBuffer();

  /**
   * @param schema The schema to evolve; mutated in place.
   * @param options Load id and default nesting limit.
   */
  constructor(schema: Schema, options: NormalizerOptions) {
    this.#schema = schema;
    this.#loadId = options.loadId;
    this.#defaultMaxNesting = options.maxTableNesting ?? DEFAULT_MAX_NESTING;
  }

  /** Names of the tables this normalizer created. */
  get newTables(): string[] {
    return this.changes.flatMap((c) => c.kind === "table" ? [c.table] : []);
  }

  /** Columns this normalizer created, with their tables. */
  get newColumns(): { table: string; column: Column }[] {
    return this.changes.flatMap((c) =>
      c.kind === "column" ? [{ table: c.table, column: c.column }] : []
    );
  }

  /**
   * Normalizes one record of `resource` and hands every resulting row to `sink`: the root row
   * first, then the rows of its child tables, depth first.
   *
   * @param record The record (any JSON value).
   * @param resource The resource the record belongs to.
   * @param sink Receives `(table, row)` per row; values are already coerced to column types.
   * @throws {DataError} When a value fits neither its column nor the variant column, or is null
   * in a column that is not nullable (a primary key).
   */
  normalize(record: unknown, resource: ResourceInfo, sink: RowSink): void {
    const root = this.#rootState(resource);
    const state = root.table;
    this.#resource = resource.name;
    if (state.table === undefined) state.ensureTable(this.#schema, this.changes);
    this.#row.count = 0;
    const pending = typeof record === "object" && record !== null && !Array.isArray(record) &&
        !(record instanceof Date)
      ? this.#flatten(state, state.fields, undefined, record as Row, root.maxNesting, undefined)
      // dlt wraps anything else into `{value: record}`.
      : this.#flatten(
        state,
        state.fields,
        undefined,
        { [VALUE_COLUMN]: record },
        root.maxNesting,
        undefined,
      );
    const id = newRowId();
    this.#row.add(state.dltLoadId, this.#loadId);
    this.#row.add(state.dltId, id);
    if (!state.systemReady) {
      state.ensureDltColumn(DLT_LOAD_ID, this.changes);
      state.ensureDltColumn(DLT_ID, this.changes);
      state.systemReady = true;
    }
    sink(state.name, state.rows.build(this.#row.fields, this.#row.values, this.#row.count));
    if (pending !== undefined) {
      this.#childRows(state, pending, id, root.merge ? id : undefined, root.maxNesting, sink);
    }
  }

  #rootState(resource: ResourceInfo): RootState {
    const known = this.#roots.get(resource.name);
    if (known !== undefined) {
      if (known.info === resource) return known;
      if (sameResource(known.info, resource)) {
        known.info = resource;
        return known;
      }
    }
    const name = normalizePath(resource.tableName || resource.name);
    const state = this.#tableState(name, undefined);
    state.resource = resource.name;
    state.writeDisposition = resource.writeDisposition;
    state.primaryKey = new Set(resource.primaryKey.map(normalizePath));
    state.mergeKey = new Set(resource.mergeKey.map(normalizePath));
    const existing = state.table;
    if (existing !== undefined) this.#applyRootHints(state, existing);
    const root: RootState = {
      info: resource,
      table: state,
      maxNesting: resource.maxTableNesting ?? this.#defaultMaxNesting,
      merge: resource.writeDisposition === "merge",
    };
    this.#roots.set(resource.name, root);
    return root;
  }

  /** Brings the hints of a root table that already exists up to date with its resource. */
  #applyRootHints(state: TableState, table: Table): void {
    table.resource = state.resource;
    table.write_disposition = state.writeDisposition;
    for (const column of Object.values(table.columns)) {
      if (state.primaryKey.has(column.name) && !column.primary_key) {
        column.primary_key = true;
        column.nullable = false;
      }
      if (state.mergeKey.has(column.name) && !column.merge_key) column.merge_key = true;
    }
  }

  #tableState(name: string, parent: string | undefined): TableState {
    let state = this.#tables.get(name);
    if (state === undefined) {
      state = new TableState(name, parent, this.#schema.tables[name]);
      this.#tables.set(name, state);
    }
    return state;
  }

  /**
   * Flattens the object `obj` into the row being built. `level` counts down from the nesting
   * limit: at 0 and below, objects and lists are kept as `json` values. Returns the lists met,
   * to be turned into child rows once the row itself is complete (dlt emits parents first).
   */
  #flatten(
    state: TableState,
    fields: Map<string, FieldNode>,
    prefix: FieldNode | undefined,
    obj: Row,
    level: number,
    pending: PendingLists | undefined,
  ): PendingLists | undefined {
    let previous: FieldNode | undefined;
    for (const key in obj) {
      const value = obj[key];
      let node: FieldNode;
      if (previous !== undefined && previous.nextKey === key) {
        node = previous.nextNode!;
      } else {
        node = fields.get(key) ?? state.node(fields, key, prefix);
        if (previous !== undefined) {
          previous.nextKey = key;
          previous.nextNode = node;
        }
      }
      previous = node;
      if (value === null || value === undefined) {
        if (node.column !== undefined && !node.column.nullable) {
          throw nullValueError(state, node, this.#resource);
        }
        continue;
      }
      if (
        typeof value === "object" && level > 0 && !(value instanceof Date) &&
        node.column?.data_type !== "json"
      ) {
        if (Array.isArray(value)) {
          if (value.length > 0) (pending ??= []).push(node, value);
        } else {
          node.sub ??= new Map();
          pending = this.#flatten(state, node.sub, node, value as Row, level - 1, pending);
        }
        continue;
      }
      putValue(state, node, value, this.#row, this.changes, this.#resource);
    }
    return pending;
  }

  /** Emits the child rows of the lists of one row, then recurses into their own lists. */
  #childRows(
    parent: TableState,
    pending: PendingLists,
    parentId: string,
    rootId: string | undefined,
    parentLevel: number,
    sink: RowSink,
  ): void {
    const level = parentLevel - 1;
    for (let p = 0; p < pending.length; p += 2) {
      const node = pending[p] as FieldNode;
      const items = pending[p + 1] as unknown[];
      const state = node.childTable ??= this.#tableState(
        parent.name + PATH_SEPARATOR + node.name,
        parent.name,
      );
      if (state.table === undefined) state.ensureTable(this.#schema, this.changes);
      for (let index = 0; index < items.length; index++) {
        const item = items[index];
        let rowLevel = level;
        let lists: PendingLists | undefined;
        this.#row.count = 0;
        if (typeof item === "object" && item !== null && !(item instanceof Date)) {
          if (Array.isArray(item)) {
            // A list in a list: dlt adds an intermediate row holding it as `list`, one level down.
            rowLevel = level - 1;
            lists = this.#flatten(
              state,
              state.fields,
              undefined,
              { list: item },
              rowLevel,
              undefined,
            );
          } else {
            lists = this.#flatten(state, state.fields, undefined, item as Row, rowLevel, undefined);
          }
        } else if (item !== null && item !== undefined) {
          const node = state.fields.get(VALUE_COLUMN) ??
            state.node(state.fields, VALUE_COLUMN, undefined);
          putValue(state, node, item, this.#row, this.changes, this.#resource);
        }
        const id = childRowId(parentId, state.name, index);
        this.#linkRow(state, rootId, parentId, index, id);
        sink(state.name, state.rows.build(this.#row.fields, this.#row.values, this.#row.count));
        if (lists !== undefined) this.#childRows(state, lists, id, rootId, rowLevel, sink);
      }
    }
  }

  /** Adds the system columns of a child row, in dlt's order. */
  #linkRow(
    state: TableState,
    rootId: string | undefined,
    parentId: string,
    index: number,
    id: string,
  ): void {
    if (rootId !== undefined) {
      this.#row.add(state.dltRootId, rootId);
      if (!state.rootIdReady) {
        state.ensureDltColumn(DLT_ROOT_ID, this.changes);
        state.rootIdReady = true;
      }
    }
    this.#row.add(state.dltParentId, parentId);
    this.#row.add(state.dltListIdx, index);
    this.#row.add(state.dltId, id);
    if (!state.systemReady) {
      state.ensureDltColumn(DLT_PARENT_ID, this.changes);
      state.ensureDltColumn(DLT_LIST_IDX, this.changes);
      state.ensureDltColumn(DLT_ID, this.changes);
      state.systemReady = true;
    }
  }
}
