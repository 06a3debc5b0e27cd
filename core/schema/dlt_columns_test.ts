import { deepStrictEqual, equal, notStrictEqual } from "node:assert/strict";
import { dltColumn, isDltColumn } from "./dlt_columns.ts";

Deno.test("dltColumn() gives dlt's hints for each system column", () => {
  deepStrictEqual(dltColumn("_dlt_id"), {
    name: "_dlt_id",
    data_type: "text",
    nullable: false,
    unique: true,
    row_key: true,
  });
  deepStrictEqual(dltColumn("_dlt_load_id"), {
    name: "_dlt_load_id",
    data_type: "text",
    nullable: false,
  });
  equal(dltColumn("_dlt_parent_id").parent_key, true);
  equal(dltColumn("_dlt_root_id").root_key, true);
  equal(dltColumn("_dlt_list_idx").data_type, "bigint");
  notStrictEqual(dltColumn("_dlt_id"), dltColumn("_dlt_id"));
});

Deno.test("isDltColumn() recognizes the _dlt_ prefix", () => {
  equal(isDltColumn("_dlt_id"), true);
  equal(isDltColumn("dlt_id"), false);
});
