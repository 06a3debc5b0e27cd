import { deepStrictEqual, equal, match, throws } from "node:assert/strict";
import { DataError } from "../errors.ts";
import { formatJobFileName, newFileId, parseJobFileName } from "./_job_file_name.ts";

Deno.test("parseJobFileName() reads table, file id, retry and format", () => {
  deepStrictEqual(parseJobFileName("orders__items.0a1b2c3d4e.2.jsonl"), {
    table: "orders__items",
    fileId: "0a1b2c3d4e",
    retry: 2,
    format: "jsonl",
  });
});

Deno.test("parseJobFileName() keeps dots in the table name", () => {
  equal(parseJobFileName("a.b.0a1b2c3d4e.0.jsonl").table, "a.b");
});

Deno.test("parseJobFileName() rejects names of another shape", () => {
  throws(() => parseJobFileName("orders.jsonl"), DataError);
  throws(() => parseJobFileName("orders.abc.x.jsonl"), DataError);
  throws(() => parseJobFileName(".abc.0.jsonl"), DataError);
});

Deno.test("formatJobFileName() round trips with parseJobFileName()", () => {
  const name = { table: "t", fileId: newFileId(), retry: 0, format: "jsonl" };
  deepStrictEqual(parseJobFileName(formatJobFileName(name)), name);
});

Deno.test("newFileId() returns 10 hex chars", () => {
  match(newFileId(), /^[0-9a-f]{10}$/);
});
