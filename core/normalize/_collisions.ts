/**
 * Keys of one row that become the same name: `userName`, `user_name` and `User Name` all become
 * column `user_name`; `{"a": {"b": 1}}` and `"a__b"` both become `a__b`; lists `a.b` and `a_b`
 * both become child table `<table>__a_b`; a key `_dlt_load_id` becomes dlt's own column.
 *
 * Where a row holds more than one such key, only one value can stay. The one dlt keeps stays:
 * dlt flattens a row into a Python dict, so the value it writes last wins. It writes an
 * object's plain keys in their order and its nested objects after them (the later of two nested
 * objects first); the normalizer flattens rows in that same order, so the value met last wins.
 * A `null` counts like any value (dlt drops the column's value then). dlt's own columns win over
 * keys of the data, except `_dlt_id`: a row that carries a (non-empty) `_dlt_id` keeps it as
 * its row id, as dlt does. Every dropped value is reported once per table and pair of keys.
 *
 * Finding such keys costs nothing per row: it happens when a key's field node is created
 * (once per key path), and only the nodes of colliding keys take the slower path of
 * {@linkcode resolveClashes} in the rows that hold them.
 *
 * @module
 */

import {
  DLT_ID,
  DLT_LIST_IDX,
  DLT_LOAD_ID,
  DLT_PARENT_ID,
  DLT_ROOT_ID,
  type DltColumnName,
} from "../schema/mod.ts";
import type { RunContext } from "./_contract.ts";
import { nullValueError, putValue, type RowBuffer } from "./_put_value.ts";
import type { FieldNode, TableState } from "./_table_state.ts";
import type { NameCollision } from "./name_collision.ts";
import { PATH_SEPARATOR } from "./naming.ts";

/** The field nodes of one table whose keys normalize to the same name. */
export class ClashGroup {
  /** The column (or child table suffix) they all become. */
  readonly name: string;
  /** Set when `name` is a system column the normalizer writes itself in the table's rows. */
  readonly system: DltColumnName | undefined;

  /**
   * @param name The common name.
   * @param system The system column of that name, if the normalizer sets it in these rows.
   */
  constructor(name: string, system: DltColumnName | undefined) {
    this.name = name;
    this.system = system;
  }
}

// The system columns the normalizer writes into every row of a root / a child table.
const ROOT_SYSTEM = new Set<string>([DLT_ID, DLT_LOAD_ID]);
const CHILD_SYSTEM = new Set<string>([DLT_ID, DLT_PARENT_ID, DLT_LIST_IDX, DLT_ROOT_ID]);

/**
 * The system column `name` is, when the normalizer writes it into the rows of a root table
 * (`child` false) or a child table. Keys that normalize to it need the collision path.
 */
export function systemColumnOf(name: string, child: boolean): DltColumnName | undefined {
  return (child ? CHILD_SYSTEM : ROOT_SYSTEM).has(name) ? name as DltColumnName : undefined;
}

/**
 * Thrown (never as an `Error`: no stack is captured) when a new key makes an older key of the
 * table collide while a row is flattened: the older key's value may already be in the row, so
 * the normalizer undoes the row and flattens it again, now holding both keys back.
 */
export class RestartRow {
  private constructor() {}
  /** The one instance. */
  static readonly instance: RestartRow = new RestartRow();
}

/** Receives each collision the first time it drops a value. */
export type CollisionSink = (collision: NameCollision) => void;

/**
 * Values of colliding keys met while flattening one row, held back until the row is complete:
 * only then is it known which of them dlt keeps. Quadruples of node, value, whether the value
 * is a list for a child table, and whether the JSON text wrote the number as a float (`1.0`).
 */
export class ClashStash {
  readonly entries: unknown[] = [];
  /** The row's own `_dlt_id` (a non-empty value of a `_dlt_id` key), once resolved. */
  ownId: string | undefined = undefined;

  /** Forgets everything of the row (it was discarded, restarted or failed). */
  clear(): void {
    this.entries.length = 0;
    this.ownId = undefined;
  }
}

/** What {@linkcode resolveClashes} writes into and reports to. */
export interface ClashContext {
  row: RowBuffer;
  run: RunContext;
  report: CollisionSink;
}

/**
 * The key path of `node` from its row, as a JSON pointer (RFC 6901): `/a/b` for key `b` of the
 * object at key `a`; `~` and `/` inside keys are escaped as `~0` and `~1`.
 */
export function keyPointer(node: FieldNode): string {
  let pointer = "";
  for (let n: FieldNode | undefined = node; n !== undefined; n = n.parentNode) {
    pointer = "/" + (n.key ?? n.name).replaceAll("~", "~0").replaceAll("/", "~1") + pointer;
  }
  return pointer;
}

/**
 * Writes the held-back values of one row: per name (and per kind, column or list), the value
 * dlt keeps goes into the row (or, for a list, into `pending`); each dropped one is reported.
 * A system column the normalizer sets itself drops the data's value, except a non-empty
 * `_dlt_id`, which becomes the row's id (`stash.ownId`).
 *
 * @param state The row's table.
 * @param stash The held-back values; emptied (but `ownId`) when done.
 * @param pending The row's lists so far.
 * @param hasRootId Whether the row gets `_dlt_root_id` from the normalizer.
 * @returns The row's lists.
 * @throws {DataError} As {@linkcode putValue}, or for a kept `null` in a column that is not
 * nullable.
 */
export function resolveClashes(
  state: TableState,
  stash: ClashStash,
  pending: unknown[] | undefined,
  hasRootId: boolean,
  ctx: ClashContext,
): unknown[] | undefined {
  const entries = stash.entries;
  for (let i = 0; i < entries.length; i += 4) {
    let winner = entries[i] as FieldNode | undefined;
    if (winner === undefined) continue; // taken with an earlier entry of its name
    let value = entries[i + 1];
    const isList = entries[i + 2] as boolean;
    let float = entries[i + 3] as boolean;
    // No group: a null held back for a column that is not nullable, which no key replaced.
    const group = winner.clash;
    const kind = isList ? "table" : "column";
    for (let j = i + 4; group !== undefined && j < entries.length; j += 4) {
      const other = entries[j] as FieldNode | undefined;
      if (other === undefined || other.clash !== group || entries[j + 2] !== isList) continue;
      entries[j] = undefined;
      // The row is flattened in dlt's order, so the value met later is the one dlt keeps.
      report(ctx, state, kind, group.name, other, winner);
      winner = other;
      value = entries[j + 1];
      float = entries[j + 3] as boolean;
    }
    if (isList) {
      if ((value as unknown[]).length > 0) (pending ??= []).push(winner, value);
      continue;
    }
    const system = group?.system === DLT_ROOT_ID && !hasRootId ? undefined : group?.system;
    if (system === DLT_ID) {
      // dlt keeps a row id found in the data, unless it is empty (`not row_id` in Python).
      if (value !== null && value !== undefined && value !== "" && value !== 0 && value !== false) {
        putOwnId(state, winner, value, stash, ctx);
      }
    } else if (system !== undefined) {
      report(ctx, state, "system_column", winner.name, undefined, winner);
    } else if (value === null || value === undefined) {
      const column = state.table!.columns[winner.name];
      if (column !== undefined && !column.nullable) {
        throw nullValueError(state, winner, ctx.run.resource);
      }
    } else {
      putValue(state, winner, value, ctx.row, ctx.run, float);
    }
  }
  entries.length = 0;
  return pending;
}

/** Puts a row's own `_dlt_id` into the (system) `_dlt_id` column and remembers it as the id. */
function putOwnId(
  state: TableState,
  node: FieldNode,
  value: unknown,
  stash: ClashStash,
  ctx: ClashContext,
): void {
  // The system column, not one typed by this value: the id is text whatever the data held.
  state.ensureDltColumn(DLT_ID, ctx.run.changes);
  node.column = state.table!.columns[DLT_ID];
  const row = ctx.row;
  putValue(state, node, value, row, ctx.run);
  // A value that is no text (an object kept as json) lands in a variant: then dlt's id is used.
  if (row.count > 0 && row.fields[row.count - 1] === node) {
    stash.ownId = row.values[row.count - 1] as string;
  }
}

function report(
  ctx: ClashContext,
  state: TableState,
  kind: NameCollision["kind"],
  name: string,
  kept: FieldNode | undefined,
  dropped: FieldNode,
): void {
  const collision: NameCollision = {
    resource: ctx.run.resource,
    table: state.name,
    kind,
    name: kind === "table" ? state.name + PATH_SEPARATOR + name : name,
    dropped: keyPointer(dropped),
  };
  if (kept !== undefined) collision.kept = keyPointer(kept);
  ctx.report(collision);
}
