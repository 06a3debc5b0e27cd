import assert from "node:assert/strict";
import { quoteIdent, quoteLiteral } from "./sql_quote.ts";

Deno.test("quoteIdent doubles embedded double quotes", () => {
  assert.equal(quoteIdent('my "table"'), '"my ""table"""');
  assert.equal(quoteIdent(""), '""');
});

Deno.test("quoteLiteral doubles embedded single quotes and leaves backslashes", () => {
  assert.equal(quoteLiteral("it's"), "'it''s'");
  assert.equal(quoteLiteral("a\\'; DROP"), "'a\\''; DROP'");
});
