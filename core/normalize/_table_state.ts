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
import type { Schema, Table, WriteDisposition } from "../schema/mod.ts";
import { RowBuilder } from "./_row_shapes.ts";
import { normalizePath, PATH_SEPARATOR } from "./naming.ts";
import type { SchemaChange } from "./normalizer.ts";

/** One key path of a table: a column, a nested object, or a list (child table). */
export class FieldNode {
  /** Column name: the normalized key path joined by `__`. */
  readonly name: string;
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

  constructor(name: string, variant: boolean, column: Column | undefined) {
    this.name = name;
    this.variant = variant;
    this.column = column;
  }
}

/** State of one table (root or child) during a normalizer run. */
export class TableState {
  readonly name: string;
  /** Parent table name, for child tables. */
  readonly parent: string | undefined;
  /** The schema table; created with the first row. */
  table: Table | undefined;
  /** Nodes of the top-level keys of this table's rows. */
  readonly fields = new Map<string, FieldNode>();
  /** Root tables: normalized primary and merge key column names. */
  primaryKey: ReadonlySet<string> = new Set();
  mergeKey: ReadonlySet<string> = new Set();
  /** Root tables: hints written to the schema table. */
  resource: string | undefined = undefined;
  writeDisposition: WriteDisposition | undefined = undefined;
  /** Whether the system columns of this table's rows exist. */
  systemReady = false;
  rootIdReady = false;
  /** Builds this table's row objects. */
  readonly rows = new RowBuilder();
  /** Nodes of the system columns, used like data nodes when rows are built. */
  readonly dltId: FieldNode = new FieldNode(DLT_ID, false, undefined);
  readonly dltLoadId: FieldNode = new FieldNode(DLT_LOAD_ID, false, undefined);
  readonly dltParentId: FieldNode = new FieldNode(DLT_PARENT_ID, false, undefined);
  readonly dltListIdx: FieldNode = new FieldNode(DLT_LIST_IDX, false, undefined);
  readonly dltRootId: FieldNode = new FieldNode(DLT_ROOT_ID, false, undefined);

  constructor(name: string, parent: string | undefined, table: Table | undefined) {
    this.name = name;
    this.parent = parent;
    this.table = table;
  }

  /** The node of `key` among `fields` (top-level or of the nested object at `prefix`). */
  node(fields: Map<string, FieldNode>, key: string, prefix: FieldNode | undefined): FieldNode {
    let node = fields.get(key);
    if (node === undefined) {
      const part = normalizePath(key);
      const name = prefix === undefined ? part : prefix.name + PATH_SEPARATOR + part;
      node = new FieldNode(name, false, this.table?.columns[name]);
      fields.set(key, node);
    }
    return node;
  }

  /** The variant node of `node` for values of type `type`. */
  variantNode(node: FieldNode, type: DataType): FieldNode {
    let variant = node.variants?.get(type);
    if (variant === undefined) {
      const name = `${node.name}${PATH_SEPARATOR}v_${type}`;
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
    if (this.resource !== undefined) table.resource = this.resource;
    if (this.writeDisposition !== undefined) table.write_disposition = this.writeDisposition;
    schema.tables[this.name] = table;
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
      column = { name: node.name, data_type: dataType, nullable: true };
      if (node.variant) column.variant = true;
      if (this.primaryKey.has(node.name)) {
        column.nullable = false;
        column.primary_key = true;
      }
      if (this.mergeKey.has(node.name)) column.merge_key = true;
      table.columns[node.name] = column;
      changes.push({ kind: "column", table: this.name, column });
    }
    return node.column = column;
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
