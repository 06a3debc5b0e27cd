/**
 * A database failure the user caused is a user error that says what to do (exit 1), not an
 * internal error: here a CHECK constraint added to a loaded table outside dltx.
 */
import { equal, match, ok } from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { tempProject } from "./_helpers.ts";

Deno.test("a constraint added outside dltx fails the load with exit 1 and what to do", async () => {
  await using p = await tempProject();
  await Deno.writeTextFile(p.path("a.jsonl"), '{"id": 1}\n');
  await Deno.writeTextFile(p.path("b.jsonl"), '{"id": 500}\n');
  const args = ["--table", "items", "--pipeline", "guarded"];
  const first = await p.dltx(["load", "a.jsonl", ...args]);
  equal(first.code, 0, first.stderr);

  // The user rebuilds the table with a constraint dltx knows nothing of.
  const db = await DuckDBInstance.create(p.path("guarded.duckdb"));
  const con = await db.connect();
  try {
    await con.run(
      "CREATE TABLE guarded_dataset.items_copy AS FROM guarded_dataset.items; " +
        "DROP TABLE guarded_dataset.items; " +
        "CREATE TABLE guarded_dataset.items (id BIGINT CHECK (id < 100), " +
        "_dlt_load_id VARCHAR NOT NULL, _dlt_id VARCHAR NOT NULL); " +
        "INSERT INTO guarded_dataset.items BY NAME FROM guarded_dataset.items_copy; " +
        "DROP TABLE guarded_dataset.items_copy",
    );
  } finally {
    con.closeSync();
    db.closeSync();
  }

  const second = await p.dltx(["load", "b.jsonl", ...args]);
  equal(second.code, 1, second.stderr);
  match(second.stderr, /^error: Cannot load .*Constraint Error: .*CHECK constraint/m);
  match(second.stderr, /the data breaks a constraint of a table in the dataset/);
  ok(!/internal error/.test(second.stderr), second.stderr);
  const rows = await p.query("guarded.duckdb", "SELECT id FROM guarded_dataset.items");
  equal(rows.length, 1, "nothing of the failed load stays");
});
