import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { DataError } from "../errors.ts";
import { parseJson } from "../json/mod.ts";
import { type Column, newSchema, type Schema } from "../schema/mod.ts";
import type { ResourceInfo } from "../source/mod.ts";
import { Normalizer } from "./normalizer.ts";

const INFO: ResourceInfo = {
  name: "items",
  tableName: "items",
  writeDisposition: "append",
  primaryKey: [],
  mergeKey: [],
  selected: true,
};

/**
 * Normalizes the records of JSON texts as a page parser hands them over; returns each table's
 * rows as the job writer writes them (JSON lines) and the schema.
 */
function normalize(
  texts: string[],
  info: ResourceInfo = INFO,
): { lines: Record<string, string[]>; schema: Schema } {
  const schema = newSchema("test");
  const normalizer = new Normalizer(schema, { loadId: "1700000000.1" });
  const lines: Record<string, string[]> = {};
  for (const text of texts) {
    normalizer.normalize(parseJson(text), info, (table, row) => {
      const { _dlt_id: _i, _dlt_load_id: _l, _dlt_parent_id: _p, ...data } = row;
      (lines[table] ??= []).push(JSON.stringify(data));
    });
  }
  return { lines, schema };
}

function column(schema: Schema, table: string, name: string): Partial<Column> | undefined {
  const found = schema.tables[table]?.columns[name];
  if (found === undefined) return undefined;
  const { data_type, precision, scale } = found;
  return { data_type, ...(precision === undefined ? {} : { precision, scale }) };
}

Deno.test("Normalizer: ids past 2^53 load into a bigint column with their exact digits", () => {
  const { lines, schema } = normalize([
    '{"id": 9007199254740993}',
    '{"id": 9007199254740992}',
    '{"id": 1234567890123456789}',
    '{"id": 9223372036854775807}',
    '{"id": -9223372036854775808}',
    '{"id": 7}',
  ]);
  deepStrictEqual(column(schema, "items", "id"), { data_type: "bigint" });
  // Past 2^53 as digit strings, which DuckDB casts into the BIGINT column exactly.
  deepStrictEqual(lines.items, [
    '{"id":"9007199254740993"}',
    '{"id":"9007199254740992"}',
    '{"id":"1234567890123456789"}',
    '{"id":"9223372036854775807"}',
    '{"id":"-9223372036854775808"}',
    '{"id":7}',
  ]);
});

Deno.test("Normalizer: integers past int64 go to a decimal(38,0) variant, past 38 digits to text", () => {
  const big = "12345678901234567890";
  const huge = "123456789012345678901234567890123456789012";
  const { lines, schema } = normalize([
    '{"id": 1}',
    `{"id": ${big}}`,
    `{"id": -${big}}`,
    `{"id": ${huge}}`,
  ]);
  deepStrictEqual(column(schema, "items", "id"), { data_type: "bigint" });
  deepStrictEqual(column(schema, "items", "id__v_decimal"), {
    data_type: "decimal",
    precision: 38,
    scale: 0,
  });
  deepStrictEqual(column(schema, "items", "id__v_text"), { data_type: "text" });
  deepStrictEqual(lines.items, [
    '{"id":1}',
    `{"id__v_decimal":"${big}"}`,
    `{"id__v_decimal":"-${big}"}`,
    `{"id__v_text":"${huge}"}`,
  ]);
});

Deno.test("Normalizer: a new column whose first value is past int64 is decimal(38,0) itself", () => {
  const { lines, schema } = normalize(['{"n": 99999999999999999999}', '{"n": 5}']);
  deepStrictEqual(column(schema, "items", "n"), { data_type: "decimal", precision: 38, scale: 0 });
  deepStrictEqual(lines.items, ['{"n":"99999999999999999999"}', '{"n":5}']);
});

Deno.test("Normalizer: 1.0 types a double column; later integers and fractions stay in it", () => {
  const { lines, schema } = normalize([
    '{"price": 1.0, "n": 1}',
    '{"price": 2, "n": 2.0}',
    '{"price": 2.5, "n": 3}',
    '{"price": 1e3, "n": 4}',
  ]);
  deepStrictEqual(column(schema, "items", "price"), { data_type: "double" });
  // A column first seen as an integer stays bigint; 2.0 fits it, as dlt's int(2.0).
  deepStrictEqual(column(schema, "items", "n"), { data_type: "bigint" });
  equal(schema.tables.items.columns.price__v_double, undefined);
  deepStrictEqual(lines.items, [
    '{"price":1,"n":1}',
    '{"price":2,"n":2}',
    '{"price":2.5,"n":3}',
    '{"price":1000,"n":4}',
  ]);
});

Deno.test("Normalizer: never rounds an integer into a double column", () => {
  const { lines, schema } = normalize(['{"x": 0.5}', '{"x": 9007199254740993}', '{"x": 1e400}']);
  deepStrictEqual(column(schema, "items", "x__v_bigint"), { data_type: "bigint" });
  deepStrictEqual(lines.items, ['{"x":0.5}', '{"x__v_bigint":"9007199254740993"}', '{"x":1e400}']);
});

Deno.test("Normalizer: floats go into text columns as Python writes them", () => {
  const { lines } = normalize([
    '{"v": "a"}',
    '{"v": 1.0}',
    '{"v": 1e-5}',
    '{"v": 12345678901234567890}',
  ]);
  deepStrictEqual(lines.items, [
    '{"v":"a"}',
    '{"v":"1.0"}',
    '{"v":"1e-05"}',
    '{"v":"12345678901234567890"}',
  ]);
});

Deno.test("Normalizer: lists of whole floats make a double value column", () => {
  const { lines, schema } = normalize(['{"l": [1.0, 2, 3.5]}']);
  deepStrictEqual(column(schema, "items__l", "value"), { data_type: "double" });
  deepStrictEqual(lines.items__l.map((l) => JSON.parse(l).value), [1, 2, 3.5]);
});

Deno.test("Normalizer: json values keep exact numbers", () => {
  const { lines } = normalize(['{"meta": {"id": 9007199254740993, "f": 1.0, "s": "x"}}'], {
    ...INFO,
    maxTableNesting: 0,
  });
  deepStrictEqual(lines.items, ['{"meta":{"id":9007199254740993,"f":1.0,"s":"x"}}']);
});

Deno.test("Normalizer: a decimal hint keeps dlt's decimal(38,9); larger integers go to a variant", () => {
  const info = { ...INFO, columns: { d: { data_type: "decimal" as const } } };
  const { lines, schema } = normalize(['{"d": 12345}', `{"d": ${"9".repeat(30)}}`], info);
  deepStrictEqual(column(schema, "items", "d"), { data_type: "decimal" });
  deepStrictEqual(column(schema, "items", "d__v_decimal"), {
    data_type: "decimal",
    precision: 38,
    scale: 0,
  });
  deepStrictEqual(lines.items, ['{"d":12345}', `{"d__v_decimal":"${"9".repeat(30)}"}`]);
});

Deno.test("Normalizer: a key value past int64 fails with the fix, not with a variant and a null key", () => {
  const info = { ...INFO, primaryKey: ["id"], writeDisposition: "merge" as const };
  throws(
    () => normalize(['{"id": 1}', '{"id": 12345678901234567890}'], info),
    (err: unknown) =>
      err instanceof DataError &&
      err.message.includes('value 12345678901234567890 does not fit column "id" (bigint)') &&
      err.message.includes('columns: {id: {data_type: "decimal"}}'),
  );
  // With the suggested hint the same records load exactly.
  const hinted = { ...info, columns: { id: { data_type: "decimal" as const } } };
  const { lines } = normalize(['{"id": 1}', '{"id": 12345678901234567890}'], hinted);
  deepStrictEqual(lines.items.map((l) => l.slice(0, l.indexOf(","))), [
    '{"id":1',
    '{"id":"12345678901234567890"',
  ]);
});

Deno.test("Normalizer: -0 is Python's int 0, -0.0 a float that keeps its sign", () => {
  const { lines, schema } = normalize(['{"i": -0, "f": -0.0}', '{"i": 0, "f": 0.0}']);
  deepStrictEqual(column(schema, "items", "i"), { data_type: "bigint" });
  deepStrictEqual(column(schema, "items", "f"), { data_type: "double" });
  deepStrictEqual(lines.items, ['{"i":0,"f":-0.0}', '{"i":0,"f":0}']);
});
