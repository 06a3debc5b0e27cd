import { deepStrictEqual, equal } from "node:assert/strict";
import { bumpVersion, newSchema, toStoredSchema } from "../schema/mod.ts";
import type { ResourceInfo } from "../source/mod.ts";
import { Normalizer } from "./normalizer.ts";

// The data of ../shared/dlt_samples/continue_from_dlt (its server.mjs, PHASE=1) and the schema
// dlt 1.26.0 kept after loading it into the filesystem destination.
const pad = (n: number) => String(n).padStart(2, "0");
const CITIES = ["Oslo", "Lima", "Pune", "Kyiv"];
const SKUS = ["PEN", "INK", "PAD", "CLIP", "TAPE"];

function order(i: number) {
  return {
    id: i,
    status: i % 3 === 0 ? "paid" : "new",
    updated_at: `2024-03-${pad(i)}T10:00:00Z`,
    customer: { name: `Customer ${i % 5}`, address: { city: CITIES[i % 4], zip: `0${1000 + i}` } },
    items: Array.from({ length: (i % 3) + 1 }, (_, k) => ({
      sku: SKUS[(i + k) % 5],
      qty: k + 1,
      price: 1.25 * (k + 1) + i,
    })),
    total: 10 * i,
  };
}

function event(n: number) {
  return {
    event_id: n,
    kind: ["view", "cart", "buy"][n % 3],
    at: `2024-05-01T${pad(n % 24)}:00:00Z`,
    meta: { source: n % 2 ? "web" : "app" },
  };
}

const ORDERS: ResourceInfo = {
  name: "orders",
  tableName: "orders",
  writeDisposition: "merge",
  primaryKey: ["id"],
  mergeKey: [],
  selected: true,
  incrementalCursor: "updated_at",
};
const EVENTS: ResourceInfo = {
  name: "events",
  tableName: "events",
  writeDisposition: "append",
  primaryKey: [],
  mergeKey: [],
  selected: true,
};

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(sortKeys);
  return Object.fromEntries(
    Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

Deno.test("Normalizer: dlt's data gives dlt's schema, column order and version hash", async () => {
  const dlt = JSON.parse(
    await Deno.readTextFile(
      new URL("../schema/testdata/dlt_1_26_shop.schema.json", import.meta.url),
    ),
  );
  const schema = newSchema("shop");
  const initial = schema.version_hash;
  // The filesystem destination: no merge strategy, so no root key, as in dlt's output.
  const normalizer = new Normalizer(schema, { loadId: "1796286663.7431545", mergeStrategies: [] });
  const rows: Record<string, Record<string, unknown>[]> = {};
  const sink = (table: string, row: Record<string, unknown>) => (rows[table] ??= []).push(row);
  for (let i = 1; i <= 12; i++) normalizer.normalize(order(i), ORDERS, sink);
  for (let n = 1; n <= 15; n++) normalizer.normalize(event(n), EVENTS, sink);
  equal(bumpVersion(schema, initial), true);
  equal(schema.version, 2);
  // dlt's run had `loader_file_format="jsonl"`, which it records on each root table.
  schema.tables.orders.file_format = "jsonl";
  schema.tables.events.file_format = "jsonl";
  bumpVersion(schema, schema.version_hash);

  const stored = toStoredSchema(schema);
  for (const name of Object.keys(dlt.tables)) {
    deepStrictEqual(sortKeys(stored.tables[name]), sortKeys(dlt.tables[name]), name);
    deepStrictEqual(
      Object.keys(stored.tables[name].columns!),
      Object.keys(dlt.tables[name].columns),
    );
  }
  deepStrictEqual(Object.keys(stored.tables).sort(), Object.keys(dlt.tables).sort());
  deepStrictEqual(stored.settings, dlt.settings);
  deepStrictEqual(stored.normalizers, dlt.normalizers);
  equal(schema.version_hash, dlt.version_hash);
  // The rows' keys in dlt's order (nested objects after the plain keys), as in dlt's files.
  deepStrictEqual(Object.keys(rows.orders[0]), Object.keys(dlt.tables.orders.columns));
});

Deno.test("Normalizer: nested objects flatten after plain keys, the last one first, as dlt", () => {
  const schema = newSchema("s");
  const rows: Record<string, unknown>[] = [];
  new Normalizer(schema, { loadId: "1.1" }).normalize(
    { a: { x: 1, p: { q: 2 }, l: [1] }, b: { y: 3, m: [2] }, c: 4, n: [3] },
    { ...EVENTS, name: "t", tableName: "t" },
    (table, row) => table === "t" && rows.push(row),
  );
  deepStrictEqual(Object.keys(rows[0]), [
    "c",
    "b__y",
    "a__x",
    "a__p__q",
    "_dlt_load_id",
    "_dlt_id",
  ]);
  // Child tables in the order dlt meets their lists.
  deepStrictEqual(Object.keys(schema.tables), ["t", "t__n", "t__b__m", "t__a__l"]);
});

Deno.test("Normalizer: marks tables with rows and records root key propagation as dlt", () => {
  const schema = newSchema("s");
  const normalizer = new Normalizer(schema, { loadId: "1.1" });
  normalizer.normalize({ id: 1, items: [{ a: 1 }] }, ORDERS, () => {});
  deepStrictEqual(schema.tables.orders["x-normalizer"], { "seen-data": true });
  deepStrictEqual(schema.tables.orders__items["x-normalizer"], { "seen-data": true });
  const cursor = () => schema.tables.orders.columns["updated_at"];
  equal(cursor(), undefined);
  normalizer.normalize({ id: 2, updated_at: "2024-01-01T00:00:00Z" }, ORDERS, () => {});
  equal(cursor()?.incremental, true);
  // A merge destination: dlt's normalizer config propagates the root id to child rows.
  deepStrictEqual(schema.normalizers?.json.config, {
    propagation: { tables: { orders: { _dlt_id: "_dlt_root_id" } } },
  });
  // An append resource gets no propagation.
  normalizer.normalize({ event_id: 1, tags: ["x"] }, EVENTS, () => {});
  const tables = schema.normalizers?.json.config?.propagation?.tables ?? {};
  deepStrictEqual(Object.keys(tables), ["orders"]);
});
