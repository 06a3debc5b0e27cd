import { equal } from "node:assert/strict";
import { unifiedDiff } from "./_line_diff.ts";

const labels = { from: "a/x.ts", to: "b/x.ts" };

Deno.test("unifiedDiff() returns nothing for equal texts", () => {
  equal(unifiedDiff("a\nb\n", "a\nb\n", labels), "");
});

Deno.test("unifiedDiff() shows a changed line with three lines of context", () => {
  const before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  const after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  equal(
    unifiedDiff(before, after, labels),
    "--- a/x.ts\n+++ b/x.ts\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
  );
});

Deno.test("unifiedDiff() splits distant changes into hunks and joins close ones", () => {
  const lines = Array.from({ length: 20 }, (_, i) => `l${i + 1}`);
  const changed = [...lines];
  changed[1] = "L2";
  changed[3] = "L4";
  changed[17] = "L18";
  const diff = unifiedDiff(lines.join("\n"), changed.join("\n"), labels);
  equal(diff.match(/^@@/gm)?.length, 2);
  equal(diff.includes("@@ -1,7 +1,7 @@\n l1\n-l2\n+L2\n l3\n-l4\n+L4\n"), true);
  equal(diff.includes("@@ -15,6 +15,6 @@\n l15\n l16\n l17\n-l18\n+L18\n l19\n l20\n"), true);
});

Deno.test("unifiedDiff() diffs an added and a removed file against nothing", () => {
  equal(unifiedDiff("", "a\nb\n", labels), "--- a/x.ts\n+++ b/x.ts\n@@ -0,0 +1,2 @@\n+a\n+b\n");
  equal(unifiedDiff("a\n", "", labels), "--- a/x.ts\n+++ b/x.ts\n@@ -1 +0,0 @@\n-a\n");
});

Deno.test("unifiedDiff() keeps lines common to both sides in the middle of a change", () => {
  const diff = unifiedDiff("a\nx\nb\ny\nc\n", "a\nb\nz\nc\n", labels);
  equal(diff, "--- a/x.ts\n+++ b/x.ts\n@@ -1,5 +1,4 @@\n a\n-x\n b\n-y\n+z\n c\n");
});

Deno.test("unifiedDiff() shows a hunk when only the last newline differs", () => {
  equal(
    unifiedDiff("a\nb\n", "a\nb", labels),
    "--- a/x.ts\n+++ b/x.ts\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n",
  );
  equal(
    unifiedDiff("a\nb", "a\nb\n", labels),
    "--- a/x.ts\n+++ b/x.ts\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
  );
  equal(
    unifiedDiff("a\nb", "a\nc", labels),
    "--- a/x.ts\n+++ b/x.ts\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n" +
      "\\ No newline at end of file\n",
  );
});

Deno.test("unifiedDiff() never prints a header without a hunk", () => {
  const texts = ["", "\n", "a", "a\n", "a\n\n", "\na", "a\nb", "a\nb\n", "b\na\n"];
  for (const before of texts) {
    for (const after of texts) {
      const diff = unifiedDiff(before, after, labels);
      equal(diff === "", before === after, `${JSON.stringify(before)} vs ${JSON.stringify(after)}`);
      if (diff !== "") equal(/^@@ /m.test(diff), true, `no hunk: ${JSON.stringify(diff)}`);
    }
  }
});

Deno.test("unifiedDiff() honours a custom context", () => {
  const before = "1\n2\n3\n4\n5\n";
  equal(
    unifiedDiff(before, "1\n2\nthree\n4\n5\n", { ...labels, context: 0 }),
    "--- a/x.ts\n+++ b/x.ts\n@@ -3 +3 @@\n-3\n+three\n",
  );
});
