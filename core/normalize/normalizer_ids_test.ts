import { deepStrictEqual, equal, match, notEqual } from "node:assert/strict";
import { createHash } from "node:crypto";
import { parseJson } from "../json/mod.ts";
import { newSchema, type Schema } from "../schema/mod.ts";
import type { ResourceInfo } from "../source/mod.ts";
import { Normalizer, type NormalizerOptions } from "./normalizer.ts";

type Row = Record<string, unknown>;
const ID = /^[A-Za-z0-9+/]{14}$/;

/** dlt's `digest128(text, 10)`, from node:crypto (independent of the normalizer's SHAKE128). */
function digest10(text: string): string {
  return createHash("shake128", { outputLength: 10 }).update(text, "utf8").digest("base64")
    .replace(/=+$/, "");
}

function resource(overrides: Partial<ResourceInfo> = {}): ResourceInfo {
  return {
    name: "orders",
    tableName: "orders",
    writeDisposition: "append",
    primaryKey: [],
    mergeKey: [],
    selected: true,
    ...overrides,
  };
}

function run(
  records: unknown[],
  info: ResourceInfo,
  options: Partial<NormalizerOptions> = {},
  schema: Schema = newSchema("test"),
): Record<string, Row[]> {
  const normalizer = new Normalizer(schema, { loadId: "1700000000.1", ...options });
  const rows: Record<string, Row[]> = {};
  for (const record of records) {
    normalizer.normalize(record, info, (table, row) => (rows[table] ??= []).push(row));
  }
  return rows;
}

const UPSERT = resource({ writeDisposition: "merge", mergeStrategy: "upsert", primaryKey: ["id"] });

Deno.test("Normalizer: child _dlt_id is digest128 of '<parent id>_<table>_<index>'", () => {
  const rows = run([{ id: 1, items: [{ sku: "a", parts: [1, 2] }, { sku: "b" }] }], resource());
  const root = rows.orders[0]._dlt_id as string;
  match(root, ID);
  const [first, second] = rows.orders__items;
  equal(first._dlt_id, digest10(`${root}_orders__items_0`));
  equal(second._dlt_id, digest10(`${root}_orders__items_1`));
  const parts = rows.orders__items__parts;
  equal(parts[1]._dlt_id, digest10(`${first._dlt_id}_orders__items__parts_1`));
});

Deno.test("Normalizer: upsert and insert-only root rows get dlt's primary-key hash as _dlt_id", () => {
  for (const strategy of ["upsert", "insert-only"] as const) {
    const info = { ...UPSERT, mergeStrategy: strategy };
    const rows = run([{ id: 7, name: "x", items: [{ a: 1 }] }, { id: 7, name: "y" }], info);
    const expected = digest10('{"id":7}');
    equal(rows.orders[0]._dlt_id, expected, strategy);
    // Same key, same id, whatever else the record holds; children follow.
    equal(rows.orders[1]._dlt_id, expected);
    equal(rows.orders__items[0]._dlt_id, digest10(`${expected}_orders__items_0`));
    equal(rows.orders__items[0]._dlt_root_id, expected);
  }
});

Deno.test("Normalizer: the key hash takes sorted key columns and the values as the data has them", () => {
  const info = resource({
    writeDisposition: "merge",
    mergeStrategy: "upsert",
    primaryKey: ["Region", "orderId"],
  });
  const schema = newSchema("test");
  const first = run([{ orderId: 1, Region: "eu" }], info, {}, schema);
  equal(first.orders[0]._dlt_id, digest10('{"order_id":1,"region":"eu"}'));
  // A text key in a bigint column is coerced in the row, but dlt hashes the raw value.
  const second = run([{ orderId: "2", Region: "eu" }], info, {}, schema);
  equal(second.orders[0].order_id, 2);
  equal(second.orders[0]._dlt_id, digest10('{"order_id":"2","region":"eu"}'));
});

Deno.test("Normalizer: key hashes keep ids past 2^53, 1.0 and nested key columns exact", () => {
  const big = run(parseJson('[{"id": 12345678901234567891}]') as unknown[], UPSERT);
  equal(big.orders[0]._dlt_id, digest10('{"id":12345678901234567891}'));
  const float = run(parseJson('[{"id": 1.0}]') as unknown[], UPSERT);
  equal(float.orders[0]._dlt_id, digest10('{"id":1.0}'));
  const nested = run(
    [{ customer: { id: "c1" }, n: 1 }],
    resource({ writeDisposition: "merge", mergeStrategy: "upsert", primaryKey: ["customer__id"] }),
  );
  equal(nested.orders[0]._dlt_id, digest10('{"customer__id":"c1"}'));
});

Deno.test("Normalizer: delete-insert and append root ids stay random", () => {
  for (const info of [resource({ writeDisposition: "merge", primaryKey: ["id"] }), resource()]) {
    const rows = run([{ id: 1 }, { id: 1 }], info);
    notEqual(rows.orders[0]._dlt_id, rows.orders[1]._dlt_id);
  }
});

Deno.test("Normalizer: a destination without merge gets neither root keys nor key hashes", () => {
  // dlt's filesystem destination: merge falls back to append, so no _dlt_root_id is added.
  const rows = run(
    [{ id: 1, items: [{ a: 1 }] }, { id: 1, items: [{ a: 2 }] }],
    UPSERT,
    { mergeStrategies: [] },
  );
  notEqual(rows.orders[0]._dlt_id, rows.orders[1]._dlt_id);
  deepStrictEqual(Object.keys(rows.orders__items[0]), [
    "a",
    "_dlt_parent_id",
    "_dlt_list_idx",
    "_dlt_id",
  ]);
});
