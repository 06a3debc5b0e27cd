/**
 * Per-table state of a normalizer run: the schema table and a tree of field nodes that caches,
 * per key path, the normalized column name, the resolved column, variants and child tables.
 * Keys repeat across records, so after the first records no name is normalized and no column
 * is looked up again.
 *
 * @module
 */

import {
  type Column,
  type DataType,
  DLT_ID,
  DLT_LIST_IDX,
  DLT_LOAD_ID,
  DLT_PARENT_ID,
  DLT_ROOT_ID,
  dltColumn,
  type DltColumnName,
} from "../schema/mod.ts";
import type { Schema, Table } from "../schema/mod.ts";
import { ClashGroup, systemColumnOf } from "./_collisions.ts";
import type { ColumnHints } from "./_hints.ts";
import { newHintedColumn } from "./_hints.ts";
import { RowBuilder } from "./_row_shapes.ts";
import { normalizePath, PATH_SEPARATOR, shortenIdentifier } from "./naming.ts";
import type { SchemaChange } from "./normalizer.ts";

/** One key path of a table: a column, a nested object, or a list (child table). */
export class FieldNode {
  /** Column name: the normalized key path joined by `__` (shortened to the destination's limit). */
  readonly name: string;
  /**
   * The key path before the whole was shortened (each key shortened on its own), which dlt
   * shortens nested names from: `name` unless the destination's limit cut it.
   */
  readonly path: string;
  /** Whether this is a `<col>__v_<type>` variant column. */
  readonly variant: boolean;
  /** The column, once it exists in the table. */
  column: Column | undefined;
  /** Nodes of a nested object's keys. */
  sub: Map<string, FieldNode> | undefined = undefined;
  /** The child table lists at this path go to. */
  childTable: TableState | undefined = undefined;
  /** Variant columns by the type of the value that did not fit. */
  variants: Map<DataType, FieldNode> | undefined = undefined;
  /**
   * The key that followed this one in the last object, and its node: records mostly repeat
   * their key order, so this spares most map lookups.
   */
  nextKey: string | undefined = undefined;
  nextNode: FieldNode | undefined = undefined;
  /** The key of the data this node stands for (data nodes only). */
  key: string | undefined = undefined;
  /** The node of the object holding this key; `undefined` at the top level of a row. */
  parentNode: FieldNode | undefined = undefined;
  /**
   * Set when another key of the table normalizes to the same name, or the name is a system
   * column the normalizer writes: such nodes are never cached as `nextNode`, so the flattening
   * loop meets them on its slow path and holds their values back (see _collisions.ts).
   */
  clash: ClashGroup | undefined = undefined;

  constructor(name: string, variant: boolean, column: Column | undefined, path = name) {
    this.name = name;
    this.variant = variant;
    this.column = column;
    this.path = path;
  }
}

/** State of one table (root or child) during a normalizer run. */
export class TableState {
  readonly name: string;
  /** Parent table name, for child tables. */
  readonly parent: string | undefined;
  /** The root table's state (this one for a root table). */
  readonly root: TableState;
  /** The schema table; created with the first row. */
  table: Table | undefined;
  /**
   * Whether the table is new in this run (created now, or without any column yet): it takes
   * any new column whatever the contract, as dlt lets a new table evolve its columns once.
   */
  isNew: boolean;
  /** Nodes of the top-level keys of this table's rows. */
  readonly fields = new Map<string, FieldNode>();
  /** Root tables: the resource's column hints, applied to columns as they are created. */
  hints: ColumnHints | undefined = undefined;
  /** Whether the system columns of this table's rows exist. */
  systemReady = false;
  rootIdReady = false;
  /**
   * Counts nodes that joined a {@linkcode ClashGroup} after they were created: values of such
   * a node in the row being built went the fast path and the row must be built again.
   */
  flaggedExisting = 0;
  /** The first data node of each name, to find keys that collide. */
  readonly #byName = new Map<string, FieldNode>();
  /** Builds this table's row objects. */
  readonly rows = new RowBuilder();
  /** Nodes of the system columns, used like data nodes when rows are built. */
  readonly dltId: FieldNode = new FieldNode(DLT_ID, false, undefined);
  readonly dltLoadId: FieldNode = new FieldNode(DLT_LOAD_ID, false, undefined);
  readonly dltParentId: FieldNode = new FieldNode(DLT_PARENT_ID, false, undefined);
  readonly dltListIdx: FieldNode = new FieldNode(DLT_LIST_IDX, false, undefined);
  readonly dltRootId: FieldNode = new FieldNode(DLT_ROOT_ID, false, undefined);
  /** Longest column name the destination takes; 0 for no limit. */
  readonly #maxName: number;

  /**
   * @param name Table name.
   * @param parent Parent table state, for child tables.
   * @param table The schema's table, when it exists.
   * @param maxNameLength Longest column name the destination takes (dlt shortens longer ones
   *   with a tag, as table names); 0 or less for no limit.
   */
  constructor(
    name: string,
    parent: TableState | undefined,
    table: Table | undefined,
    maxNameLength = 0,
  ) {
    this.name = name;
    this.#maxName = maxNameLength;
    this.parent = parent?.name;
    this.root = parent?.root ?? this;
    this.table = table;
    // dlt counts a table without any (complete) column as new.
    this.isNew = table !== undefined && Object.keys(table.columns).length === 0;
  }

  /** The node of `key` among `fields` (top-level or of the nested object at `prefix`). */
  node(fields: Map<string, FieldNode>, key: string, prefix: FieldNode | undefined): FieldNode {
    let node = fields.get(key);
    if (node === undefined) {
      // dlt: `normalize_path(key)`, then `shorten_fragments(*path, part)` for nested keys.
      const part = shortenIdentifier(normalizePath(key), key, this.#maxName);
      const path = prefix === undefined ? part : prefix.path + PATH_SEPARATOR + part;
      const name = prefix === undefined ? part : shortenIdentifier(path, path, this.#maxName);
      node = new FieldNode(name, false, this.table?.columns[name], path);
      node.key = key;
      node.parentNode = prefix;
      fields.set(key, node);
      this.#register(node, fields);
    }
    return node;
  }

  /** Puts a new node into the clash group of its name when another node has that name. */
  #register(node: FieldNode, fields: Map<string, FieldNode>): void {
    const first = this.#byName.get(node.name);
    if (first === undefined) {
      this.#byName.set(node.name, node);
      const system = systemColumnOf(node.name, this.parent !== undefined);
      if (system !== undefined) node.clash = new ClashGroup(node.name, system);
      return;
    }
    if (first.clash === undefined) {
      first.clash = new ClashGroup(node.name, undefined);
      // The first node may be cached as the successor of a sibling key: uncache it, so that
      // the flattening loop looks it up (and sees `clash`) from now on.
      const siblings = first.parentNode === undefined ? this.fields : first.parentNode.sub;
      for (const sibling of (siblings ?? fields).values()) {
        if (sibling.nextNode === first) {
          sibling.nextKey = undefined;
          sibling.nextNode = undefined;
        }
      }
      this.flaggedExisting++;
    }
    node.clash = first.clash;
  }

  /** The variant node of `node` for values of type `type`. */
  variantNode(node: FieldNode, type: DataType): FieldNode {
    let variant = node.variants?.get(type);
    if (variant === undefined) {
      // dlt: `shorten_fragments(column, "v_<type>")`.
      const full = `${node.name}${PATH_SEPARATOR}v_${type}`;
      const name = shortenIdentifier(full, full, this.#maxName);
      variant = new FieldNode(name, true, this.table?.columns[name]);
      (node.variants ??= new Map()).set(type, variant);
    }
    return variant;
  }

  /** The schema table, created (and recorded in `changes`) when it does not exist yet. */
  ensureTable(schema: Schema, changes: SchemaChange[]): Table {
    if (this.table !== undefined) return this.table;
    const existing = schema.tables[this.name];
    if (existing !== undefined) return this.table = existing;
    const table: Table = { name: this.name, columns: {} };
    if (this.parent !== undefined) table.parent = this.parent;
    schema.tables[this.name] = table;
    this.isNew = true;
    changes.push(
      this.parent === undefined
        ? { kind: "table", table: this.name }
        : { kind: "table", table: this.name, parent: this.parent },
    );
    return this.table = table;
  }

  /**
   * The column for `node`, created with `dataType` when the table lacks it. A column another
   * key already normalized to is reused, as dlt merges such keys.
   */
  ensureColumn(node: FieldNode, dataType: DataType, changes: SchemaChange[]): Column {
    const table = this.table!;
    let column = table.columns[node.name];
    if (column === undefined) {
      if (node.variant) {
        column = { name: node.name, data_type: dataType, nullable: true, variant: true };
      } else {
        column = newHintedColumn(node.name, dataType, this.hints?.get(node.name));
      }
      table.columns[node.name] = column;
      changes.push({ kind: "column", table: this.name, column });
    }
    return node.column = column;
  }

  /** Adds a column made elsewhere (a hinted column) when the table lacks it. */
  addColumn(column: Column, changes: SchemaChange[]): void {
    const table = this.table!;
    if (table.columns[column.name] !== undefined) return;
    table.columns[column.name] = column;
    changes.push({ kind: "column", table: this.name, column });
  }

  /**
   * Forgets columns taken out of the schema again: nodes that cached one of them look the
   * column up anew when next used.
   */
  forgetColumns(removed: ReadonlySet<Column>): void {
    const visit = (nodes: Iterable<FieldNode>) => {
      for (const node of nodes) {
        if (node.column !== undefined && removed.has(node.column)) node.column = undefined;
        if (node.variants !== undefined) visit(node.variants.values());
        if (node.sub !== undefined) visit(node.sub.values());
      }
    };
    visit(this.fields.values());
  }

  /** Adds a system column when the table lacks it. */
  ensureDltColumn(name: DltColumnName, changes: SchemaChange[]): void {
    const table = this.table!;
    if (table.columns[name] !== undefined) return;
    const column = dltColumn(name);
    table.columns[name] = column;
    changes.push({ kind: "column", table: this.name, column });
  }
}
