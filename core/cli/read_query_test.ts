import { equal } from "node:assert/strict";
import { UserError } from "../errors.ts";
import { limitedSql, withDatasetHint } from "./read_query.ts";

Deno.test("limitedSql() wraps plain queries, keeps a trailing comment out of the way", () => {
  equal(
    limitedSql("SELECT * FROM t -- all;", 10),
    "SELECT * FROM (SELECT * FROM t -- all\n) AS q LIMIT 11",
  );
  equal(limitedSql("select 1;", 5), "SELECT * FROM (select 1\n) AS q LIMIT 6");
  equal(limitedSql("DESCRIBE ds.t", 5), "DESCRIBE ds.t");
  equal(limitedSql("SELECT 1; SELECT 2", 5), "SELECT 1; SELECT 2");
});

Deno.test("withDatasetHint() points an unqualified table at the dataset", () => {
  const err = withDatasetHint(new UserError("Table with name items does not exist!"), "ds");
  equal((err as Error).message.endsWith("write ds.items"), true);
  const qualified = new UserError("Table with name ds.items does not exist!");
  equal(withDatasetHint(qualified, "ds"), qualified);
  // A file path read as a table is no table of the dataset: no hint.
  const path = new UserError("Table with name /etc/passwd does not exist!");
  equal(withDatasetHint(path, "ds"), path);
  // PostgreSQL's words.
  const pg = withDatasetHint(new UserError('Query failed: relation "items" does not exist'), "ds");
  equal(
    (pg as Error).message,
    'Query failed: relation "items" does not exist. ' +
      "The pipeline's tables are in dataset ds: write ds.items",
  );
});
