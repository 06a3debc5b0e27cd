import { deepStrictEqual, equal } from "node:assert/strict";
import {
  cellText,
  columnsOf,
  formatBytes,
  formatCsv,
  formatJson,
  formatTable,
  formatYaml,
  loadIdTime,
} from "./_format.ts";

Deno.test("formatTable() aligns columns, right-aligns numbers and counts rows", () => {
  const text = formatTable([
    { id: 1, name: "alpha", score: 1.5 },
    { id: 100, name: "b", score: null },
  ]);
  equal(
    text,
    [
      " id  name   score",
      "---  -----  -----",
      "  1  alpha    1.5",
      "100  b       NULL",
      "2 rows",
      "",
    ].join("\n"),
  );
});

Deno.test("formatTable() says 1 row, and 0 rows without a header when there are no columns", () => {
  equal(formatTable([{ a: "x" }]), "a\n-\nx\n1 row\n");
  equal(formatTable([]), "0 rows\n");
});

Deno.test("formatTable() takes a column order, indent, null text and no footer", () => {
  const text = formatTable([{ a: 1, b: undefined }], {
    columns: ["b", "a"],
    indent: "  ",
    nullText: "-",
    footer: false,
  });
  equal(text, "  b  a\n  -  -\n  -  1\n");
});

Deno.test("formatTable() keeps one line per row: line breaks in values are escaped", () => {
  equal(
    formatTable([{ note: "two\nlines" }], { footer: false }),
    "note\n----------\ntwo\\nlines\n",
  );
});

Deno.test("cellText() prints dates as ISO, objects as JSON and bigints exactly", () => {
  equal(cellText(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), "2024-01-02T03:04:05.000Z");
  equal(cellText({ a: [1, 2] }), '{"a":[1,2]}');
  equal(cellText(12345678901234567890n), "12345678901234567890");
  equal(cellText({ big: 12345678901234567890n }), '{"big":12345678901234567890}');
  equal(cellText(true), "true");
  equal(cellText(null), "NULL");
  equal(cellText(undefined, ""), "");
});

Deno.test("columnsOf() unites the keys of all rows in order of first appearance", () => {
  deepStrictEqual(columnsOf([{ a: 1 }, { b: 2, a: 3 }, { c: 4 }]), ["a", "b", "c"]);
});

Deno.test("formatCsv() quotes fields with commas, quotes and line breaks (RFC 4180)", () => {
  const text = formatCsv([
    { id: 1, text: "plain", note: null },
    { id: 2, text: 'say "hi"', note: "a,b" },
    { id: 3, text: "line\nbreak", note: "x\r\ny" },
  ]);
  equal(
    text,
    'id,text,note\n1,plain,\n2,"say ""hi""","a,b"\n3,"line\nbreak","x\r\ny"\n',
  );
});

Deno.test("formatCsv() prints dates as ISO and objects as JSON; no rows no output", () => {
  equal(
    formatCsv([{ at: new Date(0), doc: { k: "v" } }]),
    'at,doc\n1970-01-01T00:00:00.000Z,"{""k"":""v""}"\n',
  );
  equal(formatCsv([]), "");
});

Deno.test("formatJson() writes an array of objects and big integers without losing digits", () => {
  const text = formatJson([{ id: 1, big: 12345678901234567890n, at: new Date(0), n: null }]);
  equal(
    text,
    '[\n  {\n    "id": 1,\n    "big": 12345678901234567890,\n    "at": "1970-01-01T00:00:00.000Z",\n' +
      '    "n": null\n  }\n]\n',
  );
  equal(formatJson([]), "[]\n");
});

Deno.test("formatYaml() prints a nested document as block YAML", () => {
  equal(
    formatYaml({ name: "shop", tables: { items: { columns: { id: "bigint" } } } }),
    "name: shop\ntables:\n  items:\n    columns:\n      id: bigint\n",
  );
});

Deno.test("formatBytes() prints sizes as dlt does", () => {
  equal(formatBytes(186), "186B");
  equal(formatBytes(12_345), "12.3kB");
  equal(formatBytes(4_500_000), "4.5MB");
});

Deno.test("loadIdTime() turns a load id into the time it stands for", () => {
  equal(loadIdTime("1749667187.541553"), "2025-06-11T18:39:47.541Z");
  equal(loadIdTime("not-a-load-id"), "");
});
