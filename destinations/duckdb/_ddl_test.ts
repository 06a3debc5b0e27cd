import { deepStrictEqual } from "node:assert/strict";
import type { Table } from "../../core/schema/types.ts";
import { SYSTEM_TABLES } from "../../core/pipeline/mod.ts";
import { type ExistingColumns, planDdl } from "./_ddl.ts";

const orders: Table = {
  name: "orders",
  columns: {
    id: { name: "id", data_type: "bigint", nullable: false },
    note: { name: "note", data_type: "text", nullable: true },
    at: { name: "at", data_type: "timestamp", nullable: false },
  },
};

Deno.test("planDdl() creates missing tables with NOT NULL on non-nullable columns", () => {
  const existing: ExistingColumns = new Map();
  deepStrictEqual(planDdl("ds", [orders, { name: "empty", columns: {} }], existing), [
    'CREATE TABLE "ds"."orders" ("id" BIGINT NOT NULL, "note" VARCHAR, ' +
    '"at" TIMESTAMP WITH TIME ZONE NOT NULL)',
  ]);
  deepStrictEqual([...existing.get("orders")!], ["id", "note", "at"]);
  deepStrictEqual(planDdl("ds", [orders], existing), []);
});

Deno.test("planDdl() adds missing columns as nullable, matching names case-insensitively", () => {
  const existing: ExistingColumns = new Map([["orders", new Set(["id", "note"])]]);
  const upper = { ...orders, name: "Orders" };
  deepStrictEqual(planDdl("ds", [upper], existing), [
    'ALTER TABLE "ds"."Orders" ADD COLUMN "at" TIMESTAMP WITH TIME ZONE',
  ]);
});

Deno.test("SYSTEM_TABLES match dlt's system table columns", () => {
  deepStrictEqual(
    SYSTEM_TABLES.map((t) => [t.name, Object.keys(t.columns).join(",")]),
    [
      ["_dlt_version", "version,engine_version,inserted_at,schema_name,version_hash,schema"],
      ["_dlt_loads", "load_id,schema_name,status,inserted_at,schema_version_hash"],
      [
        "_dlt_pipeline_state",
        "version,engine_version,pipeline_name,state,created_at,version_hash,_dlt_load_id,_dlt_id",
      ],
    ],
  );
});
