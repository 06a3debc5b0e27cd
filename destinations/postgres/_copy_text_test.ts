import { deepEqual, equal, ok, throws } from "node:assert/strict";
import type { Column } from "../../core/schema/types.ts";
import { CopyScanner } from "./_copy_scan.ts";
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
  const bytes = new TextEncoder().encode(text);
  const scanned = new TextDecoder().decode(
    new Uint8Array([...encoder.encodeBytes(bytes, "job")].flatMap((chunk) => [...chunk])),
  );
  equal(
    scanned,
    'x\\ty\t9007199254740993\tInfinity\tf\t2024-01-02T03:04:05.5Z\t{"a": [1.0, "q\\\\\\\\"]}\t' +
      "123456789012345678901\n" +
      "\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n" +
      "\\N\t\\N\t-0.5\tt\t\\N\t\\N\t\\N\n",
  );
  // The row-by-row parse (for files the scanner does not take) writes the same values; JSON
  // comes back re-serialized.
  equal(
    [...encoder.encode(text, "job")].join(""),
    scanned.replace('{"a": [1.0, "q\\\\\\\\"]}', '{"a":[1.0,"q\\\\\\\\"]}'),
  );
});

Deno.test("the scanner and the row-by-row parse agree on hostile rows", () => {
  const columns = [col("t", "text"), col("n", "bigint"), col("j", "json"), col("ts", "timestamp")];
  const rows = [
    { t: "tab\tnew\nline\rback\\slash", n: 1, j: { k: "v\t\\" }, ts: "2024-01-01T00:00:00Z" },
    { t: "\\N", n: -5, j: [1, "x", null], ts: "2024-01-01 00:00:00,25+02:00" },
    { t: 'ünï 🎉 "q"', j: "just a string" },
    { n: 0, t: "" },
    { t: "a\u0000b", j: { "k\u0000": "v\u0000" } },
    { unknown: { deep: [{ x: "}" }] }, t: "after" },
  ];
  const text = rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
  const stats = { droppedNul: new Map<string, number>() };
  ok(new CopyScanner(columns, stats).scan(new TextEncoder().encode(text)), "the scanner takes it");
  // What the job writer never writes: the scanner gives up and the parse takes over.
  equal(new CopyScanner(columns, stats).scan(new TextEncoder().encode('[{"t": 1}]\n')), undefined);
  equal(new CopyScanner(columns, stats).scan(new TextEncoder().encode('{"t": "a\nb"}')), undefined);
  const viaScan = new TextDecoder().decode(
    new Uint8Array(
      [...new CopyTextEncoder(columns).encodeBytes(new TextEncoder().encode(text), "job")]
        .flatMap((c) => [...c]),
    ),
  );
  const viaParse = [...new CopyTextEncoder(columns).encode(text, "job")].join("");
  const lines = (s: string) => s.split("\n").map((l) => l.split("\t"));
  const [a, b] = [lines(viaScan), lines(viaParse)];
  equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    deepEqual(a[i].slice(0, 2), b[i].slice(0, 2), `row ${i}`);
    deepEqual(a[i][3], b[i][3], `row ${i}`);
    // JSON: the same value, whatever the spacing (COPY's escapes undone first).
    const json = (s: string | undefined) =>
      s === undefined || s === "\\N" ? s : JSON.parse(s.replace(/\\\\/g, "\\"));
    deepEqual(json(a[i][2]), json(b[i][2]), `row ${i}`);
  }
  equal(a[0][3], "2024-01-01T00:00:00Z");
  equal(a[1][3], "2024-01-01 00:00:00.25+02:00");
  equal(a[4][0], "ab");
});

Deno.test("CopyTextEncoder names the line of a job file that is not a JSON object", () => {
  const encoder = new CopyTextEncoder([col("t", "text")]);
  throws(() => [...encoder.encode('{"t": 1}\n[1]\n', "f.jsonl")], /Line 2 of job file f\.jsonl/);
  throws(() => [...encoder.encode('{"t": \n', "f.jsonl")], /Cannot read line 1 of job file/);
});
