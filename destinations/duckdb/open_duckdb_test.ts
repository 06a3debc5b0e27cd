import { deepStrictEqual, rejects } from "node:assert/strict";
import { UserError } from "../../core/errors.ts";
import { openDuckDb } from "./open_duckdb.ts";

Deno.test("openDuckDb() returns plain rows with safe BIGINTs as numbers", async () => {
  const db = await openDuckDb(":memory:");
  try {
    deepStrictEqual(
      await db.query(
        "SELECT 42::BIGINT AS n, 9007199254740993::BIGINT AS big, [1::BIGINT] AS l, " +
          "{'k': 2::BIGINT} AS s, $1 AS p, TIMESTAMPTZ '2024-01-02 03:04:05+00' AS t",
        ["x"],
      ),
      [{
        n: 42,
        big: 9007199254740993n,
        l: [1],
        s: { k: 2 },
        p: "x",
        t: new Date("2024-01-02T03:04:05Z"),
      }],
    );
    await rejects(
      db.query("SELECT * FROM nowhere"),
      (err: Error) =>
        err instanceof UserError &&
        err.message.startsWith("Query failed on :memory:: Catalog Error"),
    );
  } finally {
    db.close();
  }
});

Deno.test("openDuckDb() refuses a missing database file", async () => {
  await rejects(
    openDuckDb("/nonexistent/dir/x.duckdb"),
    /There is no DuckDB database at \/nonexistent/,
  );
});

Deno.test("openDuckDb() reports a file that is not a DuckDB database", async () => {
  const path = await Deno.makeTempFile({ suffix: ".duckdb" });
  try {
    await Deno.writeTextFile(path, "not a database ".repeat(500));
    await rejects(
      openDuckDb(path),
      (err: Error) =>
        err instanceof UserError && err.message.includes("Cannot open the DuckDB database"),
    );
  } finally {
    await Deno.remove(path);
  }
});
