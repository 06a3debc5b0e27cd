/**
 * Validation of a resource's loading hints: `incremental` (on the resource, its endpoint or a
 * param), `schema_contract` and `columns`, with dlt's keys and values.
 *
 * @module
 */

import { type ContractMode, DATA_TYPES } from "../schema/types.ts";
import { type Checker, describe, isPlainObject, join } from "./_check.ts";
import type { ColumnHint, IncrementalConfig, IncrementalParam, SchemaContract } from "./types.ts";

const CONTRACT_MODES: readonly ContractMode[] = [
  "evolve",
  "freeze",
  "discard_row",
  "discard_value",
];
const CONTRACT_ENTITIES = ["tables", "columns", "data_type"] as const;

const INCREMENTAL_KEYS = [
  "cursor_path",
  "initial_value",
  "end_value",
  "last_value_func",
  "lag",
  "row_order",
  "on_cursor_value_missing",
];
// dlt keys dltx knows but does not implement.
const UNSUPPORTED_INCREMENTAL_KEYS: Record<string, string> = {
  primary_key: "the resource's primary_key is the deduplication key",
  range_start: "",
  range_end: "",
  allow_external_schedulers: "",
  convert: "",
  transform: "",
};

const COLUMN_KEYS: (keyof ColumnHint)[] = [
  "data_type",
  "nullable",
  "primary_key",
  "merge_key",
  "unique",
  "hard_delete",
  "dedup_sort",
];
const UNSUPPORTED_COLUMN_KEYS: Record<string, string> = {
  precision: "",
  scale: "",
  timezone: "",
  description: "",
  partition: "",
  cluster: "",
  sort: "",
  row_key: "set by the normalizer",
  parent_key: "set by the normalizer",
  root_key: "set by the normalizer",
};

/** Where an incremental config sits; each place allows different keys. */
export type IncrementalPlace = "resource" | "endpoint";

/**
 * An `incremental` block: on the resource (filters records only) or on the endpoint (may
 * send the range as `start_param`/`end_param`).
 */
export function checkIncremental(
  c: Checker,
  value: unknown,
  path: string,
  place: IncrementalPlace,
): IncrementalConfig | undefined {
  const misplaced: Record<string, string> = place === "resource"
    ? { start_param: ENDPOINT_ONLY, end_param: ENDPOINT_ONLY }
    : {};
  const o = c.keys(withoutMisplaced(c, value, path, misplaced), path, [
    ...INCREMENTAL_KEYS,
    ...(place === "endpoint" ? ["start_param", "end_param"] : []),
  ], {
    required: ["cursor_path"],
    unsupported: UNSUPPORTED_INCREMENTAL_KEYS,
    what: "an incremental",
  });
  if (!o) return undefined;
  const out: IncrementalConfig | undefined = checkSettings(c, o, path);
  if (out === undefined) return undefined;
  for (const key of ["start_param", "end_param"] as const) {
    if (o[key] !== undefined) out[key] = c.string(o[key], join(path, key));
  }
  return out;
}

const ENDPOINT_ONLY = "sends the range to the API, so it belongs in endpoint.incremental; " +
  "the resource's incremental only filters records";
const NOT_ON_PARAM = "cannot be set on a param; set endpoint.incremental with start_param, " +
  "end_param and end_value to send both ends of the range";

/** A param bound to the cursor: `{type: "incremental", cursor_path, initial_value, ...}`. */
export function checkIncrementalParam(
  c: Checker,
  value: Record<string, unknown>,
  path: string,
): IncrementalParam | undefined {
  const misplaced = {
    start_param: "is not needed: the param itself receives the start value",
    end_param: NOT_ON_PARAM,
    end_value: NOT_ON_PARAM,
  };
  const o = c.keys(withoutMisplaced(c, value, path, misplaced), path, [
    "type",
    ...INCREMENTAL_KEYS,
  ], {
    required: ["cursor_path"],
    unsupported: UNSUPPORTED_INCREMENTAL_KEYS,
    what: "an incremental param",
  });
  if (!o) return undefined;
  const out = checkSettings(c, o, path);
  return out === undefined ? undefined : { type: "incremental", ...out };
}

/** Reports keys that are valid elsewhere (saying where), and leaves them out. */
function withoutMisplaced(
  c: Checker,
  value: unknown,
  path: string,
  misplaced: Record<string, string>,
): unknown {
  if (!isPlainObject(value)) return value;
  const rest: Record<string, unknown> = { ...value };
  for (const [key, message] of Object.entries(misplaced)) {
    if (rest[key] === undefined) continue;
    c.fail(join(path, key), message);
    delete rest[key];
  }
  return rest;
}

function checkSettings(
  c: Checker,
  o: Record<string, unknown>,
  path: string,
): Omit<IncrementalConfig, "start_param" | "end_param"> | undefined {
  const at = (key: string) => join(path, key);
  const cursorPath = c.string(o.cursor_path, at("cursor_path"));
  if (cursorPath === undefined) return undefined;
  const out: Omit<IncrementalConfig, "start_param" | "end_param"> = { cursor_path: cursorPath };
  for (const key of ["initial_value", "end_value"] as const) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (typeof v === "string" || (typeof v === "number" && Number.isFinite(v))) out[key] = v;
    else if (v instanceof Date && !Number.isNaN(v.getTime())) out[key] = v;
    else c.fail(at(key), `must be a number, a timestamp or a string (got ${describe(v)})`);
  }
  if (out.end_value !== undefined && out.initial_value === undefined) {
    c.fail(
      at("end_value"),
      "needs initial_value: a backfill loads from initial_value to end_value",
    );
  }
  if (o.last_value_func !== undefined) {
    out.last_value_func = c.oneOf(
      o.last_value_func,
      at("last_value_func"),
      ["max", "min"] as const,
    );
  }
  if (o.lag !== undefined) {
    if (typeof o.lag !== "number" || !Number.isFinite(o.lag) || o.lag < 0) {
      c.fail(at("lag"), `must be a number, 0 or more (got ${describe(o.lag)})`);
    } else out.lag = o.lag;
  }
  if (o.row_order !== undefined) {
    out.row_order = c.oneOf(o.row_order, at("row_order"), ["asc", "desc"] as const);
  }
  if (o.on_cursor_value_missing !== undefined) {
    out.on_cursor_value_missing = c.oneOf(
      o.on_cursor_value_missing,
      at("on_cursor_value_missing"),
      ["raise", "include", "exclude"] as const,
    );
  }
  return out;
}

/** `schema_contract`: one mode for everything, or a mode per entity. */
export function checkSchemaContract(
  c: Checker,
  value: unknown,
  path: string,
): SchemaContract | undefined {
  if (typeof value === "string") return c.oneOf(value, path, CONTRACT_MODES);
  if (!isPlainObject(value)) {
    return c.fail(
      path,
      `must be a mode (${CONTRACT_MODES.join(", ")}) or an object of modes per ${
        CONTRACT_ENTITIES.join(", ")
      } (got ${describe(value)})`,
    );
  }
  const o = c.keys(value, path, CONTRACT_ENTITIES, { what: "a schema contract" });
  if (!o) return undefined;
  const out: Exclude<SchemaContract, string> = {};
  for (const entity of CONTRACT_ENTITIES) {
    if (o[entity] !== undefined) {
      out[entity] = c.oneOf(o[entity], join(path, entity), CONTRACT_MODES);
    }
  }
  return out;
}

/** `columns`: hints per column, dlt's keys. */
export function checkColumns(
  c: Checker,
  value: unknown,
  path: string,
): Record<string, ColumnHint> | undefined {
  return c.record(value, path, (v, p) => {
    const o = c.keys(v, p, COLUMN_KEYS, {
      unsupported: UNSUPPORTED_COLUMN_KEYS,
      what: "column hints",
    });
    if (!o) return undefined;
    const hint: ColumnHint = {};
    if (o.data_type !== undefined) {
      hint.data_type = c.oneOf(o.data_type, join(p, "data_type"), DATA_TYPES);
    }
    for (const key of ["nullable", "primary_key", "merge_key", "unique", "hard_delete"] as const) {
      if (o[key] !== undefined) hint[key] = c.boolean(o[key], join(p, key));
    }
    if (o.dedup_sort !== undefined) {
      hint.dedup_sort = c.oneOf(o.dedup_sort, join(p, "dedup_sort"), ["asc", "desc"] as const);
    }
    return hint;
  });
}
