/**
 * Schema contracts (dlt's `schema_contract`), checked where the normalizer would change the
 * schema: a new table, a new column of an existing table, or a new variant column. Each check
 * runs only on those rare paths, and only for resources whose contract is not all `evolve`.
 *
 * @module
 */

import { DataError, InternalError } from "../errors.ts";
import { stringifyJson } from "../json/mod.ts";
import type { Column, ContractMode, SchemaContractSettings } from "../schema/mod.ts";
import type { FieldNode, TableState } from "./_table_state.ts";
import type { DiscardCounts, SchemaChange } from "./normalizer.ts";

/** What the normalizer knows about the record being normalized, shared with its helpers. */
export interface RunContext {
  /** Tables and columns the run added, in order (the normalizer's `changes`). */
  readonly changes: SchemaChange[];
  /** Discards per table name. */
  readonly discarded: Record<string, DiscardCounts>;
  /** Name of the resource of the record, for messages. */
  resource: string;
  /** The resource's contract; `undefined` when every entity evolves (no checks at all). */
  contract: SchemaContractSettings | undefined;
}

/**
 * Thrown (never as an `Error`: no stack is captured) when a `discard_row` contract rejects the
 * row being built; the normalizer catches it, undoes the row's schema changes and drops it.
 */
export class DiscardRow {
  private constructor() {}
  /** The one instance. */
  static readonly instance: DiscardRow = new DiscardRow();
}

/**
 * The contract to check, or `undefined` when every entity evolves, which lets the normalizer
 * skip every check.
 */
export function activeContract(
  contract: SchemaContractSettings | undefined,
): SchemaContractSettings | undefined {
  if (contract === undefined) return undefined;
  return contract.tables === "evolve" && contract.columns === "evolve" &&
      contract.data_type === "evolve"
    ? undefined
    : contract;
}

/** Counts one discarded row or value of `table`. */
export function countDiscard(
  run: RunContext,
  table: string,
  kind: keyof DiscardCounts,
  n = 1,
): void {
  const counts = run.discarded[table] ??= { rows: 0, values: 0 };
  counts[kind] += n;
}

function describe(value: unknown): string {
  const text = String(stringifyJson(value));
  return text.length > 80 ? text.slice(0, 77) + "..." : text;
}

function frozen(run: RunContext, entity: keyof SchemaContractSettings, what: string): DataError {
  return new DataError(
    `Schema contract of resource "${run.resource}" is frozen for ${entity}: ${what}. ` +
      `To accept such data, set the resource's schema_contract ${entity} to "evolve" ` +
      `(or "discard_row" / "discard_value" to drop it)`,
  );
}

/**
 * Applies `mode` to a violation: `true` to go on (evolve), `false` to drop the value
 * (discard_value, counted); throws for `freeze` and `discard_row`.
 */
function enforce(
  mode: ContractMode,
  run: RunContext,
  table: string,
  error: () => DataError,
): boolean {
  switch (mode) {
    case "evolve":
      return true;
    case "discard_value":
      countDiscard(run, table, "values");
      return false;
    case "discard_row":
      throw DiscardRow.instance;
    case "freeze":
      throw error();
    default: {
      const _exhaustive: never = mode;
      throw new InternalError(`Unknown schema contract mode "${String(_exhaustive)}"`);
    }
  }
}

/**
 * Whether `node` may become a new column of `state`'s table. Tables created in this run take
 * any column (dlt's "evolve columns once": a new table is inferred from its first data).
 *
 * @returns `true` to create the column, `false` to drop the value.
 * @throws {DataError} `freeze`; {@linkcode DiscardRow} for `discard_row`.
 */
export function allowNewColumn(
  state: TableState,
  node: FieldNode,
  value: unknown,
  run: RunContext,
): boolean {
  if (state.isNew) return true;
  return enforce(
    run.contract!.columns,
    run,
    state.name,
    () =>
      frozen(
        run,
        "columns",
        `new column "${node.name}" in table "${state.name}" (value ${describe(value)})`,
      ),
  );
}

/**
 * Whether a value that does not fit `column` may create the variant column `variant`.
 *
 * @returns `true` to create the variant, `false` to drop the value.
 * @throws {DataError} `freeze`; {@linkcode DiscardRow} for `discard_row`.
 */
export function allowVariant(
  state: TableState,
  column: Column,
  variant: FieldNode,
  value: unknown,
  run: RunContext,
): boolean {
  return enforce(
    run.contract!.data_type,
    run,
    state.name,
    () =>
      frozen(
        run,
        "data_type",
        `value ${describe(value)} does not fit column "${column.name}" (${column.data_type}) ` +
          `of table "${state.name}" and would need the new variant column "${variant.name}"`,
      ),
  );
}

/**
 * Whether the child table `child` may be created for the list at `node` of a `parent` row.
 * Child tables of a root table created in this run are part of its first inference and may
 * always be created.
 *
 * @returns `true` to create the table, `false` to drop the list's rows (counted).
 * @throws {DataError} `freeze`.
 */
export function allowNewTable(
  child: TableState,
  parent: TableState,
  node: FieldNode,
  items: unknown[],
  run: RunContext,
): boolean {
  if (child.root.isNew) return true;
  const mode = run.contract!.tables;
  if (mode === "evolve") return true;
  if (mode === "freeze") {
    throw frozen(
      run,
      "tables",
      `new table "${child.name}" for the list "${node.name}" of table "${parent.name}" ` +
        `(value ${describe(items)})`,
    );
  }
  // dlt filters a table that may not be created: its rows go, whatever the discard mode.
  countDiscard(run, child.name, "rows", items.length);
  return false;
}
