import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { ConfigError, DataError } from "../errors.ts";
import { Incremental, type IncrementalSettings } from "./incremental.ts";

type Row = { id: number; ts?: unknown };

function ids(records: unknown[]): number[] {
  return records.map((r) => (r as Row).id);
}

/** Runs one "extraction" over pages and returns the kept ids per page and the new state. */
function run(
  settings: IncrementalSettings,
  pages: Row[][],
  options: { state?: unknown; primaryKey?: string | string[] } = {},
) {
  const cursor = new Incremental("items", settings, options);
  const kept = pages.map((page) => cursor.filter(page));
  return { cursor, kept: kept.map((p) => ids(p.records)), stops: kept.map((p) => p.stop) };
}

Deno.test("Incremental.filter() keeps records from initial_value on and tracks the max", () => {
  const { cursor, kept } = run({ cursor_path: "ts", initial_value: 10 }, [
    [{ id: 1, ts: 9 }, { id: 2, ts: 10 }, { id: 3, ts: 12 }],
    [{ id: 4, ts: 12 }, { id: 5, ts: 11 }],
  ], { primaryKey: "id" });
  deepStrictEqual(kept, [[2, 3], [4, 5]]);
  const state = cursor.state()!;
  equal(state.initial_value, 10);
  equal(state.last_value, 12);
  // the hashes of both records at the last value: ids 3 and 4
  equal(state.unique_hashes.length, 2);
});

Deno.test("Incremental.filter() drops records at the start that the last run loaded", () => {
  const first = run({ cursor_path: "ts", initial_value: 0 }, [[
    { id: 1, ts: 5 },
    { id: 2, ts: 7 },
    { id: 3, ts: 7 },
  ]], { primaryKey: "id" });
  const state = first.cursor.state();
  // id 2 and 3 come again at 7 and are dropped; id 4 is new at the same value and is kept
  const second = run({ cursor_path: "ts", initial_value: 0 }, [[
    { id: 1, ts: 5 },
    { id: 2, ts: 7 },
    { id: 3, ts: 7 },
    { id: 4, ts: 7 },
  ]], { state, primaryKey: "id" });
  deepStrictEqual(second.kept, [[4]]);
  const next = second.cursor.state()!;
  equal(next.last_value, 7);
  equal(next.unique_hashes.length, 3); // still at 7: old hashes plus the new one
  const third = run({ cursor_path: "ts" }, [[{ id: 4, ts: 7 }, { id: 5, ts: 8 }]], {
    state: next,
    primaryKey: "id",
  });
  deepStrictEqual(third.kept, [[5]]);
  equal(third.cursor.state()!.unique_hashes.length, 1);
});

Deno.test("Incremental.filter() hashes whole records without a primary key", () => {
  const first = run({ cursor_path: "ts" }, [[{ id: 1, ts: 7 }]]);
  const state = first.cursor.state();
  // same cursor, other content: a different record, so it is kept
  const second = run({ cursor_path: "ts" }, [[{ id: 1, ts: 7 }, { id: 2, ts: 7 }]], { state });
  deepStrictEqual(second.kept, [[2]]);
});

Deno.test("Incremental.filter() compares timestamps as instants and keeps what the API sent", () => {
  const { cursor, kept } = run({ cursor_path: "ts", initial_value: "2024-01-01T09:00:00Z" }, [[
    { id: 1, ts: "2024-01-01T10:00:00+02:00" }, // 08:00Z: before the start
    { id: 2, ts: "2024-01-01T09:30:00Z" },
    { id: 3, ts: "2024-01-01T12:00:00+02:00" }, // 10:00Z: the latest
    { id: 4, ts: "2024-01-01T09:59:59.999999Z" },
  ]]);
  deepStrictEqual(kept, [[2, 3, 4]]);
  equal(cursor.state()!.last_value, "2024-01-01T12:00:00+02:00");
});

Deno.test("Incremental.filter() with min tracks the lowest value", () => {
  const { cursor, kept } = run({ cursor_path: "ts", initial_value: 100, last_value_func: "min" }, [
    [{ id: 1, ts: 120 }, { id: 2, ts: 100 }, { id: 3, ts: 50 }, { id: 4, ts: 70 }],
  ]);
  deepStrictEqual(kept, [[2, 3, 4]]);
  equal(cursor.state()!.last_value, 50);
});

Deno.test("Incremental with end_value filters [initial_value, end_value) and saves no state", () => {
  const state = { initial_value: 0, last_value: 500, unique_hashes: [] };
  const { cursor, kept } = run({ cursor_path: "ts", initial_value: 10, end_value: 20 }, [[
    { id: 1, ts: 9 },
    { id: 2, ts: 10 },
    { id: 3, ts: 19 },
    { id: 4, ts: 20 },
  ]], { state });
  deepStrictEqual(kept, [[2, 3]]); // the stored last value 500 is ignored
  equal(cursor.startValue, 10);
  equal(cursor.persistent, false);
  equal(cursor.state(), undefined);
});

Deno.test("Incremental with lag starts behind the last value but never moves it back", () => {
  const state = { initial_value: "2024-01-01T00:00:00Z", last_value: "2024-05-01T10:00:00Z" };
  const settings = { cursor_path: "ts", initial_value: "2024-01-01T00:00:00Z", lag: 3600 };
  const { cursor, kept } = run(settings, [[
    { id: 1, ts: "2024-05-01T08:59:59Z" },
    { id: 2, ts: "2024-05-01T09:00:00Z" },
    { id: 3, ts: "2024-05-01T09:30:00Z" },
  ]], { state });
  equal(cursor.startValue, "2024-05-01T09:00:00Z");
  deepStrictEqual(kept, [[2, 3]]);
  // nothing past the stored value came: it stays
  equal(cursor.state()!.last_value, "2024-05-01T10:00:00Z");
  // lag does not cross initial_value
  const early = new Incremental("items", { ...settings, lag: 86400 * 365 }, { state });
  equal(early.startValue, "2024-01-01T00:00:00Z");
  // numbers lag in their own unit
  equal(
    new Incremental("items", { cursor_path: "n", lag: 5 }, { state: { last_value: 50 } })
      .startValue,
    45,
  );
});

Deno.test("Incremental.filter() reports row_order stops in the direction of the range", () => {
  const asc = run({ cursor_path: "ts", initial_value: 0, end_value: 10, row_order: "asc" }, [
    [{ id: 1, ts: 5 }],
    [{ id: 2, ts: 9 }, { id: 3, ts: 10 }],
  ]);
  deepStrictEqual(asc.stops, [false, true]);
  const desc = run({ cursor_path: "ts", initial_value: 5, row_order: "desc" }, [
    [{ id: 1, ts: 9 }],
    [{ id: 2, ts: 6 }, { id: 3, ts: 4 }],
  ]);
  deepStrictEqual(desc.stops, [false, true]);
  deepStrictEqual(desc.kept, [[1], [2]]);
  const unordered = run({ cursor_path: "ts", initial_value: 5 }, [[{ id: 1, ts: 4 }]]);
  deepStrictEqual(unordered.stops, [false]);
});

Deno.test("Incremental.filter() reads a nested cursor path", () => {
  const { cursor, kept } = run({ cursor_path: "meta.updated", initial_value: 2 }, [[
    { id: 1, meta: { updated: 1 } },
    { id: 2, meta: { updated: 3 } },
  ] as unknown as Row[]]);
  deepStrictEqual(kept, [[2]]);
  equal(cursor.state()!.last_value, 3);
});

Deno.test("Incremental.filter() handles a missing cursor as on_cursor_value_missing says", () => {
  const rows = [{ id: 1, ts: 5 }, { id: 2 }, { id: 3, ts: null }];
  throws(
    () => run({ cursor_path: "ts" }, [rows]),
    (e: unknown) =>
      e instanceof DataError &&
      e.message ===
        'Resource "items", incremental "ts": a record lacks the cursor; the record has: id. ' +
          'Set incremental.on_cursor_value_missing to "include" or "exclude" to load or skip ' +
          "such records",
  );
  throws(() => run({ cursor_path: "ts" }, [[rows[2]]]), /a record has null at the cursor/);
  deepStrictEqual(run({ cursor_path: "ts", on_cursor_value_missing: "include" }, [rows]).kept, [[
    1,
    2,
    3,
  ]]);
  const excluded = run({ cursor_path: "ts", on_cursor_value_missing: "exclude" }, [rows]);
  deepStrictEqual(excluded.kept, [[1]]);
  equal(excluded.cursor.state()!.last_value, 5);
});

Deno.test("Incremental.filter() refuses to compare different kinds of cursor values", () => {
  throws(
    () => run({ cursor_path: "ts", initial_value: "2024-01-01T00:00:00Z" }, [[{ id: 1, ts: 5 }]]),
    (e: unknown) =>
      e instanceof DataError &&
      e.message.startsWith(
        'Resource "items", incremental "ts": cannot compare 5 (a number) with ' +
          '"2024-01-01T00:00:00Z" (a timestamp); ',
      ),
  );
  throws(
    () => run({ cursor_path: "ts" }, [[{ id: 1, ts: "2024-01-01" }, { id: 2, ts: "abc" }]]),
    /cannot compare "abc" \(a string\) with "2024-01-01" \(a timestamp\)/,
  );
  throws(
    () => run({ cursor_path: "ts" }, [[{ id: 1, ts: true }]]),
    /has true \(a boolean\) at the cursor/,
  );
});

Deno.test("Incremental() checks its range and the stored state up front", () => {
  throws(
    () => new Incremental("items", { cursor_path: "ts", end_value: 5 }),
    (e: unknown) =>
      e instanceof ConfigError && /has end_value but no initial_value/.test(e.message),
  );
  throws(
    () => new Incremental("items", { cursor_path: "ts", initial_value: 5, end_value: 5 }),
    /initial_value 5 \(a number\) is not lower than end_value 5 \(a number\)/,
  );
  throws(
    () =>
      new Incremental("items", { cursor_path: "ts", initial_value: 1, end_value: "2024-01-01" }),
    (e: unknown) => e instanceof ConfigError && /cannot compare/.test(e.message),
  );
  throws(
    () => new Incremental("items", { cursor_path: "ts", lag: 1 }, { state: { last_value: "abc" } }),
    /has lag 1, but its value "abc" \(a string\) is neither a number nor a timestamp/,
  );
  throws(
    () => new Incremental("items", { cursor_path: "ts" }, { state: { unique_hashes: "x" } }),
    /the stored state of incremental "ts" is malformed/,
  );
});

Deno.test("Incremental.filter() needs the primary key of records at the start value", () => {
  const state = { last_value: 5, unique_hashes: ["x"] };
  throws(
    () => run({ cursor_path: "ts" }, [[{ ts: 5 } as unknown as Row]], { state, primaryKey: "id" }),
    /a record at the start value lacks primary key field "id".*the record has: ts/,
  );
});

Deno.test("Incremental.values() gives the placeholder values, dates as text", () => {
  const cursor = new Incremental("items", {
    cursor_path: "ts",
    initial_value: new Date("2024-01-01T00:00:00Z"),
  });
  deepStrictEqual(cursor.values(), {
    start_value: "2024-01-01T00:00:00.000Z",
    initial_value: "2024-01-01T00:00:00.000Z",
    last_value: "2024-01-01T00:00:00.000Z",
    end_value: null,
  });
  ok(!cursor.used);
  cursor.filter([]);
  ok(cursor.used);
  deepStrictEqual(cursor.state(), {
    initial_value: new Date("2024-01-01T00:00:00Z"),
    last_value: new Date("2024-01-01T00:00:00Z"),
    unique_hashes: [],
    start_value: new Date("2024-01-01T00:00:00Z"),
  });
});

Deno.test("Incremental.state() records dlt's start_value: where a run with records started", () => {
  const settings = { cursor_path: "n", initial_value: 1 };
  const stored = { initial_value: 1, last_value: 5, unique_hashes: [], start_value: 1 };
  const moved = new Incremental("items", settings, { state: stored });
  moved.filter([{ n: 7 }]);
  equal(moved.state()?.start_value, 5);
  // No record in range: dlt leaves start_value as it was.
  const idle = new Incremental("items", settings, { state: stored });
  idle.filter([{ n: 3 }]);
  deepStrictEqual(idle.state(), stored);
  // A first run starts at initial_value; a state without start_value (older dltx) at its last.
  const first = new Incremental("items", settings);
  first.filter([{ n: 2 }]);
  equal(first.state()?.start_value, 1);
  const old = new Incremental("items", settings, { state: { last_value: 5 } });
  old.filter([]);
  equal(old.state()?.start_value, 5);
});
