import { deepEqual, equal, throws } from "node:assert/strict";
import type { Column } from "../../core/schema/types.ts";
import { CopyTextEncoder, escapeCopyText } from "./_copy_text.ts";

const col = (name: string, data_type: Column["data_type"]): Column => ({
  name,
  data_type,
  nullable: true,
});

Deno.test("escapeCopyText() escapes the text format's special characters", () => {
  equal(escapeCopyText("plain", "c"), "plain");
  equal(escapeCopyText("a\tb\nc\rd\\e", "c"), "a\\tb\\nc\\rd\\\\e");
  // `\N` and `\.` are data, not NULL or the end marker, once their backslash is escaped.
  equal(escapeCopyText("\\N", "c"), "\\\\N");
  equal(escapeCopyText("\\.", "c"), "\\\\.");
  const stats = { droppedNul: new Map<string, number>() };
  equal(escapeCopyText("a\0b", "c", stats), "ab");
  deepEqual([...stats.droppedNul], [["c", 1]]);
});

Deno.test("CopyTextEncoder writes each type as PostgreSQL reads it exactly", () => {
  const encoder = new CopyTextEncoder([
    col("t", "text"),
    col("n", "bigint"),
    col("f", "double"),
    col("b", "bool"),
    col("ts", "timestamp"),
    col("j", "json"),
    col("d", "decimal"),
  ]);
  const text = '{"t": "x\\ty", "n": 9007199254740993, "f": 1e400, "b": false, ' +
    '"ts": "2024-01-02T03:04:05,5Z", "j": {"a": [1.0, "q\\\\"]}, "d": 123456789012345678901}\n' +
    '{"extra": 1}\n\n{"f": -0.5, "b": true}\n';
  equal(
    [...encoder.encode(text, "job")].join(""),
    'x\\ty\t9007199254740993\tInfinity\tf\t2024-01-02T03:04:05.5Z\t{"a":[1.0,"q\\\\\\\\"]}\t' +
      "123456789012345678901\n" +
      "\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n" +
      "\\N\t\\N\t-0.5\tt\t\\N\t\\N\t\\N\n",
  );
});

Deno.test("CopyTextEncoder names the line of a job file that is not a JSON object", () => {
  const encoder = new CopyTextEncoder([col("t", "text")]);
  throws(() => [...encoder.encode('{"t": 1}\n[1]\n', "f.jsonl")], /Line 2 of job file f\.jsonl/);
  throws(() => [...encoder.encode('{"t": \n', "f.jsonl")], /Cannot read line 1 of job file/);
});
