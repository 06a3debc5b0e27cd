/**
 * The SQL that merges a table chain (a merge root table and its child tables) from the
 * staging dataset into the dataset in PostgreSQL, with dlt's strategies `delete-insert`,
 * `upsert` and `insert-only`, `primary_key`/`merge_key`, `hard_delete` and `dedup_sort`, with
 * the same results as the DuckDB destination's merge (see `destinations/duckdb/_merge.ts`).
 *
 * Load order within the staging tables is their {@linkcode STAGE_ORDER} column, an identity
 * that grows with every row copied in. `upsert` runs as DELETE (hard deletes), UPDATE and
 * INSERT rather than MERGE, which PostgreSQL has only from version 15.
 *
 * @module
 */

import { UserError } from "../../core/errors.ts";
import type { Column, Table } from "../../core/schema/types.ts";
import {
  hardDeleteCondition,
  requirePrimaryKey,
  rootKeyColumn,
  rowKeyColumn,
} from "../_merge_keys.ts";
import { qualifiedTable, quoteIdent } from "./sql.ts";

/** The load-order column of staging tables. */
export const STAGE_ORDER = "_dlt_stage_seq";
/** Its definition in a staging table's CREATE TABLE or ADD COLUMN. */
export const STAGE_ORDER_COLUMN = `${STAGE_ORDER} bigint GENERATED ALWAYS AS IDENTITY`;

/** Temporary tables holding root row keys between statements. */
const DELETE_IDS = "_dlt_merge_delete";
const INSERT_IDS = "_dlt_merge_insert";

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
  return [...sql, dropTemp(DELETE_IDS), dropTemp(INSERT_IDS)];
}

/**
 * dlt's `insert-from-staging` replace: empties each table of the chain and fills it from its
 * staging copy.
 */
export function replaceFromStagingSql(chain: Table[], target: MergeTarget): string[] {
  const sql: string[] = [];
  for (const table of chain) sql.push(`DELETE FROM ${qualifiedTable(target.dataset, table.name)}`);
  for (const table of chain) {
    const names = columnNames(table).join(", ");
    sql.push(
      `INSERT INTO ${qualifiedTable(target.dataset, table.name)} (${names}) SELECT ${names} ` +
        `FROM ${qualifiedTable(target.staging, table.name)} ORDER BY ${STAGE_ORDER}`,
    );
  }
  return sql;
}

function dropTemp(name: string): string {
  return `DROP TABLE IF EXISTS pg_temp.${name}`;
}

function createTemp(name: string, select: string): string[] {
  return [dropTemp(name), `CREATE TEMP TABLE ${name} AS ${select}`];
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
    return [...sql, ...this.#insert(this.#stagedRoots(true), "TRUE")];
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
      sql.push(...this.#insertIds(source, this.#notDeleted("s")));
    }
    const names = columnNames(this.#root);
    if (this.#hardDelete) {
      sql.push(
        `DELETE FROM ${this.#table(this.#root)} AS d USING (${source}) AS s ` +
          `WHERE ${match(pk)} AND ${this.#deleted("s")}`,
      );
    }
    sql.push(
      `UPDATE ${this.#table(this.#root)} AS d SET ${
        names.map((c) => `${c} = s.${c}`).join(", ")
      } ` +
        `FROM (${source}) AS s WHERE ${match(pk)} AND ${this.#notDeleted("s")}`,
      `INSERT INTO ${this.#table(this.#root)} (${names.join(", ")}) SELECT ` +
        `${names.map((c) => `s.${c}`).join(", ")} FROM (${source}) AS s WHERE ` +
        `${this.#notDeleted("s")} AND NOT EXISTS (SELECT 1 FROM ${this.#table(this.#root)} AS d ` +
        `WHERE ${match(pk)})`,
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
      ...createTemp(
        DELETE_IDS,
        `SELECT d.${rowKey} AS id FROM ${this.#table(this.#root)} AS d WHERE ${matched}`,
      ),
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
   * Child rows loaded while the resource was not `merge` lack the root key (NULL): fills it
   * from their parents, top down, so the deletes take them along (as the DuckDB destination).
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
        if (++d > byName.size) break;
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
    if (this.#children.length > 0) sql.push(...this.#insertIds(source, filter));
    const names = columnNames(this.#root);
    sql.push(
      `INSERT INTO ${this.#table(this.#root)} (${names.join(", ")}) SELECT ` +
        `${names.map((c) => `s.${c}`).join(", ")} FROM (${source}) AS s WHERE ${filter}`,
    );
    return [...sql, ...this.#children.map((c) => this.#insertChildren(c))];
  }

  /** Remembers the row keys of the root rows that will be inserted, for their children. */
  #insertIds(source: string, filter: string): string[] {
    return createTemp(
      INSERT_IDS,
      `SELECT s.${this.#rowKey()} AS id FROM (${source}) AS s WHERE ${filter}`,
    );
  }

  /**
   * The staged children of inserted roots; a child row staged twice (the same key twice in
   * one load, whose ids are the key's hash) goes in once, as staged last.
   */
  #insertChildren(child: Table): string {
    const names = columnNames(child).join(", ");
    const rowKey = columnWith(child, "row_key");
    const filter = `WHERE ${this.#rootKey(child)} IN (SELECT id FROM ${INSERT_IDS})`;
    const rows = rowKey === undefined
      ? `SELECT ${names} FROM ${this.#stage(child)} ${filter}`
      : `SELECT DISTINCT ON (${quoteIdent(rowKey)}) ${names} FROM ${this.#stage(child)} ` +
        `${filter} ORDER BY ${quoteIdent(rowKey)}, ${STAGE_ORDER} DESC`;
    return `INSERT INTO ${this.#table(child)} (${names}) ${rows}`;
  }

  /**
   * The staged root rows, one per primary key when there is one, without hard deletes when
   * `dropDeleted` (deduplication comes first: a key whose newest row is a delete yields none).
   */
  #stagedRoots(dropDeleted: boolean): string {
    const stage = this.#stage(this.#root);
    const names = columnNames(this.#root).join(", ");
    const keep = dropDeleted ? this.#notDeleted() : "TRUE";
    if (this.#primaryKey.length === 0) return `SELECT ${names} FROM ${stage} WHERE ${keep}`;
    const order = this.#dedupSort
      ? `${quoteIdent(this.#dedupSort.name)} ${this.#dedupSort.dedup_sort!.toUpperCase()} ` +
        `NULLS LAST, ${STAGE_ORDER} ASC`
      : `${STAGE_ORDER} DESC`;
    return `SELECT ${names} FROM (SELECT *, row_number() OVER ` +
      `(PARTITION BY ${this.#primaryKey.map(quoteIdent).join(", ")} ORDER BY ${order}) ` +
      `AS _dlt_dedup_rn FROM ${stage}) AS q WHERE _dlt_dedup_rn = 1 AND (${keep})`;
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

function columnWith(
  table: Table,
  hint: "root_key" | "parent_key" | "row_key",
): string | undefined {
  return Object.values(table.columns).find((c) => c[hint])?.name;
}

function columnNames(table: Table): string[] {
  return Object.values(table.columns).map((c) => quoteIdent(c.name));
}
