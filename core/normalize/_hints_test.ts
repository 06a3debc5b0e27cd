import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { DataError } from "../errors.ts";
import { bumpVersion, newSchema, type Schema } from "../schema/mod.ts";
import type { ResourceInfo } from "../source/mod.ts";
import { Normalizer } from "./normalizer.ts";

type Row = Record<string, unknown>;

function events(overrides: Partial<ResourceInfo> = {}): ResourceInfo {
  return {
    name: "events",
    tableName: "events",
    writeDisposition: "append",
    primaryKey: [],
    mergeKey: [],
    selected: true,
    ...overrides,
  };
}

function run(records: unknown[], info: ResourceInfo, schema: Schema = newSchema("test")) {
  const normalizer = new Normalizer(schema, { loadId: "1.1" });
  const rows: Record<string, Row[]> = {};
  for (const record of records) {
    normalizer.normalize(record, info, (table, row) => {
      const data = Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith("_dlt")));
      (rows[table] ??= []).push(data);
    });
  }
  return { rows, normalizer, schema };
}

Deno.test("Normalizer creates columns with a data_type hint with the table and coerces into them", () => {
  const { rows, schema, normalizer } = run(
    [
      { name: "a", id: "123", createdAt: "2024-01-02T03:04:05Z" },
      { id: 7, createdAt: "2024-02-03" },
      { id: "abc", createdAt: "soon" },
    ],
    events({
      columns: {
        id: { data_type: "bigint" },
        createdAt: { data_type: "timestamp" },
        amount: { data_type: "decimal", nullable: false },
      },
    }),
  );
  deepStrictEqual(rows.events, [
    { name: "a", id: 123, created_at: "2024-01-02T03:04:05Z" },
    { id: 7, created_at: "2024-02-03T00:00:00+00:00" },
    // What does not fit goes to variant columns as usual.
    { id__v_text: "abc", created_at__v_text: "soon" },
  ]);
  const columns = schema.tables.events.columns;
  // Hinted columns first, in hint order, even one no record has (as dlt creates them).
  deepStrictEqual(Object.keys(columns).slice(0, 4), ["id", "created_at", "amount", "name"]);
  deepStrictEqual(columns.amount, {
    name: "amount",
    data_type: "decimal",
    nullable: false,
  });
  equal(columns.created_at.data_type, "timestamp");
  deepStrictEqual(normalizer.newColumns.slice(0, 3).map((c) => c.column.name), [
    "id",
    "created_at",
    "amount",
  ]);
});

Deno.test("Normalizer adds a hinted column to an existing table on the next run", () => {
  const schema = newSchema("test");
  run([{ a: 1 }], events(), schema);
  // The table exists: the hinted column is added on the next run, before data.
  const { rows } = run(
    [{ a: 2, code: 42 }],
    events({ columns: { code: { data_type: "text" } } }),
    schema,
  );
  deepStrictEqual(rows.events, [{ a: 2, code: "42" }]);
  equal(schema.tables.events.columns.code.data_type, "text");
});

Deno.test("Normalizer keeps the type of an existing column over a data_type hint", () => {
  const schema = newSchema("test");
  run([{ n: 1 }], events(), schema);
  const { rows } = run([{ n: "x" }], events({ columns: { n: { data_type: "text" } } }), schema);
  deepStrictEqual(rows.events, [{ n__v_text: "x" }]);
  equal(schema.tables.events.columns.n.data_type, "bigint");
});

Deno.test("Normalizer puts hard_delete, dedup_sort, merge_key, unique hints on columns", () => {
  const { schema } = run(
    [{ id: 1, isDeleted: false, updatedAt: 3, tenant: "t", email: "e", note: "n" }],
    events({
      writeDisposition: "merge",
      mergeStrategy: "upsert",
      primaryKey: ["id"],
      mergeKey: ["tenant"],
      columns: {
        isDeleted: { hard_delete: true },
        updatedAt: { dedup_sort: "desc" },
        email: { unique: true, nullable: false },
      },
    }),
  );
  const table = schema.tables.events;
  deepStrictEqual(table.columns.id, {
    name: "id",
    data_type: "bigint",
    nullable: false,
    primary_key: true,
  });
  deepStrictEqual(table.columns.is_deleted, {
    name: "is_deleted",
    data_type: "bool",
    nullable: true,
    hard_delete: true,
  });
  equal(table.columns.updated_at.dedup_sort, "desc");
  equal(table.columns.tenant.merge_key, true);
  deepStrictEqual(table.columns.email, {
    name: "email",
    data_type: "text",
    nullable: false,
    unique: true,
  });
  deepStrictEqual(table.columns.note, { name: "note", data_type: "text", nullable: true });
  equal(table.write_disposition, "merge");
  equal(table.merge_strategy, "upsert");
});

Deno.test("Normalizer takes primary_key from column hints as well", () => {
  const { schema } = run(
    [{ id: 1, sku: "s" }],
    events({ columns: { sku: { primary_key: true } } }),
  );
  equal(schema.tables.events.columns.sku.primary_key, true);
  equal(schema.tables.events.columns.sku.nullable, false);
  throws(
    () => run([{ id: 2, sku: null }], events({ columns: { sku: { primary_key: true } } }), schema),
    DataError,
  );
});

Deno.test("Normalizer replaces the hints of a root table with the resource's current ones", () => {
  const schema = newSchema("test");
  run(
    [{ id: 1, deleted: false, ts: 1 }],
    events({
      writeDisposition: "merge",
      mergeStrategy: "delete-insert",
      primaryKey: ["id"],
      columns: { deleted: { hard_delete: true }, ts: { dedup_sort: "asc" } },
      schemaContract: { tables: "freeze", columns: "evolve", data_type: "evolve" },
    }),
    schema,
  );
  run([{ id: 2 }], events({ primaryKey: ["ts"] }), schema);
  const table = schema.tables.events;
  equal(table.write_disposition, "append");
  equal(table.merge_strategy, undefined);
  equal(table.schema_contract, undefined);
  deepStrictEqual(table.columns.id, { name: "id", data_type: "bigint", nullable: true });
  deepStrictEqual(table.columns.deleted, { name: "deleted", data_type: "bool", nullable: true });
  deepStrictEqual(table.columns.ts, {
    name: "ts",
    data_type: "bigint",
    nullable: false,
    primary_key: true,
  });
  // System columns keep their own hints.
  equal(table.columns._dlt_id.unique, true);
});

Deno.test("Normalizer hint-only changes bump the schema version", () => {
  const schema = newSchema("test");
  run(
    [{ id: 1, deleted: false }],
    events({ writeDisposition: "merge", primaryKey: ["id"] }),
    schema,
  );
  ok(bumpVersion(schema, newSchema("test").version_hash));
  equal(schema.version, 2);
  const hash = schema.version_hash;
  const { normalizer } = run(
    [{ id: 2, deleted: true }],
    events({
      writeDisposition: "merge",
      primaryKey: ["id"],
      columns: { deleted: { hard_delete: true } },
    }),
    schema,
  );
  deepStrictEqual(normalizer.changes, []);
  ok(bumpVersion(schema, hash));
  equal(schema.version, 3);
  // The same hints again change nothing.
  const again = schema.version_hash;
  run(
    [{ id: 3 }],
    events({
      writeDisposition: "merge",
      primaryKey: ["id"],
      columns: { deleted: { hard_delete: true } },
    }),
    schema,
  );
  equal(bumpVersion(schema, again), false);
});

Deno.test("Normalizer adds hinted columns to an existing table only as the contract allows", () => {
  const hinted = (mode: "freeze" | "discard_value") =>
    events({
      columns: { code: { data_type: "text" } },
      schemaContract: { tables: "evolve", columns: mode, data_type: "evolve" },
    });
  const schema = newSchema("test");
  run([{ a: 1 }], events(), schema);
  throws(() => run([{ a: 2 }], hinted("freeze"), schema), (err: unknown) => {
    ok(err instanceof DataError);
    ok(err.message.startsWith(
      `Schema contract of resource "events" is frozen for columns: new column "code" in table ` +
        `"events" (declared in the resource's columns hints)`,
    ));
    return true;
  });
  const { rows } = run([{ a: 2, code: "x" }], hinted("discard_value"), schema);
  deepStrictEqual(rows.events, [{ a: 2 }]);
  equal(schema.tables.events.columns.code, undefined);
});

Deno.test("Normalizer gives child tables of merge resources _dlt_root_id but no hints", () => {
  const { schema } = run(
    [{ id: 1, items: [{ id: 5, deleted: true }] }],
    events({
      writeDisposition: "merge",
      primaryKey: ["id"],
      columns: { deleted: { hard_delete: true } },
    }),
  );
  const child = schema.tables.events__items;
  equal(child.columns._dlt_root_id.root_key, true);
  deepStrictEqual(child.columns.id, { name: "id", data_type: "bigint", nullable: true });
  equal(child.columns.deleted.hard_delete, undefined);
  equal(child.write_disposition, undefined);
});

Deno.test("Normalizer keeps objects and lists whole in a column hinted as json", () => {
  const { rows, schema } = run(
    [{ id: 1, payload: { a: { b: 1 } }, tags: ["x"] }],
    events({ columns: { payload: { data_type: "json" }, tags: { data_type: "json" } } }),
  );
  deepStrictEqual(rows, { events: [{ id: 1, payload: { a: { b: 1 } }, tags: ["x"] }] });
  deepStrictEqual(Object.keys(schema.tables), ["events"]);
});
