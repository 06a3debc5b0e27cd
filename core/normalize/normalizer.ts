/**
 * The streaming relational normalizer: turns nested JSON records into rows of a root table and
 * child tables, the way dlt's relational normalizer does, evolving the schema as it goes.
 *
 * @module
 */

import {
  childTables,
  type Column,
  DLT_ID,
  DLT_LIST_IDX,
  DLT_LOAD_ID,
  DLT_PARENT_ID,
  DLT_ROOT_ID,
  dltColumn,
  type MergeStrategy,
  type Schema,
  type SchemaContractSettings,
  type Table,
  VALUE_COLUMN,
} from "../schema/mod.ts";
import { isFloatToken, type Marked, NUMBER_MARKS, sortedJson } from "../json/mod.ts";
import type { ResourceInfo } from "../source/mod.ts";
import {
  activeContract,
  allowNewTable,
  countDiscard,
  DiscardRow,
  type RunContext,
} from "./_contract.ts";
import {
  applyColumnHints,
  applyTableHints,
  missingHintedColumns,
  resolveColumnHints,
} from "./_hints.ts";
import { type ClashContext, ClashStash, resolveClashes, RestartRow } from "./_collisions.ts";
import { childRowId, digestRowId, newRowId } from "./_ids.ts";
import { putValue, RowBuffer } from "./_put_value.ts";
import { type FieldNode, TableState } from "./_table_state.ts";
import { normalizePath, PATH_SEPARATOR, shortenIdentifier } from "./naming.ts";
import type { NameCollision } from "./name_collision.ts";

/** A change the normalizer made to the schema: a new table, or a new column of a table. */
export type SchemaChange =
  | { kind: "table"; table: string; parent?: string }
  | { kind: "column"; table: string; column: Column };

/** Rows and values a schema contract discarded in one table. */
export interface DiscardCounts {
  /** Rows dropped (`discard_row`, or the rows of a table that may not be created). */
  rows: number;
  /** Values dropped from rows that were kept (`discard_value`). */
  values: number;
}

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
  /**
   * Longest table and column name the destination takes (its `maxIdentifierLength`): longer
   * names are shortened as dlt's naming convention does, a child table's from its parent's
   * full path, a nested column's from its key path.
   * @default no limit
   */
  maxTableNameLength?: number;
  /** Called with each collision as it is found (it is also added to `collisions`). */
  onCollision?: (collision: NameCollision) => void;
  /**
   * The merge strategies the destination supports (dlt's `supported_merge_strategies`). With
   * none, a `merge` resource loads as `append` there, and, as in dlt, its rows get neither
   * `_dlt_root_id` nor key-derived `_dlt_id`s.
   * @default every strategy
   */
  mergeStrategies?: readonly MergeStrategy[];
}

type Row = Record<string, unknown>;
/** Lists met while flattening a row: node, items, node, items, ... */
type PendingLists = unknown[];
/** What a row's flattening gives when a schema contract discarded the row. */
const DISCARDED = Symbol("discarded");

/** Per-resource settings, computed once per resource. */
interface RootState {
  info: ResourceInfo;
  table: TableState;
  maxNesting: number;
  /**
   * Whether child rows get `_dlt_root_id`: with `merge`, and (as dlt's `requires_root_key`)
   * whenever a child table of the resource has that column already, whatever the write
   * disposition is now. Child rows without it would break that column's NOT NULL and, after
   * a later switch back to `merge`, the deletes that find child rows by it.
   */
  rootKey: boolean;
  /**
   * Primary key columns of a resource whose root rows get dlt's key-derived `_dlt_id` (merge
   * `upsert` and `insert-only`); `undefined` for random root ids.
   */
  keyHash: string[] | undefined;
  /** The schema contract to check, or `undefined` when every entity evolves. */
  contract: SchemaContractSettings | undefined;
}

const DEFAULT_MAX_NESTING = 1000;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

function sameResource(a: ResourceInfo, b: ResourceInfo): boolean {
  return a.tableName === b.tableName && a.writeDisposition === b.writeDisposition &&
    a.mergeStrategy === b.mergeStrategy && a.maxTableNesting === b.maxTableNesting &&
    sameKeys(a.primaryKey, b.primaryKey) && sameKeys(a.mergeKey, b.mergeKey) &&
    JSON.stringify(a.columns) === JSON.stringify(b.columns) &&
    JSON.stringify(a.schemaContract) === JSON.stringify(b.schemaContract) &&
    a.incrementalCursor === b.incrementalCursor;
}

/**
 * Normalizes records into relational rows, dlt-compatible:
 * - the root table is the snake_cased `tableName` of the resource; object fields flatten into
 *   `parent__child` columns; lists become child tables `<table>__<field>` (recursively), lists
 *   of scalars rows with a `value` column; a record that is not an object becomes a row with a
 *   `value` column;
 * - root rows get `_dlt_load_id` and a random `_dlt_id` (with merge `upsert` and
 *   `insert-only`, dlt's hash of the primary key: `digest128` of the key columns' values as
 *   sorted JSON); child rows `_dlt_parent_id`, `_dlt_list_idx` and dlt's `_dlt_id` derived
 *   from those (`digest128(f"{parent_id}_{table}_{index}", 10)`), plus `_dlt_root_id` with
 *   `merge` (on a destination that supports merging) and,
 *   as in dlt, ever after once a child table of the resource has that column (every child
 *   table of a merge resource gets it); a record's or list item's own non-empty `_dlt_id` is
 *   its row id, as in dlt, while other `_dlt_*` keys give way to the values set here;
 * - keys of one row that become the same column (`userName`, `user_name`; `{a: {b}}`,
 *   `a__b`) or child table (lists `a.b`, `a_b`) keep the value dlt keeps: the later key,
 *   except that a key inside a nested object wins over a plain one, and of two nested
 *   objects the earlier one's key (a `null` counts as a value). Each dropped value is
 *   reported in {@linkcode Normalizer.collisions} (and to `onCollision`) once per table and
 *   pair of keys; see _collisions.ts;
 * - past `max_table_nesting`, objects and lists are stored as `json`;
 * - nulls are not emitted, so a column that only saw nulls is not created; columns are typed by
 *   their first value (or by their `data_type` hint); later values are coerced to that type or
 *   go to a variant column `<col>__v_<type>`;
 * - the root table carries the resource's hints (`write_disposition`, `merge_strategy`,
 *   `schema_contract`, and the column hints of `columns`, `primaryKey` and `mergeKey`);
 * - a resource's `schemaContract` is enforced as dlt does: `tables` on a new child table,
 *   `columns` on a new column of a table that existed before this run (a new table takes the
 *   columns of its first data), `data_type` on a new variant column. The run that creates a
 *   resource's root table sets the baseline: its tables and columns are all accepted. `freeze` throws, `discard_row` drops the row (with its child rows; the
 *   parent row stays, as dlt discards per table), `discard_value` drops the value (or the rows
 *   of a table that may not be created). The root table of a resource is always created.
 *   Discarded data leaves the schema as it was; {@linkcode Normalizer.discarded} counts it.
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
  /** Rows and values dropped by schema contracts, per table name (only tables with drops). */
  readonly discarded: Record<string, DiscardCounts> = {};
  readonly #schema: Schema;
  readonly #loadId: string;
  readonly #defaultMaxNesting: number;
  readonly #onCollision: ((collision: NameCollision) => void) | undefined;
  readonly #roots = new Map<string, RootState>();
  readonly #tables = new Map<string, TableState>();
  readonly #maxTableName: number;
  readonly #mergeStrategies: readonly MergeStrategy[] | undefined;
  /** Unshortened table paths of shortened table names: their children's names start there. */
  readonly #fullPaths = new Map<string, string>();
  /** The record being normalized: its resource and contract, shared with the helpers. */
  readonly #run: RunContext = {
    changes: this.changes,
    discarded: this.discarded,
    resource: "",
    contract: undefined,
  };
  /**
   * Keys of one row that became the same column or child table, so that a value was dropped;
   * each once per table and pair of keys, in the order found.
   */
  readonly collisions: NameCollision[] = [];
  readonly #collisionKeys = new Set<string>();
  /** The row being built, reused for every row. */
  readonly #row = new RowBuffer();
  /** Values of colliding keys in the row being built, written when the row is complete. */
  readonly #clashes = new ClashStash();
  readonly #clashContext: ClashContext = {
    row: this.#row,
    run: this.#run,
    report: (collision) => {
      // Once per table and pair of keys, whichever of them came first in the record.
      const pair = [collision.kept ?? "", collision.dropped].sort();
      const key = [collision.table, collision.kind, ...pair].join("\0");
      if (this.#collisionKeys.has(key)) return;
      this.#collisionKeys.add(key);
      this.collisions.push(collision);
      this.#onCollision?.(collision);
    },
  };

  /**
   * @param schema The schema to evolve; mutated in place.
   * @param options Load id and default nesting limit.
   */
  constructor(schema: Schema, options: NormalizerOptions) {
    this.#schema = schema;
    this.#loadId = options.loadId;
    this.#defaultMaxNesting = options.maxTableNesting ?? DEFAULT_MAX_NESTING;
    this.#maxTableName = options.maxTableNameLength ?? 0;
    this.#onCollision = options.onCollision;
    this.#mergeStrategies = options.mergeStrategies;
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
   * @throws {DataError} When a value fits neither its column nor the variant column, is null
   * in a column that is not nullable (a primary key), or breaks a frozen schema contract.
   */
  normalize(record: unknown, resource: ResourceInfo, sink: RowSink): void {
    const root = this.#rootState(resource);
    const state = root.table;
    const run = this.#run;
    run.resource = resource.name;
    run.contract = root.contract;
    if (state.table === undefined) this.#createRootTable(root);
    this.#row.count = 0;
    const mark = this.changes.length;
    const discards = root.contract === undefined ? undefined : this.discarded[state.name]?.values;
    let pending: PendingLists | undefined;
    try {
      pending = this.#flattenRoot(state, record, root.maxNesting);
    } catch (err) {
      const again = () => this.#flattenRoot(state, record, root.maxNesting);
      const flattened = this.#recover(err, mark, discards, state, again);
      if (flattened === DISCARDED) return;
      pending = flattened;
    }
    // A record's own non-empty `_dlt_id` is its row id, as in dlt.
    const ownId = this.#clashes.ownId;
    const id = ownId ??
      (root.keyHash === undefined ? newRowId() : keyHashId(state, record, root.keyHash));
    this.#row.add(state.dltLoadId, this.#loadId);
    if (ownId === undefined) this.#row.add(state.dltId, id);
    else this.#clashes.ownId = undefined;
    if (!state.systemReady) {
      state.ensureDltColumn(DLT_LOAD_ID, this.changes);
      state.ensureDltColumn(DLT_ID, this.changes);
      markSeen(state.table!);
      state.systemReady = true;
    }
    sink(state.name, state.rows.build(this.#row.fields, this.#row.values, this.#row.count));
    if (pending !== undefined) {
      this.#childRows(state, pending, id, root.rootKey ? id : undefined, root.maxNesting, sink);
    }
  }

  #flattenRoot(state: TableState, record: unknown, level: number): PendingLists | undefined {
    const pending = typeof record === "object" && record !== null && !Array.isArray(record) &&
        !(record instanceof Date)
      ? this.#flatten(state, state.fields, undefined, record as Row, level, undefined)
      // dlt wraps anything else into `{value: record}`.
      : this.#flatten(state, state.fields, undefined, { [VALUE_COLUMN]: record }, level, undefined);
    return this.#clashes.entries.length === 0
      ? pending
      : resolveClashes(state, this.#clashes, pending, false, this.#clashContext);
  }

  /**
   * After flattening a row threw: undoes the row's schema changes, then builds the row again
   * when a key collision was found on the way (the colliding key's value may already be in
   * the row), or drops the row for a `discard_row` contract. Anything else is rethrown.
   *
   * @param discards Values the contract had discarded in the table before this row.
   */
  #recover(
    err: unknown,
    mark: number,
    discards: number | undefined,
    state: TableState,
    again: () => PendingLists | undefined,
  ): PendingLists | undefined | typeof DISCARDED {
    for (;;) {
      this.#rollback(mark);
      this.#row.count = 0;
      this.#clashes.clear();
      if (err === RestartRow.instance) {
        // The values the first attempt discarded are discarded (and counted) again.
        const counts = this.discarded[state.name];
        if (counts !== undefined) {
          counts.values = discards ?? 0;
          if (counts.rows === 0 && counts.values === 0) delete this.discarded[state.name];
        }
        try {
          return again();
        } catch (next) {
          err = next;
          continue;
        }
      }
      if (err !== DiscardRow.instance) throw err;
      countDiscard(this.#run, state.name, "rows");
      return DISCARDED;
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
    const original = resource.tableName || resource.name;
    const name = this.#tableName(normalizePath(original), original);
    const state = this.#tableState(name, undefined);
    state.hints = resolveColumnHints(resource);
    const strategy = this.#mergeStrategy(resource);
    const root: RootState = {
      info: resource,
      table: state,
      maxNesting: resource.maxTableNesting ?? this.#defaultMaxNesting,
      rootKey: strategy !== undefined || this.#hasRootKey(name),
      keyHash: strategy === "upsert" || strategy === "insert-only"
        ? [...state.hints].filter(([, hint]) => hint.primary_key).map(([column]) => column)
        : undefined,
      contract: activeContract(resource.schemaContract),
    };
    if (root.rootKey) this.#propagateRootKey(name);
    const existing = state.table;
    if (existing !== undefined) {
      // Hints may have changed since the table was created: the resource's are the truth.
      applyTableHints(existing, resource, root.contract);
      applyColumnHints(existing, state.hints);
      this.#addHintedColumns(root);
      if (root.rootKey) this.#addRootKeys(name);
    }
    this.#roots.set(resource.name, root);
    return root;
  }

  /**
   * The merge strategy the resource's rows are loaded with (dlt's `resolve_merge_strategy`):
   * `undefined` when it is not `merge`, or the destination supports no strategy (merge loads as
   * append there).
   */
  #mergeStrategy(resource: ResourceInfo): MergeStrategy | undefined {
    if (resource.writeDisposition !== "merge") return undefined;
    const supported = this.#mergeStrategies;
    if (supported !== undefined && supported.length === 0) return undefined;
    return resource.mergeStrategy ?? supported?.[0] ?? "delete-insert";
  }

  /**
   * Records in the schema's normalizer config that root table `name` passes its `_dlt_id` to
   * child rows as `_dlt_root_id`, as dlt's `extend_table` does for tables that need a root key.
   */
  #propagateRootKey(name: string): void {
    const normalizers = this.#schema.normalizers;
    if (normalizers === undefined) return;
    const config = normalizers.json.config ??= {};
    const propagation = config.propagation ??= {};
    const tables = propagation.tables ??= {};
    if (tables[name]?.[DLT_ID] !== DLT_ROOT_ID) tables[name] = { [DLT_ID]: DLT_ROOT_ID };
  }

  /** Whether a child table of root table `name` has a `root_key` column. */
  #hasRootKey(name: string): boolean {
    if (this.#schema.tables[name] === undefined) return false;
    return childTables(this.#schema, name).some((table) =>
      Object.values(table.columns).some((column) => column.root_key)
    );
  }

  /**
   * Gives every child table of root table `name` the `_dlt_root_id` column, also those that
   * get no rows in this run: a merge finds the child rows to delete by it (the destination
   * fills it in rows loaded before, see the DuckDB merge).
   */
  #addRootKeys(name: string): void {
    for (const table of childTables(this.#schema, name)) {
      const columns = Object.values(table.columns);
      if (columns.length === 0 || table.columns[DLT_ROOT_ID] !== undefined) continue;
      if (columns.some((column) => column.root_key)) continue;
      const column = dltColumn(DLT_ROOT_ID);
      table.columns[DLT_ROOT_ID] = column;
      this.changes.push({ kind: "column", table: table.name, column });
    }
  }

  /** Creates the root table of a resource, with its hints and hinted columns. */
  #createRootTable(root: RootState): void {
    const table = root.table.ensureTable(this.#schema, this.changes);
    applyTableHints(table, root.info, root.contract);
    this.#addHintedColumns(root);
  }

  /** Adds the columns with a `data_type` hint that the root table lacks. */
  #addHintedColumns(root: RootState): void {
    const state = root.table;
    const columnsMode = state.isNew || root.contract === undefined
      ? "evolve"
      : root.contract.columns;
    const missing = missingHintedColumns(state.table!, state.hints!, columnsMode, root.info.name);
    for (const column of missing) state.addColumn(column, this.changes);
  }

  /**
   * Takes the columns added since `mark` out of the schema again: the row that added them was
   * discarded (or broke a frozen contract), and discarded data must not change the schema.
   */
  #rollback(mark: number): void {
    if (this.changes.length === mark) return;
    const removed = new Set<Column>();
    const touched = new Set<TableState>();
    for (const change of this.changes.splice(mark)) {
      // Tables are created before a row's mark is taken; only columns come after it.
      if (change.kind !== "column") continue;
      delete this.#schema.tables[change.table].columns[change.column.name];
      removed.add(change.column);
      touched.add(this.#tables.get(change.table)!);
    }
    for (const state of touched) state.forgetColumns(removed);
  }

  /** `path`, shortened to the destination's limit from `original` (dlt's tag). */
  #tableName(path: string, original: string): string {
    const name = shortenIdentifier(path, original, this.#maxTableName);
    if (name !== path) this.#fullPaths.set(name, path);
    return name;
  }

  /** dlt's `shorten_fragments(*parent_path, field)`: from the parent's full path. */
  #childTableName(parent: string, field: string): string {
    const path = (this.#fullPaths.get(parent) ?? parent) + PATH_SEPARATOR + field;
    return this.#tableName(path, path);
  }

  #tableState(name: string, parent: TableState | undefined): TableState {
    let state = this.#tables.get(name);
    if (state === undefined) {
      state = new TableState(name, parent, this.#schema.tables[name], this.#maxTableName);
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
    /** Nested objects met: node, object, node, object, ... */
    let nested: unknown[] | undefined;
    // Keys of numbers the JSON text wrote as floats (`1.0`), on parsed objects that have any.
    let floats = (obj as Marked)[NUMBER_MARKS];
    if (floats !== undefined && floats.length === 0) floats = undefined;
    for (const key in obj) {
      const value = obj[key];
      let node: FieldNode;
      if (previous !== undefined && previous.nextKey === key) {
        node = previous.nextNode!;
      } else {
        node = fields.get(key) ?? this.#newNode(state, fields, key, prefix);
        if (node.clash !== undefined) {
          // Never cached as a successor, so colliding keys always come this way.
          previous = node;
          if (this.#holdBack(node, value, level, floats?.includes(key) ?? false)) continue;
        } else if (previous !== undefined) {
          previous.nextKey = key;
          previous.nextNode = node;
        }
      }
      previous = node;
      if (value === null || value === undefined) {
        if (node.column !== undefined && !node.column.nullable) {
          // Thrown once the row is complete: a later key of the same name may replace it.
          this.#clashes.entries.push(node, value, false, false);
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
          (nested ??= []).push(node, value);
        }
        continue;
      }
      putValue(state, node, value, this.#row, this.#run, floats?.includes(key));
    }
    // dlt flattens an object's nested objects after its plain keys, the last one first (a
    // stack): columns, child tables and the values kept on a name collision follow its order.
    if (nested !== undefined) {
      for (let i = nested.length - 2; i >= 0; i -= 2) {
        const node = nested[i] as FieldNode;
        node.sub ??= new Map();
        pending = this.#flatten(state, node.sub, node, nested[i + 1] as Row, level - 1, pending);
      }
    }
    return pending;
  }

  /**
   * The node of a key met for the first time. When its name makes an older node collide, that
   * node's value may already be in the row (written the fast way): the row starts over.
   */
  #newNode(
    state: TableState,
    fields: Map<string, FieldNode>,
    key: string,
    prefix: FieldNode | undefined,
  ): FieldNode {
    const flagged = state.flaggedExisting;
    const node = state.node(fields, key, prefix);
    if (state.flaggedExisting !== flagged) throw RestartRow.instance;
    return node;
  }

  /**
   * Holds back the value of a colliding key until the row is complete (see _collisions.ts);
   * `false` for a nested object, which is flattened as usual.
   */
  #holdBack(node: FieldNode, value: unknown, level: number, float: boolean): boolean {
    let isList = false;
    if (
      typeof value === "object" && value !== null && level > 0 && !(value instanceof Date) &&
      node.column?.data_type !== "json"
    ) {
      if (!Array.isArray(value)) return false;
      isList = true;
    }
    this.#clashes.entries.push(node, value, isList, float);
    return true;
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
    const run = this.#run;
    const checked = run.contract !== undefined;
    for (let p = 0; p < pending.length; p += 2) {
      const node = pending[p] as FieldNode;
      const items = pending[p + 1] as unknown[];
      const floats = (items as Marked)[NUMBER_MARKS];
      const state = node.childTable ??= this.#tableState(
        this.#childTableName(parent.name, node.name),
        parent,
      );
      if (state.table === undefined) {
        if (checked && !allowNewTable(state, parent, node, items, run)) continue;
        state.ensureTable(this.#schema, this.changes);
      }
      for (let index = 0; index < items.length; index++) {
        const item = items[index];
        // A list in a list: dlt adds an intermediate row holding it as `list`, one level down.
        const rowLevel = Array.isArray(item) ? level - 1 : level;
        let lists: PendingLists | undefined;
        this.#row.count = 0;
        const mark = this.changes.length;
        const discards = checked ? this.discarded[state.name]?.values : undefined;
        const float = floats?.includes(`${index}`);
        try {
          lists = this.#flattenItem(state, item, rowLevel, rootId !== undefined, float);
        } catch (err) {
          const again = () => this.#flattenItem(state, item, rowLevel, rootId !== undefined, float);
          const flattened = this.#recover(err, mark, discards, state, again);
          if (flattened === DISCARDED) continue;
          lists = flattened;
        }
        const ownId = this.#clashes.ownId;
        let id: string;
        if (ownId === undefined) {
          id = childRowId(parentId, state.name, index);
        } else {
          id = ownId;
          this.#clashes.ownId = undefined;
        }
        this.#linkRow(state, rootId, parentId, index, id, ownId === undefined);
        sink(state.name, state.rows.build(this.#row.fields, this.#row.values, this.#row.count));
        if (lists !== undefined) this.#childRows(state, lists, id, rootId, rowLevel, sink);
      }
    }
  }

  /** Puts one list item into the row being built; returns the lists it holds. */
  #flattenItem(
    state: TableState,
    item: unknown,
    level: number,
    hasRootId: boolean,
    float?: boolean,
  ): PendingLists | undefined {
    if (typeof item === "object" && item !== null && !(item instanceof Date)) {
      const pending = Array.isArray(item)
        ? this.#flatten(state, state.fields, undefined, { list: item }, level, undefined)
        : this.#flatten(state, state.fields, undefined, item as Row, level, undefined);
      return this.#clashes.entries.length === 0
        ? pending
        : resolveClashes(state, this.#clashes, pending, hasRootId, this.#clashContext);
    }
    if (item !== null && item !== undefined) {
      const node = state.fields.get(VALUE_COLUMN) ??
        state.node(state.fields, VALUE_COLUMN, undefined);
      putValue(state, node, item, this.#row, this.#run, float);
    }
    return undefined;
  }

  /**
   * Adds the system columns of a child row, in dlt's order; `_dlt_id` only when `addId` (not
   * when the item carried its own). dlt leaves out the parent link of an item with its own
   * `_dlt_id` too, which then breaks their NOT NULL at load: dltx links it.
   */
  #linkRow(
    state: TableState,
    rootId: string | undefined,
    parentId: string,
    index: number,
    id: string,
    addId: boolean,
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
    if (addId) this.#row.add(state.dltId, id);
    if (!state.systemReady) {
      state.ensureDltColumn(DLT_PARENT_ID, this.changes);
      state.ensureDltColumn(DLT_LIST_IDX, this.changes);
      state.ensureDltColumn(DLT_ID, this.changes);
      markSeen(state.table!);
      state.systemReady = true;
    }
  }
}

/**
 * dlt's `_dlt_id` of a root row of a merge `upsert` or `insert-only` resource (its `key_hash`
 * row id type): `digest128` (10 bytes) of `{<key column>: <value>}` as sorted compact JSON,
 * the values as the data had them (before any type coercion). Rows of the same key get the
 * same id, and so do their child rows.
 *
 * @param keys the primary key column names.
 */
function keyHashId(state: TableState, record: unknown, keys: readonly string[]): string {
  let text = "{";
  const sorted = keys.length > 1 ? [...keys].sort() : keys;
  for (let i = 0; i < sorted.length; i++) {
    const found = { value: null as unknown, float: false };
    if (typeof record === "object" && record !== null && !Array.isArray(record)) {
      findValue(state.fields, record as Row, sorted[i], found);
    }
    if (i > 0) text += ",";
    text += `${JSON.stringify(sorted[i])}:${sortedJson(found.value, found.float)}`;
  }
  return digestRowId(`${text}}`);
}

/**
 * The raw value of column `column` in `obj` (flattened through nested objects), as the
 * normalizer's field nodes name the keys; the last key of that name wins.
 */
function findValue(
  fields: Map<string, FieldNode>,
  obj: Row,
  column: string,
  found: { value: unknown; float: boolean },
): void {
  for (const key in obj) {
    const node = fields.get(key);
    if (node === undefined) continue;
    const value = obj[key];
    if (node.name === column) {
      found.value = value ?? null;
      found.float = isFloatToken(obj, key);
    } else if (
      node.sub !== undefined && typeof value === "object" && value !== null &&
      !Array.isArray(value) && column.startsWith(node.name + PATH_SEPARATOR)
    ) {
      findValue(node.sub, value as Row, column, found);
    }
  }
}

/** dlt's mark on a table that received rows: `x-normalizer: {seen-data: true}`. */
function markSeen(table: Table): void {
  const marks = table["x-normalizer"];
  if (marks === undefined) table["x-normalizer"] = { "seen-data": true };
  else if (marks["seen-data"] !== true) marks["seen-data"] = true;
}
