import { equal } from "node:assert/strict";
import { formatCsv } from "./_format_csv.ts";

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

Deno.test("formatCsv() quotes a bare carriage return, a header with a comma, leading spaces kept", () => {
  equal(
    formatCsv([{ "a,b": "x\ry", "c.d": " lead", e: true, f: 12345678901234567890n }]),
    '"a,b",c.d,e,f\n"x\ry", lead,true,12345678901234567890\n',
  );
});

Deno.test("formatCsv() writes only the columns asked for, missing cells empty", () => {
  equal(formatCsv([{ a: 1, b: 2 }, { b: 3 }], ["b", "a"]), "b,a\n2,1\n3,\n");
});
