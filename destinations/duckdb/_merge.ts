/**
 * The SQL that merges a table chain (a merge root table and its child tables) from the
 * staging dataset into the dataset, with dlt's strategies `delete-insert`, `upsert` and
 * `insert-only`, `primary_key`/`merge_key`, `hard_delete` and `dedup_sort`.
 *
 * Deduplication (on the primary key): with a `dedup_sort` column the row sorting first in that
 * direction stays (NULLs last; ties keep the row loaded first, as dlt documents); without one
 * the row loaded last stays, since a later record of the same key is the newer state. Load
 * order is the staging table's `rowid`, which grows with every insert in a transaction.
 * `upsert` and `insert-only` deduplicate the same way (dlt's upsert does not; a duplicate key
 * would make its MERGE ambiguous). Hard deletes are never inserted; `insert-only` never
 * deletes or changes a row already in the dataset.
 *
 * @module
 */

import { UserError } from "../../core/errors.ts";
import { rootTableOf } from "../../core/schema/mod.ts";
import type { Column, Schema, Table } from "../../core/schema/types.ts";
import {
  hardDeleteCondition,
  requirePrimaryKey,
  rootKeyColumn,
  rowKeyColumn,
} from "../_merge_keys.ts";
import { qualifiedTable, quoteIdent } from "./sql.ts";

/** Temporary tables holding root row keys between statements. */
const DELETE_IDS = "_dlt_merge_delete";
const INSERT_IDS = "_dlt_merge_insert";

/** Whether rows of `name` load through the staging dataset (its root has `merge`). */
export function isMergeTable(schema: Schema, name: string): boolean {
  return rootTableOf(schema, name).write_disposition === "merge";
}

/** Where the chain's rows are and come from. */
export interface MergeTarget {
  dataset: string;
  staging: string;
}

/**
 * The statements merging the staged rows of `chain` (root first) into the dataset, in order.
 * Run them in the load's transaction; they create and drop two temporary tables.
 *
 * @throws {UserError} when the chain lacks a key the strategy needs
 */
export function mergeSql(chain: Table[], target: MergeTarget): string[] {
  const [root, ...children] = chain;
  const m = new ChainSql(root, children, target);
  const strategy = root.merge_strategy ?? "delete-insert";
  let sql: string[];
  switch (strategy) {
    case "delete-insert":
      sql = m.deleteInsert();
      break;
    case "upsert":
      sql = m.upsert();
      break;
    case "insert-only":
      sql = m.insertOnly();
      break;
    default: {
      const _exhaustive: never = strategy;
      throw new UserError(
        `Table "${root.name}" has merge strategy "${String(_exhaustive)}"; use delete-insert, ` +
          "upsert or insert-only",
      );
    }
  }
  return [...sql, `DROP TABLE IF EXISTS ${DELETE_IDS}`, `DROP TABLE IF EXISTS ${INSERT_IDS}`];
}

/** SQL fragments of one chain. */
class ChainSql {
  readonly #root: Table;
  readonly #children: Table[];
  readonly #target: MergeTarget;
  readonly #primaryKey: string[];
  readonly #mergeKey: string[];
  readonly #hardDelete?: Column;
  readonly #dedupSort?: Column;

  constructor(root: Table, children: Table[], target: MergeTarget) {
    this.#root = root;
    this.#children = children;
    this.#target = target;
    const columns = Object.values(root.columns);
    this.#primaryKey = columns.filter((c) => c.primary_key).map((c) => c.name);
    this.#mergeKey = columns.filter((c) => c.merge_key).map((c) => c.name);
    this.#hardDelete = columns.find((c) => c.hard_delete);
    this.#dedupSort = columns.find((c) => c.dedup_sort);
  }

  /**
   * Deletes target rows sharing a primary key or merge key with a staged row (with their
   * children), then inserts the deduplicated staged rows that are not hard deletes. Without
   * keys it appends.
   */
  deleteInsert(): string[] {
    const sql: string[] = [];
    const keys = [this.#primaryKey, this.#mergeKey].filter((k) => k.length > 0);
    if (keys.length > 0) {
      const matched = keys
        .map((k) => `EXISTS (SELECT 1 FROM ${this.#stage(this.#root)} AS s WHERE ${match(k)})`)
        .join(" OR ");
      if (this.#children.length === 0) {
        sql.push(`DELETE FROM ${this.#table(this.#root)} AS d WHERE ${matched}`);
      } else {
        sql.push(...this.#deleteWithChildren(matched));
      }
    }
    const source = this.#stagedRoots(true);
    return [...sql, ...this.#insert(source, "TRUE")];
  }

  /**
   * Updates target rows by primary key, inserts new ones and deletes hard-deleted ones; the
   * children of every matched root are replaced by the staged children.
   */
  upsert(): string[] {
    const pk = this.#requirePrimaryKey("upsert");
    const source = this.#stagedRoots(false);
    const sql: string[] = [];
    if (this.#children.length > 0) {
      const matched = `EXISTS (SELECT 1 FROM ${this.#stage(this.#root)} AS s WHERE ${match(pk)})`;
      sql.push(...this.#deleteWithChildren(matched, false));
      sql.push(this.#insertIds(source, this.#notDeleted("s")));
    }
    const names = columnNames(this.#root);
    const deleted = this.#hardDelete ? `WHEN MATCHED AND ${this.#deleted("s")} THEN DELETE ` : "";
    sql.push(
      `MERGE INTO ${this.#table(this.#root)} AS d USING (${source}) AS s ON (${match(pk)}) ` +
        deleted +
        `WHEN MATCHED THEN UPDATE SET ${names.map((c) => `${c} = s.${c}`).join(", ")} ` +
        `WHEN NOT MATCHED AND ${this.#notDeleted("s")} THEN INSERT (${names.join(", ")}) ` +
        `VALUES (${names.map((c) => `s.${c}`).join(", ")})`,
    );
    return [...sql, ...this.#children.map((c) => this.#insertChildren(c))];
  }

  /** Inserts the deduplicated staged rows whose primary key is not in the target yet. */
  insertOnly(): string[] {
    const pk = this.#requirePrimaryKey("insert-only");
    const isNew = `NOT EXISTS (SELECT 1 FROM ${this.#table(this.#root)} AS d WHERE ${match(pk)})`;
    return this.#insert(this.#stagedRoots(true), isNew);
  }

  /**
   * Remembers the root keys of target rows matching `matched`, deletes their children and
   * (unless `withRoots` is false) the rows themselves.
   */
  #deleteWithChildren(matched: string, withRoots = true): string[] {
    const rowKey = this.#rowKey();
    const sql = [
      ...this.#fillRootKeys(),
      `CREATE OR REPLACE TEMP TABLE ${DELETE_IDS} AS SELECT d.${rowKey} AS id ` +
      `FROM ${this.#table(this.#root)} AS d WHERE ${matched}`,
    ];
    for (const child of this.#children) {
      sql.push(
        `DELETE FROM ${this.#table(child)} WHERE ${this.#rootKey(child)} IN ` +
          `(SELECT id FROM ${DELETE_IDS})`,
      );
    }
    if (withRoots) {
      sql.push(
        `DELETE FROM ${this.#table(this.#root)} WHERE ${rowKey} IN (SELECT id FROM ${DELETE_IDS})`,
      );
    }
    return sql;
  }

  /**
   * Child rows loaded while the resource was not `merge` lack the root key: the column came
   * with the first merge load and is NULL in them, so the deletes below would leave them behind
   * as orphans. Fills it from their parents, top down (a direct child's root is its parent),
   * which is the value the normalizer writes today. Rows that have it are not touched.
   */
  #fillRootKeys(): string[] {
    const byName = new Map(this.#children.map((child) => [child.name, child]));
    const depth = (table: Table): number => {
      let d = 0;
      for (
        let p = byName.get(table.parent ?? "");
        p !== undefined;
        p = byName.get(p.parent ?? "")
      ) {
        if (++d > byName.size) break; // a parent loop; rootTableOf() reports it elsewhere
      }
      return d;
    };
    const sql: string[] = [];
    for (const child of [...this.#children].sort((a, b) => depth(a) - depth(b))) {
      const rootKey = columnWith(child, "root_key");
      const parentKey = columnWith(child, "parent_key");
      if (rootKey === undefined || parentKey === undefined) continue;
      const [root, link] = [quoteIdent(rootKey), quoteIdent(parentKey)];
      if (child.parent === this.#root.name) {
        sql.push(`UPDATE ${this.#table(child)} SET ${root} = ${link} WHERE ${root} IS NULL`);
        continue;
      }
      const parent = byName.get(child.parent ?? "");
      const parentRoot = parent && columnWith(parent, "root_key");
      const parentRow = parent && columnWith(parent, "row_key");
      if (parent === undefined || parentRoot === undefined || parentRow === undefined) continue;
      sql.push(
        `UPDATE ${this.#table(child)} AS c SET ${root} = p.${quoteIdent(parentRoot)} ` +
          `FROM ${this.#table(parent)} AS p WHERE c.${root} IS NULL AND ` +
          `c.${link} = p.${quoteIdent(parentRow)} AND p.${quoteIdent(parentRoot)} IS NOT NULL`,
      );
    }
    return sql;
  }

  /** Inserts the rows of `source` (aliased `s`) passing `filter`, and their children. */
  #insert(source: string, filter: string): string[] {
    const sql: string[] = [];
    if (this.#children.length > 0) sql.push(this.#insertIds(source, filter));
    const names = columnNames(this.#root).join(", ");
    sql.push(
      `INSERT INTO ${this.#table(this.#root)} (${names}) SELECT ${names} FROM (${source}) AS s ` +
        `WHERE ${filter}`,
    );
    return [...sql, ...this.#children.map((c) => this.#insertChildren(c))];
  }

  /** Remembers the row keys of the root rows that will be inserted, for their children. */
  #insertIds(source: string, filter: string): string {
    return `CREATE OR REPLACE TEMP TABLE ${INSERT_IDS} AS SELECT s.${this.#rowKey()} AS id ` +
      `FROM (${source}) AS s WHERE ${filter}`;
  }

  #insertChildren(child: Table): string {
    const names = columnNames(child).join(", ");
    return `INSERT INTO ${this.#table(child)} (${names}) SELECT ${names} FROM ` +
      `${this.#stage(child)} WHERE ${this.#rootKey(child)} IN (SELECT id FROM ${INSERT_IDS})`;
  }

  /**
   * The staged root rows, one per primary key when there is one, without hard deletes when
   * `dropDeleted` (deduplication comes first: a key whose newest row is a delete yields none).
   */
  #stagedRoots(dropDeleted: boolean): string {
    const stage = this.#stage(this.#root);
    const keep = dropDeleted ? this.#notDeleted() : "TRUE";
    if (this.#primaryKey.length === 0) return `SELECT * FROM ${stage} WHERE ${keep}`;
    const order = this.#dedupSort
      ? `${quoteIdent(this.#dedupSort.name)} ${this.#dedupSort.dedup_sort!.toUpperCase()} ` +
        "NULLS LAST, rowid ASC"
      : "rowid DESC";
    return "SELECT * EXCLUDE (_dlt_dedup_rn) FROM (SELECT *, row_number() OVER " +
      `(PARTITION BY ${this.#primaryKey.map(quoteIdent).join(", ")} ORDER BY ${order}) ` +
      `AS _dlt_dedup_rn FROM ${stage}) WHERE _dlt_dedup_rn = 1 AND (${keep})`;
  }

  /** dlt: a bool `hard_delete` column deletes when true, any other type when not null. */
  #deleted(alias?: string): string {
    const name = quoteIdent(this.#hardDelete!.name);
    return hardDeleteCondition(this.#hardDelete!, alias ? `${alias}.${name}` : name);
  }

  #notDeleted(alias?: string): string {
    return this.#hardDelete ? `NOT (${this.#deleted(alias)})` : "TRUE";
  }

  #requirePrimaryKey(strategy: string): string[] {
    return requirePrimaryKey(this.#root, this.#primaryKey, strategy);
  }

  #rowKey(): string {
    return quoteIdent(rowKeyColumn(this.#root, this.#primaryKey));
  }

  #rootKey(child: Table): string {
    return quoteIdent(rootKeyColumn(this.#root, child));
  }

  #table(table: Table): string {
    return qualifiedTable(this.#target.dataset, table.name);
  }

  #stage(table: Table): string {
    return qualifiedTable(this.#target.staging, table.name);
  }
}

/** `d.a = s.a AND d.b = s.b` */
function match(keys: string[]): string {
  return keys.map((k) => `d.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(" AND ");
}

/** The name of the first column of `table` with hint `hint`. */
function columnWith(
  table: Table,
  hint: "root_key" | "parent_key" | "row_key",
): string | undefined {
  return Object.values(table.columns).find((c) => c[hint])?.name;
}

function columnNames(table: Table): string[] {
  return Object.values(table.columns).map((c) => quoteIdent(c.name));
}
