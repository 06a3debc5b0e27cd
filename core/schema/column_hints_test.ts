import { deepEqual } from "node:assert/strict";
import { COLUMN_HINTS, columnHints } from "./column_hints.ts";
import type { Column } from "./types.ts";

// Every optional key of `Column` that is a hint. A hint added to `Column` fails to type-check
// here until it is named, and then fails below until `COLUMN_HINTS` lists it.
type HintKey = Exclude<
  keyof Column,
  "name" | "data_type" | "nullable" | "precision" | "scale" | "variant" | `x-${string}`
>;

const EVERY_HINT: Required<Pick<Column, HintKey>> = {
  primary_key: true,
  merge_key: true,
  unique: true,
  row_key: true,
  parent_key: true,
  root_key: true,
  hard_delete: true,
  dedup_sort: "asc",
  incremental: true,
};

Deno.test("COLUMN_HINTS lists every hint of a Column", () => {
  deepEqual([...COLUMN_HINTS].sort(), Object.keys(EVERY_HINT).sort());
});

Deno.test("columnHints() lists every hint set, in COLUMN_HINTS order", () => {
  const column: Column = { name: "c", data_type: "bigint", nullable: false, ...EVERY_HINT };
  deepEqual(columnHints(column), [
    "primary_key",
    "merge_key",
    "unique",
    "row_key",
    "parent_key",
    "root_key",
    "hard_delete",
    "dedup_sort=asc",
    "incremental",
  ]);
});

Deno.test("columnHints() leaves out false flags, variant and x- hints", () => {
  const column: Column = {
    name: "c__v_text",
    data_type: "text",
    nullable: true,
    primary_key: false,
    unique: false,
    variant: true,
    "x-custom": true,
  };
  deepEqual(columnHints(column), []);
  deepEqual(columnHints({ ...column, dedup_sort: "desc", hard_delete: true }), [
    "hard_delete",
    "dedup_sort=desc",
  ]);
});
