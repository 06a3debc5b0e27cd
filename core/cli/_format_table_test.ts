import { equal } from "node:assert/strict";
import { formatTable } from "./_format_table.ts";

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

Deno.test("formatTable() measures wide characters in terminal cells: 東京 aligns", () => {
  const text = formatTable([{ city: "東京", n: 1 }, { city: "Paris", n: 22 }, { city: "é", n: 3 }]);
  equal(
    text,
    [
      "city    n",
      "-----  --",
      "東京    1",
      "Paris  22",
      "é       3",
      "3 rows",
      "",
    ].join("\n"),
  );
});

Deno.test("formatTable() aligns wide headers, combining marks and emoji", () => {
  const text = formatTable([{ 名前: "e\u0301", x: "👍" }, { 名前: "abcde", x: "ab" }], {
    footer: false,
  });
  equal(text, "名前   x\n-----  --\ne\u0301      👍\nabcde  ab\n");
});
