import { deepStrictEqual, equal, match, throws } from "node:assert/strict";
import { DataError } from "../errors.ts";
import {
  formatJobFileName,
  jobFileTablePart,
  MAX_JOB_TABLE_PART,
  newFileId,
  parseJobFileName,
  shortenedJobTables,
} from "./_job_file_name.ts";

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

Deno.test("formatJobFileName() shortens a long table name as dlt shortens identifiers", () => {
  const table = "items" + "__children".repeat(40);
  const name = formatJobFileName({ table, fileId: "0a1b2c3d4e", retry: 0, format: "jsonl" });
  const part = jobFileTablePart(table);
  equal(part.length, MAX_JOB_TABLE_PART);
  equal(name, `${part}.0a1b2c3d4e.0.jsonl`);
  // dlt's layout: the head and tail of the name around a tag of the whole name.
  equal(part.startsWith("items__children__"), true);
  equal(part.endsWith("children__children"), true);
  // Distinct long names stay distinct; names that fit stay as they are.
  const other = "items" + "__children".repeat(41);
  equal(jobFileTablePart(other) !== part, true);
  equal(jobFileTablePart("x".repeat(MAX_JOB_TABLE_PART)), "x".repeat(MAX_JOB_TABLE_PART));
  equal(parseJobFileName(name).table, part);
});

Deno.test("jobFileTablePart() keeps the bytes in bounds for non-ASCII digits", () => {
  const table = "t_" + "٣".repeat(120); // ARABIC-INDIC DIGIT THREE: 2 bytes each
  const part = jobFileTablePart(table);
  equal(new TextEncoder().encode(part).length <= MAX_JOB_TABLE_PART, true, part);
});

Deno.test("shortenedJobTables() maps shortened parts back to their tables", () => {
  const long = "items" + "__children".repeat(40);
  const map = shortenedJobTables(["items", long]);
  deepStrictEqual([...map], [[jobFileTablePart(long), long]]);
});
