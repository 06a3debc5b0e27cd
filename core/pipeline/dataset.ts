/**
 * Reading a pipeline's data back, as dlt's `pipeline.dataset()`: tables by name, SQL, rows as
 * plain objects and row counts. Every read goes through the destination's read-only query
 * path (one reading statement, checked before it runs, on a connection that can reach the
 * dataset only).
 *
 * @module
 */

import { UserError } from "../errors.ts";
import { quoteIdent, quoteLiteral } from "../sql_quote.ts";
import type { Schema } from "../schema/types.ts";
import type { Destination } from "./destination.ts";

/** Where a {@linkcode Dataset} reads from. */
export interface DatasetOptions {
  /** The dataset (schema in DuckDB, folder of the filesystem bucket). */
  name: string;
  /** A destination that can run read-only queries (`query`). */
  destination: Destination;
  /** The pipeline's schemas, which know the dataset's tables. */
  schemas: () => Promise<Schema[]>;
}

/** Options of {@linkcode Dataset.rowCounts}. */
export interface RowCountsOptions {
  /** Count the data tables. @default true */
  dataTables?: boolean;
  /** Count dlt's own tables (`_dlt_loads`, `_dlt_pipeline_state`, `_dlt_version`). @default false */
  dltTables?: boolean;
  /** Count these tables only (overrides the two above). */
  tableNames?: string[];
  /** Count only the rows of this load (root tables carry `_dlt_load_id`). */
  loadId?: string;
}

/**
 * A pipeline's dataset: its tables and their rows.
 *
 * @example Usage
 * ```ts ignore
 * const orders = p.dataset().table("orders");
 * console.log(await orders.count(), await orders.select("id", "status").limit(10).rows());
 * console.log(await p.dataset().rowCounts()); // { orders: 120, orders__items: 275 }
 * const late = await p.dataset().sql(
 *   "SELECT id FROM shop_pipeline_dataset.orders WHERE status = 'late'",
 * ).rows();
 * ```
 */
export class Dataset {
  /** The dataset's name. */
  readonly name: string;
  readonly #destination: Destination;
  readonly #schemas: () => Promise<Schema[]>;

  /**
   * Opens a dataset; nothing is read until a relation runs.
   *
   * @param options the dataset's name, its destination and the pipeline's schemas
   */
  constructor(options: DatasetOptions) {
    this.name = options.name;
    this.#destination = options.destination;
    this.#schemas = options.schemas;
  }

  /** The data tables of the pipeline's schemas (dlt's `dataset.tables`), as they were created. */
  async tables(): Promise<string[]> {
    const names: string[] = [];
    for (const schema of await this.#schemas()) {
      for (const table of Object.values(schema.tables)) {
        if (!table.name.startsWith("_dlt_") && !names.includes(table.name)) {
          names.push(table.name);
        }
      }
    }
    return names;
  }

  /**
   * One table as a relation. The name is the table's name in the dataset (normalized:
   * `orders__items` for the child table of `orders.items`).
   */
  table(name: string): Relation {
    return new Relation(this, `SELECT * FROM ${quoteIdent(this.name)}.${quoteIdent(name)}`, name);
  }

  /**
   * A relation over one reading statement. Name tables with their dataset
   * (`<dataset>.<table>`): the query cannot change DuckDB's default schema.
   */
  sql(query: string): Relation {
    return new Relation(this, query.trim().replace(/;\s*$/, ""));
  }

  /** The same as {@linkcode Dataset.sql} (dlt's name). */
  query(query: string): Relation {
    return this.sql(query);
  }

  /**
   * Rows per table (dlt's `dataset.row_counts()`), in {@linkcode Dataset.tables} order.
   *
   * @throws {UserError} when the destination cannot be read or a table does not exist there
   */
  async rowCounts(options: RowCountsOptions = {}): Promise<Record<string, number>> {
    let names = options.tableNames;
    if (!names) {
      names = [];
      if (options.dataTables ?? true) names.push(...await this.tables());
      if (options.dltTables) names.push("_dlt_version", "_dlt_loads", "_dlt_pipeline_state");
    }
    if (options.loadId !== undefined) {
      const withLoadId = await this.#tablesWithColumn("_dlt_load_id");
      names = names.filter((n) => withLoadId.has(n));
    }
    if (names.length === 0) return {};
    const where = options.loadId === undefined
      ? ""
      : ` WHERE _dlt_load_id = ${quoteLiteral(options.loadId)}`;
    const rows = await this.run(
      names.map((n) =>
        `SELECT ${quoteLiteral(n)} AS table_name, count(*) AS row_count ` +
        `FROM ${quoteIdent(this.name)}.${quoteIdent(n)}${where}`
      ).join(" UNION ALL "),
    );
    const counts: Record<string, number> = {};
    for (const name of names) {
      const row = rows.find((r) => r.table_name === name);
      counts[name] = Number(row?.row_count ?? 0);
    }
    return counts;
  }

  /** Ids of the loads in the dataset (`_dlt_loads`), oldest first. */
  async loadIds(): Promise<string[]> {
    const rows = await this.run(
      `SELECT load_id FROM ${quoteIdent(this.name)}._dlt_loads ORDER BY load_id`,
    );
    return rows.map((r) => String(r.load_id));
  }

  /**
   * Runs one reading statement on the destination.
   *
   * @throws {UserError} when the destination cannot run queries, or the query fails or is not
   *   a read of the dataset
   */
  async run(sql: string): Promise<Record<string, unknown>[]> {
    const destination = this.#destination;
    if (!destination.query) {
      throw new UserError(`The ${destination.type} destination cannot be read back`);
    }
    try {
      return await destination.query(sql);
    } catch (err) {
      throw withDatasetHint(err, this.name);
    }
  }

  async #tablesWithColumn(column: string): Promise<Set<string>> {
    const names = new Set<string>();
    for (const schema of await this.#schemas()) {
      for (const table of Object.values(schema.tables)) {
        if (table.columns[column]) names.add(table.name);
      }
    }
    return names;
  }
}

/**
 * A table or query of a dataset, read lazily: nothing runs until `rows()`, `fetchone()` or
 * `count()`. `limit()`, `head()` and `select()` return a new relation.
 */
export class Relation {
  readonly #dataset: Dataset;
  readonly #sql: string;
  readonly #table?: string;

  /**
   * A relation over `sql` (see {@linkcode Dataset.table} and {@linkcode Dataset.sql}).
   *
   * @param dataset where it reads from
   * @param sql one reading statement
   * @param table the table the relation reads from, named when it does not exist
   */
  constructor(dataset: Dataset, sql: string, table?: string) {
    this.#dataset = dataset;
    this.#sql = sql;
    this.#table = table;
  }

  /** The SQL the relation runs. */
  toSql(): string {
    return this.#sql;
  }

  /** At most `n` rows. */
  limit(n: number): Relation {
    if (!Number.isInteger(n) || n < 0) {
      throw new UserError(`limit() takes a whole number of rows, 0 or more (got ${n})`);
    }
    return this.#wrap(`SELECT * FROM (${this.#sql}\n) AS q LIMIT ${n}`);
  }

  /** The first `n` rows (dlt's `head()`). @default 5 */
  head(n = 5): Relation {
    return this.limit(n);
  }

  /** Only these columns, in this order. */
  select(...columns: string[]): Relation {
    if (columns.length === 0) throw new UserError("select() needs at least one column");
    return this.#wrap(
      `SELECT ${columns.map(quoteIdent).join(", ")} FROM (${this.#sql}\n) AS q`,
    );
  }

  /**
   * The rows, as plain objects keyed by column name (BIGINT values beyond 2^53 as `bigint`).
   *
   * @throws {UserError} when the query fails, e.g. the table does not exist
   */
  async rows(): Promise<Record<string, unknown>[]> {
    try {
      return await this.#dataset.run(this.#sql);
    } catch (err) {
      throw await this.#explain(err);
    }
  }

  /** The first row, or `undefined` when there is none. */
  async fetchone(): Promise<Record<string, unknown> | undefined> {
    return (await this.limit(1).rows())[0];
  }

  /** The number of rows. */
  async count(): Promise<number> {
    const rows = await this.#wrap(`SELECT count(*) AS n FROM (${this.#sql}\n) AS q`).rows();
    return Number(rows[0]?.n ?? 0);
  }

  #wrap(sql: string): Relation {
    return new Relation(this.#dataset, sql, this.#table);
  }

  /** A missing table is named with the tables the dataset has. */
  async #explain(err: unknown): Promise<unknown> {
    const table = this.#table;
    if (table === undefined || !(err instanceof UserError)) return err;
    const known: string[] = await this.#dataset.tables().catch(() => []);
    if (known.includes(table)) return err;
    return new UserError(
      `Dataset ${this.#dataset.name} has no table "${table}"; its tables: ${
        known.join(", ") || "none yet"
      }`,
      { cause: err },
    );
  }
}

/**
 * A query naming a table without its dataset fails in DuckDB's words; say where the
 * pipeline's tables are, since a read-only query cannot change the default schema.
 *
 * @param err what the query threw
 * @param dataset the pipeline's dataset
 * @returns a clearer error, or `err` as it was
 */
export function withDatasetHint(err: unknown, dataset: string): unknown {
  if (!(err instanceof UserError)) return err;
  // DuckDB's words, then PostgreSQL's.
  const missing = err.message.match(/Table with name (\S+) does not exist/) ??
    err.message.match(/relation "([^"]+)" does not exist/);
  // A dotted name has its dataset; a path ('/etc/passwd') is a file, which no dataset holds.
  if (!missing || /[./\\]/.test(missing[1])) return err;
  const end = /[.!?]$/.test(err.message) ? " " : ". ";
  return new UserError(
    `${err.message}${end}The pipeline's tables are in dataset ${dataset}: ` +
      `write ${dataset}.${missing[1]}`,
    { cause: err },
  );
}
