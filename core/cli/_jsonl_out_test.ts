import { deepEqual, equal, ok } from "node:assert/strict";
import type { ResourceInfo, ResourcePage, Source } from "../source/mod.ts";
import type { Output } from "./context.ts";
import { writeJsonl } from "./_jsonl_out.ts";

function info(name: string, primaryKey: string[] = []): ResourceInfo {
  return {
    name,
    tableName: name,
    writeDisposition: "append",
    primaryKey,
    mergeKey: [],
    selected: true,
  };
}

/** A source serving `pages`; remembers how far it was read and whether it was closed. */
function fakeSource(resources: ResourceInfo[], pages: ResourcePage[], state = {}) {
  const seen = { pulled: 0, closed: false };
  const source: Source = {
    name: "fake",
    resources,
    async *extract() {
      try {
        for (const page of pages) {
          seen.pulled++;
          yield page;
        }
      } finally {
        seen.closed = true;
      }
    },
    state: () => state,
  };
  return { source, seen };
}

/** An output collecting writes; throws BrokenPipe from write number `breakAt` on. */
function fakeOutput(breakAt = Infinity): Output & { writes: string[] } {
  const writes: string[] = [];
  return {
    writes,
    isTerminal: false,
    write(text) {
      if (writes.length + 1 >= breakAt) {
        throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
      }
      writes.push(text);
    },
  };
}

const lines = (writes: string[]) =>
  writes.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l));

Deno.test("writeJsonl() writes records as they came, one write per page", async () => {
  const { source } = fakeSource([info("items")], [
    { resource: "items", records: [{ id: 1 }, { id: 2, user: { login: "x" } }] },
    { resource: "items", records: [] },
    { resource: "items", records: [{ id: 3 }] },
  ]);
  const output = fakeOutput();
  const summary = await writeJsonl(source, { output, loadId: "1.1" });
  deepEqual(output.writes, ['{"id":1}\n{"id":2,"user":{"login":"x"}}\n', '{"id":3}\n']);
  deepEqual(summary, { records: { items: 3 }, rows: undefined, stopped: false });
});

Deno.test("writeJsonl() tags records with _dlt_resource when several resources run", async () => {
  const { source } = fakeSource([info("a"), info("b"), { ...info("c"), selected: false }], [
    { resource: "a", records: [{ id: 1 }, {}, 5, { _dlt_resource: "old", x: 1 }] },
    { resource: "b", records: [{ id: 2 }] },
  ]);
  const output = fakeOutput();
  await writeJsonl(source, { output, loadId: "1.1" });
  deepEqual(lines(output.writes), [
    { id: 1, _dlt_resource: "a" },
    { _dlt_resource: "a" },
    { value: 5, _dlt_resource: "a" },
    { _dlt_resource: "a", x: 1 },
    { id: 2, _dlt_resource: "b" },
  ]);
  // One resource asked for: no tag.
  const one = fakeOutput();
  await writeJsonl(
    fakeSource([info("a"), info("b")], [{ resource: "a", records: [{ id: 1 }] }]).source,
    {
      output: one,
      loadId: "1.1",
      resources: ["a"],
    },
  );
  deepEqual(one.writes, ['{"id":1}\n']);
});

Deno.test("writeJsonl() with normalize writes the normalizer's rows with _dlt_table", async () => {
  const { source } = fakeSource([info("orders")], [
    { resource: "orders", records: [{ orderId: 1, items: [{ sku: "a" }, { sku: "b" }] }] },
  ]);
  const output = fakeOutput();
  const summary = await writeJsonl(source, { output, loadId: "1700000000.5", normalize: true });
  const rows = lines(output.writes);
  equal(rows.length, 3);
  equal(rows[0]._dlt_table, "orders");
  equal(rows[0].order_id, 1);
  equal(rows[0]._dlt_load_id, "1700000000.5");
  deepEqual(rows.slice(1).map((r) => [r._dlt_table, r.sku, r._dlt_parent_id]), [
    ["orders__items", "a", rows[0]._dlt_id],
    ["orders__items", "b", rows[0]._dlt_id],
  ]);
  deepEqual(summary.rows, { orders: 1, orders__items: 2 });
});

Deno.test("writeJsonl() as Singer: SCHEMA before RECORDs, again on change, STATE at the end", async () => {
  const state = { resources: { users: { incremental: { id: { last_value: 3 } } } } };
  const { source } = fakeSource([info("users", ["id"])], [
    { resource: "users", records: [{ id: 1, name: "a" }, 7] },
    { resource: "users", records: [{ id: 2, name: "b" }] },
    { resource: "users", records: [{ id: 3, name: "c", at: "2024-01-02T03:04:05Z" }] },
  ], state);
  const output = fakeOutput();
  await writeJsonl(source, { output, loadId: "1.1", format: "singer" });
  const messages = lines(output.writes);
  deepEqual(messages.map((m) => m.type), [
    "SCHEMA",
    "RECORD",
    "RECORD",
    "RECORD",
    "SCHEMA",
    "RECORD",
    "STATE",
  ]);
  deepEqual(messages[0], {
    type: "SCHEMA",
    stream: "users",
    schema: {
      type: "object",
      properties: {
        id: { type: ["null", "integer"] },
        name: { type: ["null", "string"] },
        value: { type: ["null", "integer"] },
      },
    },
    key_properties: ["id"],
  });
  deepEqual(messages[1], { type: "RECORD", stream: "users", record: { id: 1, name: "a" } });
  deepEqual(messages[2].record, { value: 7 });
  deepEqual(messages[4].schema.properties.at, { type: ["null", "string"], format: "date-time" });
  deepEqual(messages[6], { type: "STATE", value: state });
});

Deno.test("writeJsonl() as Singer with normalize: a stream per table", async () => {
  const { source } = fakeSource([info("orders", ["id"])], [
    { resource: "orders", records: [{ id: 1, items: [{ sku: "a" }] }] },
    { resource: "orders", records: [{ id: 2, items: [{ sku: "b" }] }] },
    { resource: "orders", records: [{ id: 3, note: "new", items: [] }] },
  ]);
  const output = fakeOutput();
  await writeJsonl(source, { output, loadId: "1.1", format: "singer", normalize: true });
  const messages = lines(output.writes);
  deepEqual(messages.map((m) => `${m.type} ${m.stream ?? ""}`.trim()), [
    "SCHEMA orders",
    "SCHEMA orders__items",
    "RECORD orders",
    "RECORD orders__items",
    "RECORD orders",
    "RECORD orders__items",
    "SCHEMA orders",
    "RECORD orders",
    "STATE",
  ]);
  deepEqual(messages[0].key_properties, ["id"]);
  deepEqual(messages[0].schema.properties.id, { type: "integer" });
  ok("note" in messages[6].schema.properties);
});

Deno.test("writeJsonl() stops the source quietly when the reader goes away", async () => {
  const pages = Array.from({ length: 10 }, (_, i) => ({ resource: "a", records: [{ i }] }));
  const { source, seen } = fakeSource([info("a")], pages);
  const output = fakeOutput(3);
  const summary = await writeJsonl(source, { output, loadId: "1.1", format: "singer" });
  equal(summary.stopped, true);
  equal(seen.pulled, 3);
  equal(seen.closed, true);
  // Two pages got through; no STATE after the pipe broke.
  equal(output.writes.length, 2);
});

Deno.test("writeJsonl() passes other output errors on", async () => {
  const { source, seen } = fakeSource([info("a")], [{ resource: "a", records: [{}] }]);
  const output: Output = {
    isTerminal: false,
    write() {
      throw new Deno.errors.PermissionDenied("nope");
    },
  };
  let error: unknown;
  await writeJsonl(source, { output, loadId: "1.1" }).catch((err) => error = err);
  ok(error instanceof Deno.errors.PermissionDenied);
  equal(seen.closed, true);
});
