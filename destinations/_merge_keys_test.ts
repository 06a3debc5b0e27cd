import { equal, throws } from "node:assert/strict";
import { UserError } from "../core/errors.ts";
import type { Table } from "../core/schema/types.ts";
import {
  hardDeleteCondition,
  requirePrimaryKey,
  rootKeyColumn,
  rowKeyColumn,
} from "./_merge_keys.ts";

const root: Table = {
  name: "orders",
  resource: "orders",
  columns: {
    id: { name: "id", data_type: "bigint", nullable: true },
    _dlt_id: { name: "_dlt_id", data_type: "text", nullable: true, row_key: true },
  },
};

Deno.test("hard_delete: a bool deletes when true, any other type when not null", () => {
  equal(
    hardDeleteCondition({ name: "d", data_type: "bool", nullable: true }, '"d"'),
    '"d" IS TRUE',
  );
  equal(
    hardDeleteCondition({ name: "d", data_type: "timestamp", nullable: true }, 's."d"'),
    's."d" IS NOT NULL',
  );
});

Deno.test("merge keys: row key first, then a unique column, then a single primary key", () => {
  equal(rowKeyColumn(root, ["id"]), "_dlt_id");
  const bare: Table = {
    name: "t",
    columns: { id: { name: "id", data_type: "bigint", nullable: true } },
  };
  equal(rowKeyColumn(bare, ["id"]), "id");
  throws(() => rowKeyColumn(bare, []), UserError);
  throws(() => requirePrimaryKey(bare, [], "upsert"), /strategy upsert: it has no primary_key/);
});

Deno.test("a child without a root key names the drop command that starts it over", () => {
  const child: Table = {
    name: "orders__items__x",
    parent: "orders__items",
    columns: {
      _dlt_parent_id: {
        name: "_dlt_parent_id",
        data_type: "text",
        nullable: true,
        parent_key: true,
      },
    },
  };
  throws(
    () => rootKeyColumn(root, child),
    /it has no root key column[^]*dltx pipeline <name> drop orders\) and load again/,
  );
  // One level down, the parent key links to the root.
  equal(rootKeyColumn(root, { ...child, parent: "orders" }), "_dlt_parent_id");
});
