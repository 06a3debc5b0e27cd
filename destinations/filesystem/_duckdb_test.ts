import { deepStrictEqual } from "node:assert/strict";
import { openMemoryDuckDb, plainRows } from "./_duckdb.ts";

Deno.test("openMemoryDuckDb() runs in UTC and returns freed memory to the OS at once", async () => {
  const db = await openMemoryDuckDb({ threads: 1 });
  try {
    const rows = plainRows(
      await db.connection.runAndReadAll(
        "SELECT current_setting('TimeZone') AS tz, current_setting('threads') AS threads, " +
          "current_setting('allocator_bulk_deallocation_flush_threshold') AS flush",
      ),
    );
    deepStrictEqual(rows, [{ tz: "UTC", threads: 1, flush: "0 bytes" }]);
  } finally {
    db.close();
  }
});
