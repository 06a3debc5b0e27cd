import { equal } from "node:assert/strict";
import { insertFromJsonSql, qualifiedTable, quoteIdent, quoteLiteral } from "./sql.ts";

Deno.test("quoteIdent() and quoteLiteral() escape their quote characters", () => {
  equal(quoteIdent('a "b"'), '"a ""b"""');
  equal(quoteLiteral("it's"), "'it''s'");
  equal(qualifiedTable("my-ds", "select"), '"my-ds"."select"');
});

Deno.test("insertFromJsonSql() types every schema column for read_json", () => {
  equal(
    insertFromJsonSql("ds", "t", [
      { name: "id", data_type: "bigint", nullable: false },
      { name: "it's", data_type: "json", nullable: true },
    ], "/tmp/a'b.jsonl"),
    `INSERT INTO "ds"."t" ("id", "it's") SELECT "id", "it's" FROM read_json(['/tmp/a''b.jsonl'], ` +
      `format='newline_delimited', records=true, columns={'id': 'BIGINT', 'it''s': 'JSON'})`,
  );
});
