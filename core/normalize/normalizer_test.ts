import { deepStrictEqual, equal, match, ok, throws } from "node:assert/strict";
import { DataError } from "../errors.ts";
import { newSchema, type Schema } from "../schema/mod.ts";
import type { ResourceInfo } from "../source/mod.ts";
import { childRowId } from "./_ids.ts";
import { Normalizer, type NormalizerOptions } from "./normalizer.ts";

type Row = Record<string, unknown>;
const LOAD_ID = "1700000000.42";
const ID = /^[A-Za-z0-9+/]{14}$/;

function resource(overrides: Partial<ResourceInfo> = {}): ResourceInfo {
  return {
    name: "issues",
    tableName: "issues",
    writeDisposition: "append",
    primaryKey: [],
    mergeKey: [],
    selected: true,
    ...overrides,
  };
}

/** Normalizes records; returns the rows per table and the schema. */
function run(
  records: unknown[],
  info: ResourceInfo = resource(),
  options: Partial<NormalizerOptions> = {},
  schema: Schema = newSchema("test"),
): { rows: Record<string, Row[]>; order: string[]; schema: Schema; normalizer: Normalizer } {
  const normalizer = new Normalizer(schema, { loadId: LOAD_ID, ...options });
  const rows: Record<string, Row[]> = {};
  const order: string[] = [];
  for (const record of records) {
    normalizer.normalize(record, info, (table, row) => {
      (rows[table] ??= []).push(row);
      order.push(table);
    });
  }
  return { rows, order, schema, normalizer };
}

/** A row without its random or derived ids, for comparisons. */
function data(row: Row): Row {
  const { _dlt_id: _id, _dlt_parent_id: _parent, _dlt_root_id: _root, ...rest } = row;
  return rest;
}

function columnTypes(schema: Schema, table: string): Record<string, string> {
  return Object.fromEntries(
    Object.values(schema.tables[table].columns).map((c) => [c.name, c.data_type]),
  );
}

Deno.test("Normalizer.normalize() flattens nested objects into __ columns", () => {
  const { rows, schema } = run([
    { id: 1, title: "Bug", user: { login: "octocat", site: { url: "https://x" } } },
  ]);
  const row = rows.issues[0];
  deepStrictEqual(Object.keys(row), [
    "id",
    "title",
    "user__login",
    "user__site__url",
    "_dlt_load_id",
    "_dlt_id",
  ]);
  deepStrictEqual(data(row), {
    id: 1,
    title: "Bug",
    user__login: "octocat",
    user__site__url: "https://x",
    _dlt_load_id: LOAD_ID,
  });
  match(row._dlt_id as string, ID);
  deepStrictEqual(columnTypes(schema, "issues"), {
    id: "bigint",
    title: "text",
    user__login: "text",
    user__site__url: "text",
    _dlt_load_id: "text",
    _dlt_id: "text",
  });
  const table = schema.tables.issues;
  equal(table.resource, "issues");
  equal(table.write_disposition, "append");
  equal(table.parent, undefined);
  deepStrictEqual(table.columns._dlt_id, {
    name: "_dlt_id",
    data_type: "text",
    nullable: false,
    unique: true,
    row_key: true,
  });
  deepStrictEqual(table.columns._dlt_load_id, {
    name: "_dlt_load_id",
    data_type: "text",
    nullable: false,
  });
});

Deno.test("Normalizer.normalize() snake_cases table and column names", () => {
  const { rows, schema } = run(
    [{ userId: 1, "HTTPResponseCode": 200, "1st place": "a", "name_": "b", "a__b": 1, "": 2 }],
    resource({ name: "MyIssues", tableName: "MyIssues" }),
  );
  deepStrictEqual(Object.keys(schema.tables), ["my_issues"]);
  deepStrictEqual(data(rows.my_issues[0]), {
    user_id: 1,
    http_response_code: 200,
    _1st_place: "a",
    namex: "b",
    a__b: 1,
    _empty: 2,
    _dlt_load_id: LOAD_ID,
  });
});

Deno.test("Normalizer.normalize() merges keys that normalize to the same column", () => {
  const { rows, schema } = run([{ userId: 1 }, { user_id: 2 }]);
  deepStrictEqual(rows.issues.map((r) => r.user_id), [1, 2]);
  deepStrictEqual(Object.keys(schema.tables.issues.columns), [
    "user_id",
    "_dlt_load_id",
    "_dlt_id",
  ]);
});

Deno.test("Normalizer.normalize() splits lists of objects into child tables two levels deep", () => {
  const { rows, order, schema } = run([{
    id: 1,
    labels: [
      { name: "bug", tags: [{ t: "x" }, { t: "y" }] },
      { name: "ui", tags: [] },
    ],
  }]);
  // Parents before children, depth first.
  deepStrictEqual(order, [
    "issues",
    "issues__labels",
    "issues__labels__tags",
    "issues__labels__tags",
    "issues__labels",
  ]);
  const root = rows.issues[0];
  deepStrictEqual(Object.keys(root), ["id", "_dlt_load_id", "_dlt_id"]);
  const [bug, ui] = rows.issues__labels;
  deepStrictEqual(Object.keys(bug), ["name", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id"]);
  deepStrictEqual([bug.name, bug._dlt_list_idx, bug._dlt_parent_id], ["bug", 0, root._dlt_id]);
  deepStrictEqual([ui.name, ui._dlt_list_idx, ui._dlt_parent_id], ["ui", 1, root._dlt_id]);
  equal(bug._dlt_id, childRowId(root._dlt_id as string, "issues__labels", 0));
  equal(ui._dlt_id, childRowId(root._dlt_id as string, "issues__labels", 1));
  const tags = rows.issues__labels__tags;
  deepStrictEqual(tags.map((t) => [t.t, t._dlt_list_idx, t._dlt_parent_id]), [
    ["x", 0, bug._dlt_id],
    ["y", 1, bug._dlt_id],
  ]);
  equal(tags[1]._dlt_id, childRowId(bug._dlt_id as string, "issues__labels__tags", 1));
  equal(schema.tables.issues__labels.parent, "issues");
  equal(schema.tables.issues__labels__tags.parent, "issues__labels");
  equal(schema.tables.issues__labels.write_disposition, undefined);
  deepStrictEqual(columnTypes(schema, "issues__labels"), {
    name: "text",
    _dlt_parent_id: "text",
    _dlt_list_idx: "bigint",
    _dlt_id: "text",
  });
  deepStrictEqual(schema.tables.issues__labels.columns._dlt_parent_id, {
    name: "_dlt_parent_id",
    data_type: "text",
    nullable: false,
    parent_key: true,
  });
  deepStrictEqual(schema.tables.issues__labels.columns._dlt_list_idx, {
    name: "_dlt_list_idx",
    data_type: "bigint",
    nullable: false,
  });
});

Deno.test("Normalizer.normalize() names child tables after the flattened path", () => {
  const { rows } = run([{ user: { orgs: [{ id: 1 }] } }]);
  deepStrictEqual(Object.keys(rows), ["issues", "issues__user__orgs"]);
});

Deno.test("Normalizer.normalize() turns lists of scalars into value rows", () => {
  const { rows, schema } = run([{ id: 1, tags: ["a", "b"], nums: [1, null, 3] }]);
  deepStrictEqual(rows.issues__tags.map(data), [
    { value: "a", _dlt_list_idx: 0 },
    { value: "b", _dlt_list_idx: 1 },
  ]);
  // A null item still gets its row (with no value), as in dlt.
  deepStrictEqual(rows.issues__nums.map(data), [
    { value: 1, _dlt_list_idx: 0 },
    { _dlt_list_idx: 1 },
    { value: 3, _dlt_list_idx: 2 },
  ]);
  deepStrictEqual(Object.keys(schema.tables.issues__tags.columns), [
    "value",
    "_dlt_parent_id",
    "_dlt_list_idx",
    "_dlt_id",
  ]);
});

Deno.test("Normalizer.normalize() adds an intermediate table for lists of lists", () => {
  const { rows, schema } = run([{ matrix: [[1, 2], [3]] }]);
  equal(rows.issues__matrix.length, 2);
  deepStrictEqual(rows.issues__matrix__list.map((r) => r.value), [1, 2, 3]);
  equal(rows.issues__matrix__list[2]._dlt_parent_id, rows.issues__matrix[1]._dlt_id);
  equal(schema.tables.issues__matrix__list.parent, "issues__matrix");
});

Deno.test("Normalizer.normalize() creates no rows or table for empty lists", () => {
  const { rows, schema } = run([{ id: 1, labels: [], meta: {} }]);
  deepStrictEqual(Object.keys(rows), ["issues"]);
  deepStrictEqual(Object.keys(schema.tables), ["issues"]);
  deepStrictEqual(Object.keys(schema.tables.issues.columns), ["id", "_dlt_load_id", "_dlt_id"]);
});

Deno.test("Normalizer.normalize() wraps records that are not objects into a value column", () => {
  const { rows, schema } = run(["a", 5, [1, 2]]);
  // 5 fits the text column `value` (as "5"); the list becomes child rows.
  deepStrictEqual(rows.issues.map((r) => r.value), ["a", "5", undefined]);
  deepStrictEqual(rows.issues__value.map((r) => r.value), [1, 2]);
  equal(schema.tables.issues.columns.value.data_type, "text");
});

const NESTED = {
  id: 1,
  user: { login: "u", org: { name: "o" }, roles: ["admin"] },
  labels: [{ name: "bug", meta: { color: "red" }, ids: [1] }],
};

Deno.test("Normalizer.normalize() with max_table_nesting 0 stores objects and lists as json", () => {
  const { rows, schema } = run([NESTED], resource(), { maxTableNesting: 0 });
  deepStrictEqual(Object.keys(rows), ["issues"]);
  deepStrictEqual(data(rows.issues[0]), {
    id: 1,
    user: NESTED.user,
    labels: NESTED.labels,
    _dlt_load_id: LOAD_ID,
  });
  deepStrictEqual(columnTypes(schema, "issues"), {
    id: "bigint",
    user: "json",
    labels: "json",
    _dlt_load_id: "text",
    _dlt_id: "text",
  });
});

Deno.test("Normalizer.normalize() with max_table_nesting 1 keeps one level", () => {
  const { rows, schema } = run([NESTED], resource({ maxTableNesting: 1 }));
  deepStrictEqual(Object.keys(rows), ["issues", "issues__labels"]);
  deepStrictEqual(data(rows.issues[0]), {
    id: 1,
    user__login: "u",
    user__org: { name: "o" },
    user__roles: ["admin"],
    _dlt_load_id: LOAD_ID,
  });
  deepStrictEqual(data(rows.issues__labels[0]), {
    name: "bug",
    meta: { color: "red" },
    ids: [1],
    _dlt_list_idx: 0,
  });
  equal(schema.tables.issues.columns.user__org.data_type, "json");
  equal(schema.tables.issues__labels.columns.ids.data_type, "json");
});

Deno.test("Normalizer.normalize() with max_table_nesting 2 keeps two levels", () => {
  const { rows } = run([NESTED], resource({ maxTableNesting: 2 }), { maxTableNesting: 0 });
  // dlt's order: the row's own lists first, then those of its nested objects.
  deepStrictEqual(Object.keys(rows), [
    "issues",
    "issues__labels",
    "issues__labels__ids",
    "issues__user__roles",
  ]);
  deepStrictEqual(data(rows.issues[0]), {
    id: 1,
    user__login: "u",
    user__org__name: "o",
    _dlt_load_id: LOAD_ID,
  });
  equal(rows.issues__labels[0].meta__color, "red");
});

Deno.test("Normalizer.normalize() keeps values as json where the column is json", () => {
  const schema = newSchema("test");
  schema.tables.issues = {
    name: "issues",
    columns: { payload: { name: "payload", data_type: "json", nullable: true } },
  };
  const { rows } = run([{ payload: { a: [1, 2] } }], resource(), {}, schema);
  deepStrictEqual(rows.issues[0].payload, { a: [1, 2] });
  deepStrictEqual(Object.keys(rows), ["issues"]);
});

Deno.test("Normalizer.normalize() infers types from the first non-null value", () => {
  const { rows, schema } = run([{
    s: "x",
    i: 3,
    f: 1.5,
    b: false,
    ts: "2024-01-02T03:04:05Z",
    tsz: "2024-01-02T03:04:05.123+02:00",
    d: "2024-01-02",
    date: new Date(Date.UTC(2024, 0, 2)),
  }]);
  deepStrictEqual(columnTypes(schema, "issues"), {
    s: "text",
    i: "bigint",
    f: "double",
    b: "bool",
    ts: "timestamp",
    tsz: "timestamp",
    d: "text",
    date: "timestamp",
    _dlt_load_id: "text",
    _dlt_id: "text",
  });
  equal(rows.issues[0].ts, "2024-01-02T03:04:05Z");
  equal(rows.issues[0].date, "2024-01-02T00:00:00.000Z");
});

Deno.test("Normalizer.normalize() does not emit nulls nor create null-only columns", () => {
  const { rows, schema } = run([
    { id: 1, body: null, user: { login: null } },
    { id: 2, body: null, user: null },
    { id: 3, closed_at: undefined },
  ]);
  deepStrictEqual(rows.issues.map((r) => Object.keys(r)), [
    ["id", "_dlt_load_id", "_dlt_id"],
    ["id", "_dlt_load_id", "_dlt_id"],
    ["id", "_dlt_load_id", "_dlt_id"],
  ]);
  deepStrictEqual(Object.keys(schema.tables.issues.columns), ["id", "_dlt_load_id", "_dlt_id"]);
});

Deno.test("Normalizer.normalize() adds a column when a null column gets a value later", () => {
  const { rows, schema } = run([{ id: 1, body: null }, { id: 2, body: "text" }]);
  equal(rows.issues[1].body, "text");
  deepStrictEqual(Object.keys(schema.tables.issues.columns), [
    "id",
    "_dlt_load_id",
    "_dlt_id",
    "body",
  ]);
});

Deno.test("Normalizer.normalize() coerces convertible values into the column type", () => {
  const { rows, schema } = run([
    { n: 1, f: 1.5, s: "a", b: true, ts: "2024-01-02T03:04:05Z" },
    { n: "123", f: 2, s: 5, b: "no", ts: "2024-02-03" },
  ]);
  deepStrictEqual(data(rows.issues[1]), {
    n: 123,
    f: 2,
    s: "5",
    b: false,
    ts: "2024-02-03T00:00:00+00:00",
    _dlt_load_id: LOAD_ID,
  });
  equal(Object.values(schema.tables.issues.columns).some((c) => c.variant), false);
});

Deno.test("Normalizer.normalize() puts values that do not fit into variant columns", () => {
  const { rows, schema, normalizer } = run([
    { id: 1, ts: "2024-01-02T03:04:05Z", flag: true },
    { id: "abc", ts: "not a time", flag: 1.5 },
    { id: 2.5, ts: "2024-01-03T00:00:00Z" },
    { id: "def" },
  ]);
  deepStrictEqual(rows.issues.map(data), [
    { id: 1, ts: "2024-01-02T03:04:05Z", flag: true, _dlt_load_id: LOAD_ID },
    { id__v_text: "abc", ts__v_text: "not a time", flag: true, _dlt_load_id: LOAD_ID },
    { id__v_double: 2.5, ts: "2024-01-03T00:00:00Z", _dlt_load_id: LOAD_ID },
    { id__v_text: "def", _dlt_load_id: LOAD_ID },
  ]);
  const columns = schema.tables.issues.columns;
  deepStrictEqual(columns.id__v_text, {
    name: "id__v_text",
    data_type: "text",
    nullable: true,
    variant: true,
  });
  equal(columns.id__v_double.data_type, "double");
  equal(columns.ts__v_text.variant, true);
  deepStrictEqual(
    normalizer.newColumns.filter((c) => c.column.variant).map((c) => c.column.name),
    ["id__v_text", "ts__v_text", "id__v_double"],
  );
});

Deno.test("Normalizer.normalize() types a variant column by its first value", () => {
  // As in dlt: the variant is named by the raw type (text) but typed by detection (timestamp).
  const { schema } = run([{ n: 1 }, { n: "2024-01-02T03:04:05Z" }]);
  equal(schema.tables.issues.columns.n__v_text.data_type, "timestamp");
});

Deno.test("Normalizer.normalize() throws DataError when a value fits no variant", () => {
  throws(
    () => run([{ n: 1 }, { n: "2024-01-02T03:04:05Z" }, { n: "soon" }]),
    (err: unknown) => {
      ok(err instanceof DataError);
      match(err.message, /"soon" fits neither column "n" \(bigint\) of table "issues"/);
      match(err.message, /variant column "n__v_text" \(timestamp\)/);
      return true;
    },
  );
});

Deno.test("Normalizer.normalize() coerces into the types of a stored schema", () => {
  const schema = newSchema("test");
  schema.tables.issues = {
    name: "issues",
    columns: {
      id: { name: "id", data_type: "text", nullable: true },
      amount: { name: "amount", data_type: "decimal", nullable: true },
    },
  };
  const { rows } = run([{ id: 7, amount: "12.50", extra: true }], resource(), {}, schema);
  deepStrictEqual(data(rows.issues[0]), {
    id: "7",
    amount: "12.50",
    extra: true,
    _dlt_load_id: LOAD_ID,
  });
  deepStrictEqual(Object.keys(schema.tables.issues.columns), [
    "id",
    "amount",
    "extra",
    "_dlt_load_id",
    "_dlt_id",
  ]);
});

Deno.test("Normalizer.normalize() records primary and merge key hints on root columns", () => {
  const { schema } = run(
    [{ Id: 1, repoName: "r", body: "x", labels: [{ id: 5 }] }],
    resource({ primaryKey: ["Id", "repoName"], mergeKey: ["body"], writeDisposition: "merge" }),
  );
  const columns = schema.tables.issues.columns;
  deepStrictEqual(columns.id, {
    name: "id",
    data_type: "bigint",
    nullable: false,
    primary_key: true,
  });
  equal(columns.repo_name.primary_key, true);
  equal(columns.body.merge_key, true);
  equal(columns.body.primary_key, undefined);
  equal(schema.tables.issues.write_disposition, "merge");
  // Child tables follow their root: no key hints of their own.
  equal(schema.tables.issues__labels.columns.id.primary_key, undefined);
});

Deno.test("Normalizer.normalize() updates hints of a root table that already exists", () => {
  const schema = newSchema("test");
  schema.tables.issues = {
    name: "issues",
    columns: { id: { name: "id", data_type: "bigint", nullable: true } },
    write_disposition: "append",
  };
  run([{ id: 1 }], resource({ primaryKey: ["id"], writeDisposition: "replace" }), {}, schema);
  equal(schema.tables.issues.write_disposition, "replace");
  equal(schema.tables.issues.resource, "issues");
  deepStrictEqual(schema.tables.issues.columns.id, {
    name: "id",
    data_type: "bigint",
    nullable: false,
    primary_key: true,
  });
});

Deno.test("Normalizer.normalize() throws DataError on null in a primary key column", () => {
  throws(
    () => run([{ id: 1 }, { id: null }], resource({ primaryKey: ["id"] })),
    (err: unknown) => {
      ok(err instanceof DataError);
      match(err.message, /resource "issues": column "id" of table "issues" is not nullable/);
      return true;
    },
  );
});

Deno.test("Normalizer.normalize() adds _dlt_root_id to child rows of merge resources", () => {
  const { rows, schema } = run(
    [{ id: 1, labels: [{ name: "a", tags: ["x"] }] }],
    resource({ writeDisposition: "merge", primaryKey: ["id"] }),
  );
  const rootId = rows.issues[0]._dlt_id;
  equal(rows.issues[0]._dlt_root_id, undefined);
  deepStrictEqual(Object.keys(rows.issues__labels[0]), [
    "name",
    "_dlt_root_id",
    "_dlt_parent_id",
    "_dlt_list_idx",
    "_dlt_id",
  ]);
  equal(rows.issues__labels[0]._dlt_root_id, rootId);
  equal(rows.issues__labels__tags[0]._dlt_root_id, rootId);
  deepStrictEqual(schema.tables.issues__labels__tags.columns._dlt_root_id, {
    name: "_dlt_root_id",
    data_type: "text",
    nullable: false,
    root_key: true,
  });
  equal(schema.tables.issues.columns._dlt_root_id, undefined);
});

Deno.test("Normalizer.changes lists new tables and columns in order", () => {
  const { normalizer } = run([{ id: 1, tags: ["a"] }, { id: 2, title: "t" }]);
  deepStrictEqual(normalizer.newTables, ["issues", "issues__tags"]);
  deepStrictEqual(normalizer.newColumns.map((c) => `${c.table}.${c.column.name}`), [
    "issues.id",
    "issues._dlt_load_id",
    "issues._dlt_id",
    "issues__tags.value",
    "issues__tags._dlt_parent_id",
    "issues__tags._dlt_list_idx",
    "issues__tags._dlt_id",
    "issues.title",
  ]);
  deepStrictEqual(normalizer.changes[0], { kind: "table", table: "issues" });
  deepStrictEqual(normalizer.changes[4], {
    kind: "table",
    table: "issues__tags",
    parent: "issues",
  });
});

Deno.test("Normalizer.normalize() reports no changes for data the schema already holds", () => {
  const schema = newSchema("test");
  run([{ id: 1, tags: ["a"] }], resource(), {}, schema);
  const { normalizer } = run([{ id: 2, tags: ["b"] }], resource(), {}, schema);
  deepStrictEqual(normalizer.changes, []);
});

Deno.test("Normalizer.normalize() emits independent row objects for many records", () => {
  const records = Array.from({ length: 300 }, (_, i) => ({
    id: i,
    body: i % 3 === 0 ? null : `b${i}`,
    labels: Array.from({ length: i % 3 }, (_, j) => ({ name: `l${j}` })),
  }));
  const { rows } = run(records);
  equal(rows.issues.length, 300);
  deepStrictEqual(rows.issues.map((r) => r.id), records.map((r) => r.id));
  deepStrictEqual(rows.issues.map((r) => r.body), records.map((r) => r.body ?? undefined));
  equal(rows.issues__labels.length, 300);
  equal(new Set(rows.issues.map((r) => r._dlt_id)).size, 300);
  for (const row of rows.issues) equal(row._dlt_load_id, LOAD_ID);
});

Deno.test("Normalizer.normalize() keeps tables of different resources apart", () => {
  const schema = newSchema("test");
  const normalizer = new Normalizer(schema, { loadId: LOAD_ID });
  const tables: string[] = [];
  const sink = (table: string) => void tables.push(table);
  normalizer.normalize({ id: 1 }, resource(), sink);
  normalizer.normalize({ id: 1 }, resource({ name: "users", tableName: "Users" }), sink);
  deepStrictEqual(tables, ["issues", "users"]);
  equal(schema.tables.users.resource, "users");
});
