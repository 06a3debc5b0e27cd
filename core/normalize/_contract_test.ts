import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { DataError } from "../errors.ts";
import {
  cloneSchema,
  type ContractMode,
  newSchema,
  type Schema,
  type SchemaContractSettings,
} from "../schema/mod.ts";
import type { ResourceInfo } from "../source/mod.ts";
import { Normalizer } from "./normalizer.ts";

type Row = Record<string, unknown>;

function users(contract?: Partial<SchemaContractSettings>): ResourceInfo {
  return {
    name: "users",
    tableName: "users",
    writeDisposition: "append",
    primaryKey: [],
    mergeKey: [],
    selected: true,
    schemaContract: contract === undefined
      ? undefined
      : { tables: "evolve", columns: "evolve", data_type: "evolve", ...contract },
  };
}

/** Normalizes records; returns the rows per table (without `_dlt_*` columns). */
function run(records: unknown[], info: ResourceInfo, schema: Schema) {
  const normalizer = new Normalizer(schema, { loadId: "1.1" });
  const rows: Record<string, Row[]> = {};
  for (const record of records) {
    normalizer.normalize(record, info, (table, row) => {
      const data = Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith("_dlt")));
      (rows[table] ??= []).push(data);
    });
  }
  return { rows, normalizer };
}

/** A schema where a first (evolving) run loaded users with one child table. */
function loaded(): Schema {
  const schema = newSchema("test");
  run([{ id: 1, name: "a", age: 30, pets: [{ kind: "cat" }] }], users(), schema);
  return schema;
}

function columnsOf(schema: Schema, table: string): string[] {
  return Object.keys(schema.tables[table].columns);
}

function frozen(message: string) {
  return (err: unknown) => {
    ok(err instanceof DataError);
    equal(err.message.split(". To accept")[0], message);
    return true;
  };
}

Deno.test("Normalizer columns contract freeze throws DataError naming table, column, value", () => {
  const schema = loaded();
  const before = cloneSchema(schema);
  throws(
    () => run([{ id: 2, name: "b", nickname: "bob" }], users({ columns: "freeze" }), schema),
    frozen(
      `Schema contract of resource "users" is frozen for columns: new column "nickname" in ` +
        `table "users" (value "bob")`,
    ),
  );
  deepStrictEqual(schema.tables.users.columns, before.tables.users.columns);
});

Deno.test("Normalizer freeze error truncates long values and says how to fix it", () => {
  const schema = loaded();
  throws(
    () => run([{ id: 2, bio: "x".repeat(200) }], users({ columns: "freeze" }), schema),
    (err: unknown) => {
      ok(err instanceof DataError);
      ok(err.message.includes(`(value "${"x".repeat(76)}...)`));
      ok(err.message.endsWith(
        `set the resource's schema_contract columns to "evolve" ` +
          `(or "discard_row" / "discard_value" to drop it)`,
      ));
      return true;
    },
  );
});

Deno.test("Normalizer columns contract discard_row drops the row and its child rows", () => {
  const schema = loaded();
  const { rows, normalizer } = run(
    [
      { id: 2, nickname: "bob", pets: [{ kind: "dog" }] },
      { id: 3, name: "c", pets: [{ kind: "fish" }] },
    ],
    users({ columns: "discard_row" }),
    schema,
  );
  deepStrictEqual(rows, { users: [{ id: 3, name: "c" }], users__pets: [{ kind: "fish" }] });
  deepStrictEqual(normalizer.discarded, { users: { rows: 1, values: 0 } });
  equal(schema.tables.users.columns.nickname, undefined);
  deepStrictEqual(normalizer.changes, []);
});

Deno.test("Normalizer columns contract discard_value drops only the value", () => {
  const schema = loaded();
  const { rows, normalizer } = run(
    [{ id: 2, nickname: "bob", meta: { x: 1 } }, { id: 3, nickname: "cy" }],
    users({ columns: "discard_value" }),
    schema,
  );
  deepStrictEqual(rows, { users: [{ id: 2 }, { id: 3 }] });
  deepStrictEqual(normalizer.discarded, { users: { rows: 0, values: 3 } });
  deepStrictEqual(columnsOf(schema, "users"), ["id", "name", "age", "_dlt_load_id", "_dlt_id"]);
});

Deno.test("Normalizer columns contract applies to child tables of the resource too", () => {
  const schema = loaded();
  throws(
    () => run([{ id: 2, pets: [{ kind: "dog", legs: 4 }] }], users({ columns: "freeze" }), schema),
    frozen(
      `Schema contract of resource "users" is frozen for columns: new column "legs" in table ` +
        `"users__pets" (value 4)`,
    ),
  );
  const { rows, normalizer } = run(
    [{ id: 2, pets: [{ kind: "dog", legs: 4, toys: [{ n: "ball" }] }, { kind: "cat" }] }],
    users({ columns: "discard_row" }),
    schema,
  );
  // dlt discards per table: the parent row stays, the child row goes with its own children.
  deepStrictEqual(rows, { users: [{ id: 2 }], users__pets: [{ kind: "cat" }] });
  deepStrictEqual(normalizer.discarded, { users__pets: { rows: 1, values: 0 } });
  equal(schema.tables.users__pets__toys, undefined);
});

Deno.test("Normalizer does not count nulls of unknown columns as new columns", () => {
  const schema = loaded();
  const { rows, normalizer } = run(
    [{ id: 2, nickname: null }],
    users({ tables: "freeze", columns: "freeze", data_type: "freeze" }),
    schema,
  );
  deepStrictEqual(rows.users, [{ id: 2 }]);
  deepStrictEqual(normalizer.discarded, {});
});

Deno.test("Normalizer data_type contract freeze throws instead of making a variant", () => {
  const schema = loaded();
  throws(
    () => run([{ id: 2, age: "old" }], users({ data_type: "freeze" }), schema),
    frozen(
      `Schema contract of resource "users" is frozen for data_type: value "old" does not fit ` +
        `column "age" (bigint) of table "users" and would need the new variant column ` +
        `"age__v_text"`,
    ),
  );
  equal(schema.tables.users.columns.age__v_text, undefined);
});

Deno.test("Normalizer data_type contract lets coercible values and existing variants pass", () => {
  const schema = loaded();
  run([{ id: 2, age: "forty" }], users(), schema); // evolve: creates age__v_text
  const { rows, normalizer } = run(
    [{ id: 3, age: "41" }, { id: 4, age: "fifty" }],
    users({ data_type: "freeze", columns: "freeze", tables: "freeze" }),
    schema,
  );
  deepStrictEqual(rows.users, [{ id: 3, age: 41 }, { id: 4, age__v_text: "fifty" }]);
  deepStrictEqual(normalizer.changes, []);
});

Deno.test("Normalizer data_type contract discard_row drops the row and undoes its columns", () => {
  const schema = loaded();
  const before = cloneSchema(schema);
  // `extra` alone would be a new column (columns evolve), but the row is dropped for `age`.
  const { rows, normalizer } = run(
    [{ id: 2, extra: "x", age: "old", pets: [{ kind: "dog" }] }, { id: 3, age: 5 }],
    users({ data_type: "discard_row" }),
    schema,
  );
  deepStrictEqual(rows, { users: [{ id: 3, age: 5 }] });
  deepStrictEqual(normalizer.discarded, { users: { rows: 1, values: 0 } });
  deepStrictEqual(normalizer.changes, []);
  deepStrictEqual(schema.tables.users.columns, before.tables.users.columns);
  // The undone column is created properly when a kept row brings it.
  const again = run([{ id: 4, extra: "y" }], users({ data_type: "discard_row" }), schema);
  deepStrictEqual(again.rows.users, [{ id: 4, extra: "y" }]);
  deepStrictEqual(columnsOf(schema, "users").slice(-1), ["extra"]);
});

Deno.test("Normalizer data_type contract discard_value drops the value", () => {
  const schema = loaded();
  const { rows, normalizer } = run(
    [{ id: 2, name: "b", age: "old" }],
    users({ data_type: "discard_value" }),
    schema,
  );
  deepStrictEqual(rows.users, [{ id: 2, name: "b" }]);
  deepStrictEqual(normalizer.discarded, { users: { rows: 0, values: 1 } });
  equal(schema.tables.users.columns.age__v_text, undefined);
});

Deno.test("Normalizer tables contract freeze throws on a new child table", () => {
  const schema = loaded();
  throws(
    () => run([{ id: 2, tags: ["a", "b"] }], users({ tables: "freeze" }), schema),
    frozen(
      `Schema contract of resource "users" is frozen for tables: new table "users__tags" for ` +
        `the list "tags" of table "users" (value ["a","b"])`,
    ),
  );
  equal(schema.tables.users__tags, undefined);
});

for (const mode of ["discard_row", "discard_value"] as const) {
  Deno.test(`Normalizer tables contract ${mode} drops the rows of a new child table`, () => {
    const schema = loaded();
    const { rows, normalizer } = run(
      [{ id: 2, tags: ["a", "b"], pets: [{ kind: "dog", toys: [{ n: "ball" }] }] }],
      users({ tables: mode }),
      schema,
    );
    deepStrictEqual(rows, { users: [{ id: 2 }], users__pets: [{ kind: "dog" }] });
    deepStrictEqual(normalizer.discarded, {
      users__tags: { rows: 2, values: 0 },
      users__pets__toys: { rows: 1, values: 0 },
    });
    deepStrictEqual(Object.keys(schema.tables), ["users", "users__pets"]);
  });
}

Deno.test("Normalizer lets a brand-new root table evolve whatever the contract", () => {
  const schema = newSchema("test");
  const contract = { tables: "freeze", columns: "freeze", data_type: "freeze" } as const;
  const { rows, normalizer } = run(
    [
      { id: 1, name: "a" },
      { id: 2, nickname: "b", pets: [{ kind: "cat" }] },
      { id: 3, pets: [{ kind: "dog", legs: 4 }] },
    ],
    users(contract),
    schema,
  );
  equal(rows.users.length, 3);
  equal(rows.users__pets.length, 2);
  deepStrictEqual(normalizer.discarded, {});
  deepStrictEqual(columnsOf(schema, "users"), [
    "id",
    "name",
    "_dlt_load_id",
    "_dlt_id",
    "nickname",
  ]);
  deepStrictEqual(schema.tables.users.schema_contract, contract);
  // The next run holds the data to what the first one established.
  throws(() => run([{ id: 4, email: "e" }], users(contract), schema), DataError);
  throws(() => run([{ id: 4, tags: ["x"] }], users(contract), schema), DataError);
});

Deno.test("Normalizer still applies the data_type contract to a brand-new table", () => {
  const schema = newSchema("test");
  const { rows, normalizer } = run(
    [{ id: 1 }, { id: "x" }],
    users({ data_type: "discard_row" }),
    schema,
  );
  deepStrictEqual(rows.users, [{ id: 1 }]);
  deepStrictEqual(normalizer.discarded, { users: { rows: 1, values: 0 } });
});

Deno.test("Normalizer with an all-evolve contract checks nothing and records no contract", () => {
  const schema = loaded();
  const info = users({});
  const { rows, normalizer } = run([{ id: 2, nickname: "n", age: "x", tags: ["t"] }], info, schema);
  deepStrictEqual(rows, {
    users: [{ id: 2, nickname: "n", age__v_text: "x" }],
    users__tags: [{
      value: "t",
    }],
  });
  deepStrictEqual(normalizer.discarded, {});
  equal(schema.tables.users.schema_contract, undefined);
});

Deno.test("Normalizer applies a changed contract to the root table on the next run", () => {
  const schema = loaded();
  run([{ id: 2 }], users({ columns: "freeze" as ContractMode }), schema);
  deepStrictEqual(schema.tables.users.schema_contract, {
    tables: "evolve",
    columns: "freeze",
    data_type: "evolve",
  });
  run([{ id: 3 }], users(), schema);
  equal(schema.tables.users.schema_contract, undefined);
});
